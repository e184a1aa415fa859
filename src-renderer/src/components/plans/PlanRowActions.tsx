import type { PlanSummary } from '../../../../src-shared/schemas/plan.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';

/**
 * What can be done to a whole plan, on its row of the Plans page and in its page's header:
 * duplicate it (`copy` false leaves that out), archive or unarchive it, delete it. A plan that
 * has runs is not deleted (their history reads its versions): its Delete offers to archive it.
 */
export function PlanRowActions({
  plan,
  runs,
  copy = true,
}: {
  plan: PlanSummary;
  /** How many runs of it there are. */
  runs: number;
  copy?: boolean;
}) {
  const duplicate = useBaton((s) => s.duplicatePlan);
  const setArchived = useBaton((s) => s.setPlanArchived);
  const remove = useBaton((s) => s.deletePlan);
  const { plan_id: id, name } = plan;
  const archived = plan.archived_at !== null;
  return (
    <>
      {copy && (
        <button type="button" aria-label={`Duplicate ${name}`} onClick={() => void duplicate(id)}>
          Duplicate
        </button>
      )}
      <button
        type="button"
        aria-label={`${archived ? 'Unarchive' : 'Archive'} ${name}`}
        onClick={() => void setArchived(id, !archived)}
      >
        {archived ? 'Unarchive' : 'Archive'}
      </button>
      {runs === 0 ? (
        <ConfirmButton
          label="Delete…"
          name={`Delete ${name}`}
          question={`Delete plan ${name}?`}
          detail={`${name} (${id}) and ${plan.version === 1 ? 'its only version' : `all ${plan.version} of its versions`} are deleted for good. It has never run, so no run goes with it. A plan that a schedule or trigger starts is not deleted: remove those first.`}
          yes="Delete plan"
          no="Keep it"
          danger
          onConfirm={() => void remove(id)}
        />
      ) : (
        !archived && (
          <ConfirmButton
            label="Delete…"
            name={`Delete ${name}`}
            question={`Archive ${name} instead?`}
            detail={`${name} (${id}) has ${plural(runs, 'run')}: a plan that has run is not deleted, so its runs stay readable. Archiving hides it from the plan lists and refuses new runs of it; Unarchive brings it back.`}
            yes="Archive instead"
            no="Keep it"
            onConfirm={() => void setArchived(id, true)}
          />
        )
      )}
    </>
  );
}
