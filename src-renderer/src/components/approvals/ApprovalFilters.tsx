import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { approvalFacets, matchesApproval } from '../../approvals/approval-filter.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { useBaton } from '../../store/index.ts';

/**
 * The inbox's filters, as a review queue's: one button per kind with how many wait of it (a
 * kind with none is shown at 0, so the row always reads the same), and the plans that have
 * something waiting. Each count keeps the other filter, so it says what picking it shows.
 */
export function ApprovalFilters({ pending }: { pending: readonly ApprovalView[] }) {
  const filter = useBaton((s) => s.approvalFilter);
  const setFilter = useBaton((s) => s.setApprovalFilter);
  const plans = useBaton((s) => s.plans);
  const facets = approvalFacets(pending, filter);
  const names = new Map(plans.map((p) => [p.plan_id, p.name]));
  return (
    <fieldset className="filters approval-filters" aria-label="Approval filters">
      <fieldset className="kind-filters" aria-label="Kind">
        <button
          type="button"
          className="kind-filter"
          aria-pressed={!filter.kind}
          onClick={() => setFilter({ ...filter, kind: undefined })}
        >
          All <span className="count">{facets.kinds.reduce((n, k) => n + k.count, 0)}</span>
        </button>
        {facets.kinds.map(({ kind, count }) => (
          <button
            key={kind}
            type="button"
            className={count === 0 ? 'kind-filter none' : 'kind-filter'}
            aria-pressed={filter.kind === kind}
            onClick={() => setFilter({ ...filter, kind: filter.kind === kind ? undefined : kind })}
          >
            {APPROVAL_KINDS[kind].short} <span className="count">{count}</span>
          </button>
        ))}
      </fieldset>
      <label>
        Plan
        <select
          value={filter.plan_id ?? ''}
          onChange={(e) => setFilter({ ...filter, plan_id: e.target.value || undefined })}
        >
          <option value="">
            any ({pending.filter((a) => matchesApproval(a, { kind: filter.kind })).length})
          </option>
          {facets.plans.map(({ plan_id, count }) => (
            <option key={plan_id} value={plan_id}>
              {names.get(plan_id) ?? plan_id} ({count})
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
