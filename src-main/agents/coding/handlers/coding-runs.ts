import type { MergeReport, RunHandlers } from '../../../../src-shared/contract/domains/runs.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { CodingOutput, TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { AppError } from '../../../base/errors.ts';
import { discardWorktree } from '../sessions/cleanup.ts';
import { mergeBranches } from '../workspaces/index.ts';
import type { CodingHandlersContext } from './context.ts';

type CodingRunHandlers = Pick<
  RunHandlers,
  'runs.steps' | 'runs.sessions' | 'runs.keepWorktree' | 'runs.mergeBranches'
>;

/** The run methods of coding tasks: steps, sessions, keeping a worktree, merging the branches. */
export function codingRunHandlers({ coding: { store }, bus, now }: CodingHandlersContext): CodingRunHandlers {
  const runOf = (runId: string) => {
    const run = store.runs.get(runId);
    if (!run) throw new AppError('not_found', `run "${runId}" not found`);
    return run;
  };
  return {
    'runs.steps': ({ run_id, task_id, attempt }) => {
      runOf(run_id);
      return store.steps.list(run_id, task_id, attempt);
    },
    'runs.sessions': ({ run_id }) => {
      runOf(run_id);
      return store.sessions.forRun(run_id);
    },
    'runs.keepWorktree': async ({ run_id, task_id, keep }) => {
      const run = runOf(run_id);
      const session = store.sessions.get(run_id, task_id);
      if (!session)
        throw new AppError(
          'not_found',
          `task "${task_id}" of run "${run_id}" has no worktree (not a coding task, or not started)`,
        );
      if (session.state === 'removed')
        throw new AppError(
          'conflict',
          `the worktree of task "${task_id}" was removed already (its branch ${session.branch} is still there)`,
        );
      const at = now();
      const state = keep ? 'kept' : 'active';
      store.tx(() => store.sessions.setState(run_id, task_id, state, at));
      const changed: TaskSession = { ...session, state, updated_at: at };
      bus.emit('session.updated', changed);
      // Let go after the run ended: nothing else will remove it.
      if (!keep && run.status !== 'executing') return discardWorktree({ store, bus, now }, changed);
      return changed;
    },
    'runs.mergeBranches': async ({ run_id, target, mode, create }) => {
      const run = runOf(run_id);
      if (run.status === 'executing')
        throw new AppError(
          'conflict',
          `run "${run_id}" is still executing: merge its branches once it has ended`,
        );
      const plan = store.plans.get(run.plan_id, run.plan_version)?.plan;
      const specs: TaskSpec[] = [...(plan?.tasks ?? []), ...store.runs.addedSpecs(run_id)];
      const tasks = new Map(store.runs.tasks(run_id).map((t) => [t.task_id, t]));
      const done = new Map<string, CodingOutput>();
      for (const spec of specs) {
        const t = tasks.get(spec.task_id);
        if (t?.status === 'done' && isCodingOutput(t.output)) done.set(spec.task_id, t.output);
      }
      // A branch another done coding task started from (its dependency) is in that task's branch.
      const builtOn = new Set<string>();
      for (const spec of specs) {
        if (!done.has(spec.task_id)) continue;
        for (const dep of spec.depends_on) if (done.has(dep)) builtOn.add(dep);
      }
      const byWorkspace = new Map<string, string[]>();
      for (const [taskId, out] of done) {
        if (builtOn.has(taskId)) continue;
        const list = byWorkspace.get(out.workspace_id) ?? [];
        list.push(out.branch);
        byWorkspace.set(out.workspace_id, list);
      }
      if (byWorkspace.size === 0)
        throw new AppError(
          'conflict',
          `run "${run_id}" has no branch to merge: none of its coding tasks is done`,
        );
      const reports: MergeReport[] = [];
      for (const [workspace_id, branches] of byWorkspace) {
        const ws = store.workspaces.get(workspace_id);
        if (!ws)
          throw new AppError(
            'not_found',
            `workspace "${workspace_id}" of run "${run_id}" is no longer registered`,
          );
        const r = await mergeBranches({
          repo: ws.path,
          target,
          branches,
          mode,
          ...(create ? { createFrom: ws.base_branch } : {}),
        });
        reports.push(
          r.ok
            ? {
                workspace_id,
                ok: true,
                target,
                created_from: r.createdFrom,
                before: r.before,
                after: r.after,
                steps: r.steps,
              }
            : {
                workspace_id,
                ok: false,
                target,
                conflict: {
                  branch: r.conflict.branch,
                  files: r.conflict.files,
                  messages: r.conflict.messages,
                  merged_before: r.conflict.mergedBefore,
                },
              },
        );
      }
      return reports;
    },
  };
}
