import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { BuildResponse, TaskRun } from '../../src-shared/schemas/run.ts';
import type { RunInputValues } from '../../src-shared/schemas/run-inputs.ts';
import { AppError, invalidInput } from '../base/errors.ts';
import { checkedRunInputs, withRunInputs } from './run-inputs.ts';
import type { RerunOrigin } from './run-launch.ts';
import { newRun, reusableTasks } from './run-launch.ts';
import type { RunLoader } from './run-loader.ts';
import type { ActiveRun } from './run-state.ts';
import { byTaskId, delegations } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';

/** Writes with a new run, in the transaction that stores it (`RunStarts.start`). */
export type Alongside = (runId: string) => void;

/**
 * New runs: a plan's run, or a re-run of a finished run from one task. Each is stored with its
 * tasks, its build log, its inputs and an audit row in one transaction, and taken up (`TaskFlow`)
 * before the engine's next tick delegates its ready tasks.
 */
export class RunStarts {
  private readonly rt: Runtime;
  private readonly parts: { loader: RunLoader; writer: RunWriter; flow: TaskFlow };

  constructor(rt: Runtime, parts: { loader: RunLoader; writer: RunWriter; flow: TaskFlow }) {
    this.rt = rt;
    this.parts = parts;
  }

  /**
   * A run of the plan's latest version (or of `version`, refused when not stored), its inputs
   * checked against the plan's `run_inputs`.
   */
  start(
    planId: string,
    startedBy: string,
    inputs?: RunInputValues,
    alongside?: Alongside,
    version?: number,
  ): ActiveRun {
    const stored = this.rt.store.plans.get(planId, version);
    if (!stored) {
      const latest = version === undefined ? undefined : this.rt.store.plans.get(planId);
      throw new AppError(
        'not_found',
        latest
          ? `plan "${planId}" has no version ${version} (its latest is v${latest.version})`
          : `plan "${planId}" not found`,
      );
    }
    refuseArchived(stored);
    const values = checkedRunInputs(stored.plan, inputs);
    return this.launch(stored.plan, stored.version, new Map(), null, startedBy, values, alongside);
  }

  /**
   * A new run of a finished run's plan version in which `taskId` and everything downstream of it
   * run again; finished work upstream is reused (`reusableTasks`), with the old run's inputs.
   */
  rerun(runId: string, taskId: string, startedBy: string, alongside?: Alongside): ActiveRun {
    const store = this.rt.store;
    const old = store.runs.get(runId);
    if (!old) throw new AppError('not_found', `run "${runId}" not found`);
    if (old.status === 'executing') {
      throw new AppError('conflict', `run "${runId}" is still executing; cancel it or let it finish first`);
    }
    const stored = store.plans.get(old.plan_id, old.plan_version);
    if (!stored) throw new AppError('not_found', `plan "${old.plan_id}" v${old.plan_version} is gone`);
    refuseArchived(stored);
    const plan = stored.plan;
    const specs = byTaskId(plan.tasks);
    if (!specs.has(taskId)) {
      throw new AppError(
        'not_found',
        `task "${taskId}" is not in plan "${plan.plan_id}" v${old.plan_version}`,
      );
    }
    const reuse = reusableTasks(plan, specs, store.runs.tasks(runId), taskId);
    const inputs = store.runInputs.get(runId) ?? {};
    return this.launch(plan, stored.version, reuse, { runId, taskId }, startedBy, inputs, alongside);
  }

  private launch(
    plan: Plan,
    version: number,
    reuse: Map<string, TaskRun>,
    from: RerunOrigin | null,
    startedBy: string,
    inputs: RunInputValues,
    alongside?: Alongside,
  ): ActiveRun {
    const { rt } = this;
    // A start that waited for the store's writer can come after the engine closed: no lease would hold its run.
    if (rt.closed) throw new AppError('unavailable', 'Baton is closing: start the run once it has restarted');
    assertDeciderRuns(rt, plan);
    const now = rt.iso();
    const runId = rt.ids.next('run');
    const memoryId = rt.ids.next('mem');
    const fresh = newRun(plan, version, { runId, memoryId, startedBy }, reuse, from, now);
    const { owner, leaseTtlMs } = rt.config;
    const { loader, writer, flow } = this.parts;
    let active: ActiveRun | null = null;
    loader.tx(() => {
      rt.store.runs.insertRun(
        { ...fresh.info, lease_owner: owner, lease_expires_at: rt.clock.now() + leaseTtlMs },
        fresh.tasks,
      );
      rt.store.memory.insert(fresh.log);
      writer.audit(
        'run',
        runId,
        runId,
        null,
        'executing',
        from
          ? `re-run of run ${from.runId} from task "${from.taskId}" (plan "${plan.plan_id}" v${version}; ${reuse.size} finished task(s) reused)`
          : `run of plan "${plan.plan_id}" v${version} started`,
      );
      rt.store.runInputs.save(runId, inputs);
      alongside?.(runId);
      active = flow.activate(withRunInputs(plan, inputs), { fresh });
    });
    return active!;
  }
}

/** A decider that cannot answer would escalate every task of the run to a person: refused at start. */
function assertDeciderRuns(rt: Runtime, plan: Plan): void {
  const decider = plan.decider;
  if (decider?.kind !== 'llm') return;
  const agent = decider.agent_id ? rt.store.agents.get(decider.agent_id) : undefined;
  if (agent?.kind === 'llm') return;
  const message = decider.agent_id
    ? `"${decider.agent_id}" is not a registered llm agent: register it, or use the rules decider`
    : 'an llm decider needs the agent_id of a registered llm agent';
  throw invalidInput(`plan "${plan.plan_id}" cannot run`, [{ path: 'decider.agent_id', message }]);
}

/**
 * The build endpoint's answer for a run after its first tick: the tasks delegated so far, and
 * `failed` when the run already failed, or ended without delegating anything.
 */
export function buildResponse(run: ActiveRun): BuildResponse {
  const delegated = delegations(run);
  return {
    status:
      run.info.status === 'failed' || (run.info.status !== 'executing' && delegated.length === 0)
        ? 'failed'
        : 'executing',
    delegated_tasks: delegated,
    memory_id: run.info.memory_id,
    run_id: run.info.id,
  };
}

/** An archived plan is not run, whoever asks (a person, a schedule, a trigger, a re-run). */
function refuseArchived(stored: { plan_id: string; archived_at: string | null }): void {
  if (stored.archived_at === null) return;
  throw new AppError(
    'conflict',
    `plan "${stored.plan_id}" is archived: unarchive it to run it (on the Plans page, or baton plans unarchive ${stored.plan_id})`,
    { field: 'plan_id' },
  );
}
