import { useEffect, useState } from 'react';
import type { ValidationReport } from '../../../../src-shared/contract/domains/plans.ts';
import type { PlanInput } from '../../../../src-shared/schemas/plan.ts';
import { api } from '../../api/client.ts';

/** How long the draft stays as it is before the host is asked about it (a task of typing is one question). */
const QUIET_MS = 250;

/**
 * The host's validation of the draft (`plans.validate`), asked again a moment after each change,
 * and when what it depends on changes (agents, workspaces: `again`). Null until the first answer,
 * or when the host cannot be asked: the designer's own checks still show. The report comes with
 * the plan it is about, so its task paths are read against that plan.
 */
export function useHostValidation(
  draft: PlanInput,
  again: unknown,
): { report: ValidationReport; plan: PlanInput } | null {
  const [answer, setAnswer] = useState<{ report: ValidationReport; plan: PlanInput } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `again` says when to ask again
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.validatePlan(draft).then(
        (report) => live && setAnswer({ report, plan: draft }),
        () => live && setAnswer(null),
      );
    }, QUIET_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [draft, again]);
  return answer;
}
