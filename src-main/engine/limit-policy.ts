import type { Agent } from '../../src-shared/schemas/agent.ts';
import { QUOTA_WAIT_PREFIX } from '../../src-shared/schemas/plain/usage-limit.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { UsageLimitSignal } from '../../src-shared/schemas/usage-limit.ts';
import { onLimitOf } from '../../src-shared/schemas/usage-limit.ts';
import type { AgentLimits } from './agent-limits.ts';
import type { Approvals } from './approvals/approvals.ts';
import type { ActiveRun } from './run-state.ts';
import { ACTOR } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';

/** The steps of `TaskFlow` a limited attempt goes on with (its class gives them). */
export interface LimitSteps {
  enqueueOrGate(run: ActiveRun, task: TaskRun): void;
  armRetry(run: ActiveRun, task: TaskRun): void;
  settleDependents(run: ActiveRun, taskId: string): void;
  maybeFinish(run: ActiveRun): void;
}

export interface LimitParts {
  rt: Runtime;
  writer: RunWriter;
  approvals: Approvals;
  limits: AgentLimits;
  flow: LimitSteps;
}

/**
 * An attempt ended on its agent's usage or rate limit (`usageLimited`, inside the tick that
 * applies its end): the agent's account is limited until the reset, the attempt is kept
 * `limited` (waiting for quota, not failed: it uses none of the retries), and the task follows
 * its `on_limit`, else its plan's, else `wait`:
 * - `wait`: ready again at the reset (`retry_at`, the retry's durable timer) and pinned to the same
 *   agent (`task_quota_waits`, read back when a restart loads the run), its reason saying until when;
 * - `fail_over`: ready now; matching passes the limited agents over, so the next qualified agent
 *   takes it, its "why this agent" naming the limited one and why (or it waits for the first reset);
 * - `fail`: failed, saying the limit and the reset.
 */
export function endLimited(
  parts: LimitParts,
  run: ActiveRun,
  task: TaskRun,
  spec: TaskSpec,
  agent: Agent | undefined,
  signal: UsageLimitSignal,
  error: string,
): void {
  const { rt, writer, approvals, limits, flow } = parts;
  const limit = agent ? limits.mark(agent, signal, run.id) : null;
  const until = limit?.until ?? new Date(rt.clock.now()).toISOString();
  const who = task.agent_id ?? 'its agent';
  const words = `${who} hit a usage limit (${limit?.message ?? signal.message}); it resets at ${until}${limit && !limit.reset_known ? ' (not said by the vendor: tried again then)' : ''}`;
  writer.keepAttempt(task, 'limited', error);
  const policy = onLimitOf(spec, run.plan);
  switch (policy) {
    case 'wait': {
      const agentId = task.agent_id!;
      rt.store.limits.wait(run.id, { task_id: task.task_id, agent_id: agentId, until });
      run.specs.set(task.task_id, { ...spec, agent: agentId });
      writer.setStatus(run, task, 'ready', {
        error,
        retry_at: Date.parse(until),
        reason: `${QUOTA_WAIT_PREFIX}${until}: ${words}; it goes on with ${agentId} then (on_limit: wait)`,
      });
      flow.armRetry(run, task);
      return;
    }
    case 'fail_over':
      writer.setStatus(run, task, 'ready', {
        error,
        reason: `${words}; offered to the next qualified agent that is not limited (on_limit: fail_over)`,
      });
      flow.enqueueOrGate(run, task);
      return;
    case 'fail': {
      const why = `${words} (on_limit: fail)`;
      approvals.close(run, task, `the task failed: ${why}`, ACTOR);
      writer.setStatus(run, task, 'failed', { error: why, finished_at: rt.iso() });
      writer.writeTaskResult(run, task);
      flow.settleDependents(run, task.task_id);
      flow.maybeFinish(run);
      return;
    }
  }
}

/**
 * The tasks of a run loaded again (a restart) that wait for their agent's quota: pinned to that
 * agent again. One read per run, only when one of its tasks waits at all.
 */
export function pinQuotaWaits(rt: Runtime, run: ActiveRun): void {
  let waiting = false;
  for (const t of run.tasks.values())
    if (t.status === 'ready' && t.retry_at !== null) {
      waiting = true;
      break;
    }
  if (!waiting) return;
  for (const w of rt.store.limits.waitsOf(run.id)) {
    const spec = run.specs.get(w.task_id);
    if (spec && run.tasks.get(w.task_id)?.status === 'ready')
      run.specs.set(w.task_id, { ...spec, agent: w.agent_id });
  }
}
