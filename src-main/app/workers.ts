import type { WorkerHandlers, WorkerView } from '../../src-shared/contract/domains/workers.ts';
import type { ValidationIssue } from '../../src-shared/contract/errors.ts';
import { formatPath } from '../../src-shared/contract/errors.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import { AppError, invalidInput, toIssues } from '../errors.ts';
import type { AppContext } from './context.ts';
import { WorkerWorkspaces } from './worker-workspaces.ts';

/**
 * Remote workers (issue 18) over the engine's worker leases: a worker registers its agents as
 * its own (Baton then never runs them itself), renews its leases by heartbeats, streams what its
 * attempts report and gives back what it holds when it stops. Tasks are taken and completed over
 * seed 004's pull API (`work.*`), like any daemon's.
 */
export function workerHandlers({
  store,
  engine,
  bus,
  now,
}: AppContext): Omit<WorkerHandlers, `workers.tokens.${string}`> {
  const leases = engine.workers;
  return {
    'workers.register': ({ worker_id, agents, workspaces }) => {
      const parsed: Agent[] = [];
      const issues: ValidationIssue[] = [];
      agents.forEach((raw, i) => {
        const r = agentSchema.safeParse(raw);
        if (!r.success) {
          issues.push(...toIssues(r.error.issues, ['agents', i]));
          return;
        }
        if (r.data.kind === 'human')
          issues.push({
            path: formatPath(['agents', i, 'kind']),
            message: 'a worker runs no people: human agents pull their own work',
          });
        else parsed.push({ ...r.data, worker: worker_id });
      });
      if (issues.length > 0) throw invalidInput(`worker ${worker_id}'s agents are invalid`, issues);
      const ids = new Set<string>();
      for (const a of parsed) {
        if (ids.has(a.id)) throw new AppError('invalid_input', `duplicate agent id "${a.id}"`);
        ids.add(a.id);
        const known = store.agents.get(a.id);
        if (!known || known.worker === worker_id) continue;
        if (known.worker === undefined)
          throw new AppError(
            'conflict',
            `Agent ${a.id} is one of this Baton's own agents; a worker cannot take it over (give the worker's agent another id)`,
          );
        // A worker that went away (past its lease) leaves its agents to whoever comes with them.
        if (leases.alive(known.worker))
          throw new AppError('conflict', `Agent ${a.id} belongs to worker ${known.worker}, which is running`);
      }
      leases.heard(worker_id);
      const saved = store.tx(() => {
        new WorkerWorkspaces(store.db).set(worker_id, workspaces ?? []);
        return parsed.map((a) => store.agents.save(a, now()));
      });
      engine.agentsChanged();
      for (const a of saved) bus.emit('agent.updated', a);
      return { agents: saved, lease_ms: leases.leaseMs };
    },
    'workers.heartbeat': ({ worker_id, held }) => ({
      drop: leases.heartbeat(worker_id, held),
      lease_ms: leases.leaseMs,
    }),
    'workers.report': ({ worker_id, run_id, task_id, attempt, events }) => {
      const drop = leases.report(worker_id, { run_id, task_id, attempt }, events);
      return drop === null
        ? { accepted: events.length }
        : { accepted: 0, drop: { run_id, task_id, attempt, reason: drop } };
    },
    // A worker's tool loop asks a person as the app's does (`ToolCallDesk`): the same approval,
    // card, notifications and webhooks. Only for an attempt the worker holds, whose lease the
    // call renews (a report without notes); the worker waits for the verdict in turns.
    'workers.askToolCall': ({ worker_id, run_id, task_id, attempt, ...call }) => {
      const held = { run_id, task_id, attempt };
      const drop = leases.report(worker_id, held, []);
      if (drop !== null) return { drop: { ...held, reason: drop } };
      return engine.askToolCall({ ...held, ...call });
    },
    'workers.waitToolCall': async ({ worker_id, run_id, task_id, attempt, approval_id, wait_ms }) => {
      const held = { run_id, task_id, attempt };
      const drop = leases.report(worker_id, held, []);
      if (drop !== null) return { drop: { ...held, reason: drop } };
      // Only the task that asked hears the answer (an earlier attempt of it may have asked).
      const asked = store.toolCalls.get(approval_id);
      if (!asked || asked.run_id !== run_id || asked.task_id !== task_id)
        throw new AppError(
          'not_found',
          `tool call approval "${approval_id}" was not asked by task "${task_id}" of run "${run_id}"`,
        );
      const { verdict } = await engine.waitToolCall(approval_id, wait_ms);
      // The attempt may have stopped being the worker's meanwhile (its task cancelled): then it
      // drops, whatever the approval says (a cancellation closes it as rejected).
      const after = leases.report(worker_id, held, []);
      if (after !== null) return { drop: { ...held, reason: after } };
      return { verdict };
    },
    // A coding attempt's merge conflict on the worker, asked as the app's attempts ask it
    // (`MergeConflictDesk`); a person resolves it in the worker's worktree, which the card names.
    'workers.askMergeConflict': ({ worker_id, run_id, task_id, attempt, ...req }) => {
      const held = { run_id, task_id, attempt };
      const drop = leases.report(worker_id, held, []);
      if (drop !== null) return { drop: { ...held, reason: drop } };
      const agent_id = store.runs.task(run_id, task_id)?.agent_id ?? null;
      return { approval_id: engine.askMergeConflict({ ...held, agent_id }, req) };
    },
    'workers.waitMergeConflict': async ({ worker_id, run_id, task_id, attempt, approval_id, wait_ms }) => {
      const held = { run_id, task_id, attempt };
      const drop = leases.report(worker_id, held, []);
      if (drop !== null) return { drop: { ...held, reason: drop } };
      const asked = store.mergeConflicts.get(approval_id);
      if (!asked || asked.run_id !== run_id || asked.task_id !== task_id)
        throw new AppError(
          'not_found',
          `merge conflict approval "${approval_id}" was not asked by task "${task_id}" of run "${run_id}"`,
        );
      const verdict = await engine.waitMergeConflict(approval_id, { ...held, agent_id: null }, wait_ms);
      const after = leases.report(worker_id, held, []);
      if (after !== null) return { drop: { ...held, reason: after } };
      return { verdict };
    },
    'workers.leave': ({ worker_id, held }) => ({ requeued: leases.giveBack(worker_id, held) }),
    'workers.list': () => {
      const byWorker = new Map<string, string[]>();
      for (const a of store.agents.list()) {
        if (a.worker === undefined) continue;
        byWorker.set(a.worker, [...(byWorker.get(a.worker) ?? []), a.id]);
      }
      return [...byWorker].map(([id, agents]): WorkerView => {
        const seen = leases.lastSeen(id);
        return {
          id,
          agents,
          last_seen: seen === null ? null : new Date(seen).toISOString(),
          alive: leases.alive(id),
          leases: leases.leasesOf(id),
        };
      });
    },
  };
}
