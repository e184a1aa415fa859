import { actorOfCall } from '../../src-shared/contract/caller.ts';
import type { ClaimedTask, WorkerHandlers, WorkerView } from '../../src-shared/contract/domains/workers.ts';
import type { ValidationIssue } from '../../src-shared/contract/errors.ts';
import { formatPath } from '../../src-shared/contract/errors.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import type { CodingStore } from '../agents/coding/index.ts';
import { handedBestOf, WorkerWorkspaces } from '../agents/coding/index.ts';
import { AppError, invalidInput, toIssues } from '../base/errors.ts';
import { randomIds } from '../engine/clock.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../events/event-bus.ts';
import { longPoll } from '../events/long-poll.ts';
import { capReport } from './report-caps.ts';
import type { WorkerTokens } from './tokens.ts';

/** What the workers' handlers are built from (the app's store, engine and bus). */
export interface WorkerHandlerDeps {
  /** The app's store, with the coding kind's records (a worker's best-of candidates are recorded there). */
  store: CodingStore;
  engine: Engine;
  bus: EventBus;
  now: () => string;
  /**
   * This Baton's data directory (its database, `server.json` with the UI's token, the secrets
   * file): told to each worker as it registers, which hides it from its agents, so that a worker
   * on this machine hands none of it to them.
   */
  dataDir: string;
}

/**
 * Remote workers over the engine's worker leases and claims: a worker registers its agents as its
 * own (Baton then never runs them itself), claims their tasks and hands in their results
 * (`workers.claim`), renews its leases by heartbeats, streams what its attempts report and gives
 * back what it holds when it stops. A worker that speaks only the pull API (`work.*`: select,
 * execute, complete) is served as any daemon; what its attempts ask a person goes through `inbox.*`.
 */
export function workerHandlers({
  store,
  engine,
  bus,
  now,
  dataDir,
}: WorkerHandlerDeps): Omit<WorkerHandlers, `workers.tokens.${string}`> {
  const leases = engine.workers;
  const claims = engine.claims;
  const terms = () => ({ lease_ms: leases.leaseMs, beat_ms: leases.beatMs });
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
      return { agents: saved, ...terms(), data_dir: dataDir };
    },
    'workers.claim': ({ worker_id, slots, results, wait_s }) => {
      // Every agent named is checked first: a claim refused hands nothing in and takes nothing.
      const asked = claims.agentsOf(worker_id, slots);
      const now = claims.exchange(
        worker_id,
        asked,
        results ?? [],
        // A best-of attempt's candidates that do not parse refuse its result, naming the field.
        (r) => void handedBestOf(r.result.status, r.result.output),
        (r) => {
          const summary = handedBestOf(r.result.status, r.result.output);
          if (summary) store.bestOf.save(r.run.id, r.task.task_id, r.result.attempt, summary);
        },
      );
      const answer = (tasks: ClaimedTask[]) => ({ results: now.results, tasks, ...terms() });
      if (now.tasks.length > 0 || !wait_s || asked.length === 0) return answer(now.tasks);
      // Each later look takes the agents as the registry has them then (one removed meanwhile: not found).
      return longPoll(
        bus,
        () => claims.claim(worker_id, claims.agentsOf(worker_id, slots)),
        (tasks) => tasks.length > 0,
        wait_s * 1000,
      ).then(answer);
    },
    'workers.heartbeat': ({ worker_id, held }) => ({ drop: leases.heartbeat(worker_id, held), ...terms() }),
    'workers.report': ({ worker_id, run_id, task_id, attempt, events }) => {
      // Held to the attempt's caps: a worker's token is not to store more than the app's own executors would.
      const drop = leases.report(worker_id, { run_id, task_id, attempt }, events, capReport);
      return drop === null
        ? { accepted: events.length }
        : { accepted: 0, drop: { run_id, task_id, attempt, reason: drop } };
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

type TokenHandlers = Pick<
  WorkerHandlers,
  'workers.tokens.create' | 'workers.tokens.list' | 'workers.tokens.revoke'
>;

/** Where a worker reaches Baton when neither the caller nor the host says (the default `baton serve`). */
const DEFAULT_SERVER = 'http://127.0.0.1:4800/';

/** `workers.tokens.*`: made, listed and revoked by people (the UI token); each step audited. */
export function workerTokenHandlers(deps: {
  tokens: WorkerTokens;
  audit: (e: { entity_id: string; to: string; why: string; actor: string }) => void;
}): TokenHandlers {
  const { tokens } = deps;
  return {
    'workers.tokens.create': ({ name, server_url, worker_id }, call) => {
      const created = tokens.create(
        randomIds.next('wtk'),
        name,
        server_url ?? tokens.serverUrl ?? DEFAULT_SERVER,
        worker_id,
      );
      deps.audit({
        entity_id: created.token.id,
        to: 'active',
        why: `worker token "${name}" created${worker_id === undefined ? '' : ` for worker ${worker_id}`}`,
        actor: actorOfCall(null, call),
      });
      return created;
    },
    'workers.tokens.list': () => tokens.list(),
    'workers.tokens.revoke': ({ token_id }, call) => {
      const revoked = tokens.revoke(token_id);
      if (revoked)
        deps.audit({
          entity_id: token_id,
          to: 'revoked',
          why: `worker token "${tokens.get(token_id)?.name ?? token_id}" revoked: workers using it are refused from now on`,
          actor: actorOfCall(null, call),
        });
      return { revoked };
    },
  };
}
