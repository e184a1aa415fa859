import type { ApprovalHandlers } from '../../src-shared/contract/domains/approvals.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { AppContext } from './context.ts';

export function approvalHandlers({ store, engine }: AppContext): ApprovalHandlers {
  /**
   * Adds the plan, the task's description and what its dependencies produced, so a person can
   * decide without looking elsewhere.
   */
  const view = (approvals: Approval[]): ApprovalView[] => {
    const runs = new Map<string, { plan_id: string; specs: Map<string, TaskSpec> } | null>();
    return approvals.map((a) => {
      if (!runs.has(a.run_id)) {
        const run = store.runs.get(a.run_id);
        const plan = run ? store.plans.get(run.plan_id, run.plan_version)?.plan : undefined;
        const specs = new Map<string, TaskSpec>();
        for (const t of plan?.tasks ?? []) specs.set(t.task_id, t);
        if (run) for (const t of store.runs.addedSpecs(a.run_id)) specs.set(t.task_id, t);
        runs.set(a.run_id, run ? { plan_id: run.plan_id, specs } : null);
      }
      const r = runs.get(a.run_id);
      const spec = r?.specs.get(a.task_id);
      const dependencies = (spec?.depends_on ?? []).flatMap((id) => {
        const t = store.runs.task(a.run_id, id);
        return t ? [{ task_id: id, status: t.status, output: t.output }] : [];
      });
      return { ...a, plan_id: r?.plan_id ?? null, task_description: spec?.description ?? null, dependencies };
    });
  };
  return {
    'approvals.list': ({ status }) => view(store.approvals.list(status)),
    'approvals.decide': ({ approval_id, decision, actor, comment }) =>
      engine.decideApproval(approval_id, decision === 'approve', actor, comment),
  };
}
