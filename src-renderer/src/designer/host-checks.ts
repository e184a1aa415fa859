import type { ValidationReport } from '../../../src-shared/contract/domains/plans.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { plainMessage } from '../format/field-message.ts';
import type { Check } from './plan-edit.ts';

/**
 * What the host's own validation (`plans.validate`) says that the designer's checks do not: the
 * rules only the host can apply (workspaces registered there, a task only coding agents can take
 * naming none, patterns too slow to run). A problem at a path the designer's checks already flag
 * is theirs to say (the same schema runs on both sides): it is left out, not said twice.
 */
export function hostChecks(report: ValidationReport, plan: PlanInput, local: readonly Check[]): Check[] {
  if (report.ok) return [];
  const flagged = new Set(local.map((c) => c.path));
  return report.issues
    .filter((i) => !flagged.has(i.path))
    .map((i) => {
      const index = /^tasks\[(\d+)\]/.exec(i.path)?.[1];
      return {
        severity: 'error',
        task_id: index === undefined ? null : (plan.tasks[Number(index)]?.task_id ?? null),
        path: i.path,
        message: plainMessage(i.message),
      } satisfies Check;
    });
}
