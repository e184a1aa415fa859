import type { ChangesRequested, PreparedContext } from '../../src-shared/contract/domains/work.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { sandboxHostsOf } from './approvals/sandbox-hosts.ts';
import type { AttemptSandboxHosts } from './executor.ts';
import type { ActiveRun } from './run-state.ts';
import type { Runtime } from './runtime.ts';
import { prepareContext } from './task-context.ts';

/**
 * What an agent that pulls its work is handed with a task (`PullApi`: `work.context`,
 * `work.execute`, a worker's claim): the task's context (`prepareContext`), the workspace for a
 * coding agent, and for a remote worker's agent what it runs under there: the hosts people
 * allowed (its policy asking about unlisted ones) and a reviewer's request for changes.
 */
export class PulledContexts {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;

  constructor(rt: Runtime, agents: AgentDirectory) {
    this.rt = rt;
    this.agents = agents;
  }

  /**
   * What `agent` is given to work on the task; a coding agent is told the task's workspace, and
   * (`resume`) a remote worker's that a reviewer asked for changes. `hostsSeen`: the sandbox hosts
   * read for earlier tasks of the same claim (read once per agent and workspace).
   */
  of(
    run: ActiveRun,
    task: TaskRun,
    agent: Agent,
    resume?: ChangesRequested,
    hostsSeen?: Map<string, AttemptSandboxHosts>,
  ): PreparedContext {
    const spec = run.specs.get(task.task_id)!;
    const ctx = prepareContext(run.id, run.plan, spec, task, agent, run.tasks, run.specs, run.dependents);
    const inWorkspace = this.agents.traitsOf(agent).worksInWorkspace;
    const workspace = inWorkspace ? (spec.workspace ?? run.plan.workspace) : undefined;
    // A remote worker runs the attempt's processes in its sandbox: the network policy `ask` goes
    // with it, for an agent whose policy asks.
    let hosts: AttemptSandboxHosts | undefined;
    if (agent.worker !== undefined && asksAboutHosts(agent)) {
      const key = `${agent.id}\u0000${workspace ?? ''}`;
      hosts = hostsSeen?.get(key);
      if (!hosts) {
        hosts = sandboxHostsOf(this.rt.store, workspace ? { id: workspace } : null, agent);
        hostsSeen?.set(key, hosts);
      }
    }
    return {
      ...ctx,
      ...(workspace ? { workspace } : {}),
      ...(inWorkspace && resume ? { resume } : {}),
      ...(hosts ? { sandbox_hosts: hosts } : {}),
    };
  }

  /**
   * A remote worker's coding agent takes a task a reviewer asked changes of: the request goes to
   * the worker with the context (the app's own attempts take it from the coding kind's `prepare`).
   * Taken once: asked again, the task's next attempt is not told.
   */
  changesRequested(run: ActiveRun, task: TaskRun, agent: Agent): ChangesRequested | undefined {
    if (!this.agents.traitsOf(agent).reviewsDiff || agent.worker === undefined) return undefined;
    const asked = run.resumeNext.get(task.task_id);
    if (asked?.reason === 'changes_requested') {
      run.resumeNext.delete(task.task_id);
      const { comment, line_comments } = asked;
      return { reason: 'changes_requested', comment, line_comments };
    }
    // A restart lost `resumeNext`: the request is read back from the approval, as the coding kind's `prepare` does.
    const store = this.rt.store;
    const before = store.execution.attempts(run.id, task.task_id).find((a) => a.attempt === task.attempt - 1);
    if (before?.outcome !== 'done') return undefined;
    const review = store.approvals
      .forTask(run.id, task.task_id)
      .findLast((a) => a.kind === 'diff_review' && a.status !== 'pending');
    if (review?.status !== 'changes_requested') return undefined;
    return {
      reason: 'changes_requested',
      comment: review.comment ?? '',
      line_comments: store.approvals.lineComments(review.id),
    };
  }
}

/** Whether the agent's own sandbox asks about unlisted hosts (a plan can narrow that to deny, never widen deny to ask). */
function asksAboutHosts(agent: Agent): boolean {
  return 'sandbox' in agent && agent.sandbox?.network.unlisted === 'ask';
}
