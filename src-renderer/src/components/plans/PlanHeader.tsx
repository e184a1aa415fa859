import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { PlanRowActions } from './PlanRowActions.tsx';
import type { ShownPlan } from './use-run-plan.ts';

export type RunFilter = '' | 'executing' | 'completed' | 'failed' | 'cancelled';
const RUN_FILTERS = ['executing', 'completed', 'failed', 'cancelled'] as const satisfies readonly RunFilter[];

/**
 * The plan's name; the version shown (the open run's, saying so when it is not the latest) and
 * its tasks; the run to show; and what to do: edit, or run it (asking first while a run of it
 * is still executing).
 */
export function PlanHeader({
  stored,
  shown,
  runs,
  runId,
  runFilter,
  setRunFilter,
  onShowVersions,
}: {
  stored: StoredPlan;
  shown: ShownPlan | null;
  runs: Run[] | undefined;
  runId: string | undefined;
  /** Which runs the run picker lists. */
  runFilter: RunFilter;
  setRunFilter(f: RunFilter): void;
  onShowVersions(): void;
}) {
  const planId = stored.plan_id;
  const starting = useBaton((s) => s.starting);
  const startRun = useBaton((s) => s.startRun);
  const selectRun = useBaton((s) => s.selectRun);
  const beginEdit = useBaton((s) => s.beginEdit);
  const executing = runs?.find((r) => r.status === 'executing');
  const version = shown?.version ?? stored.version;
  return (
    <header className="plan-head">
      <div>
        <h1>{stored.name}</h1>
        <p className="muted small">
          {stored.plan_id} ·{' '}
          <button
            type="button"
            className="link"
            aria-label={`Version ${version}: show the version history`}
            onClick={onShowVersions}
          >
            version {version}
          </button>
          {shown?.earlier && ` (the open run's; the latest is ${stored.version})`} ·{' '}
          {plural(shown?.taskCount ?? stored.task_count, 'task')}
          {stored.project_id && ` · project ${stored.project_id}`}
          {stored.owner && ` · owner ${stored.owner}`}
          {stored.tags.length > 0 && ` · tags ${stored.tags.join(', ')}`}
        </p>
      </div>
      <div className="actions">
        {runs && runs.length > 1 && (
          <select
            aria-label="Filter runs by status"
            value={runFilter}
            onChange={(e) => setRunFilter(RUN_FILTERS.find((f) => f === e.target.value) ?? '')}
          >
            <option value="">all runs ({runs.length})</option>
            {RUN_FILTERS.map((st) => (
              <option key={st} value={st}>
                {st} ({runs.filter((r) => r.status === st).length})
              </option>
            ))}
          </select>
        )}
        {runs && runs.length > 0 && (
          <label className="small">
            Run{' '}
            <select
              value={runId ?? ''}
              onChange={(e) => selectRun(planId, e.target.value)}
              aria-label="Select run"
            >
              {runs
                .filter((r) => !runFilter || r.status === runFilter || r.id === runId)
                .map((r) => (
                  <option key={r.id} value={r.id}>
                    {new Date(r.created_at).toLocaleTimeString()} · {r.status} · plan v{r.plan_version}
                  </option>
                ))}
            </select>
          </label>
        )}
        <PlanRowActions plan={stored} runs={runs?.length ?? 0} />
        <button type="button" onClick={() => beginEdit(stored.plan)}>
          Edit plan
        </button>
        {/* A second run while one executes works alongside it, twice the work: ask first. */}
        <ConfirmButton
          label={starting ? 'Starting…' : 'Run plan'}
          primary
          // An archived plan cannot run (the host refuses too): the notice above says so.
          disabled={starting || stored.archived_at !== null}
          ask={executing !== undefined}
          question="Start another run?"
          detail={`Run ${executing?.id ?? ''} of this plan is still executing. A new run works alongside it from the start, and both spend from the plan's budget.`}
          yes="Start another run"
          no="Don't start"
          onConfirm={() => void startRun(planId)}
        />
      </div>
    </header>
  );
}
