import { useEffect, useMemo } from 'react';
import type { PlanVersionSummary, StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import { diffPlans } from '../../../../src-shared/schemas/plan-diff.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { versionKey } from '../../store/versions.ts';
import { PlanGraph } from '../graph/PlanGraph.tsx';
import type { VersionMark } from '../graph/TaskNode.tsx';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { VersionDiff } from './VersionDiff.tsx';

/** A version's changes from the one before, in words (for labels) and in short (+1 −2 ~3). */
function changeWords(v: PlanVersionSummary): { long: string; short: string } {
  if (v.version === 1) return { long: 'first version', short: 'first' };
  const c = v.changes;
  if (!c) return { long: 'changes not counted', short: '' };
  const parts = [
    c.added && `${c.added} added`,
    c.removed && `${c.removed} removed`,
    c.changed && `${c.changed} changed`,
    c.plan_fields && `${plural(c.plan_fields, 'plan field')} changed`,
  ].filter(Boolean);
  const short = [
    c.added && `+${c.added}`,
    c.removed && `−${c.removed}`,
    c.changed && `~${c.changed}`,
    c.plan_fields && `✎${c.plan_fields}`,
  ]
    .filter(Boolean)
    .join(' ');
  return parts.length
    ? { long: `tasks ${parts.join(', ')}`, short }
    : { long: 'same as the version before', short: '=' };
}

/** A plan's version history: every saved version, one shown read-only with its changes, restore. */
export function PlanVersions({ current }: { current: StoredPlan }) {
  const planId = current.plan_id;
  const versions = useBaton((s) => s.planVersions[planId]);
  const picked = useBaton((s) => s.shownVersion[planId]);
  const showVersion = useBaton((s) => s.showVersion);
  const loadVersions = useBaton((s) => s.loadVersions);

  // Loaded on opening (run counts move on); a new version reloads it in the store.
  useEffect(() => {
    void loadVersions(planId);
  }, [planId, loadVersions]);

  // By default the version before the current one: "what did I change last?"
  const shown =
    picked !== undefined && picked <= current.version
      ? picked
      : current.version > 1
        ? current.version - 1
        : current.version;

  return (
    <div className="versions">
      <section className="version-list" aria-label="Plan versions">
        <h2>Versions</h2>
        <p className="muted small">Newest first. Saving or importing the plan adds a version.</p>
        <p className="muted small version-legend">
          Tasks changed from the version before: <span className="version-changes">+</span> added,{' '}
          <span className="version-changes">−</span> removed, <span className="version-changes">~</span>{' '}
          changed, <span className="version-changes">✎</span> plan settings.
        </p>
        {versions ? (
          <ul aria-label="Saved versions">
            {versions.map((v) => {
              const words = changeWords(v);
              const when = new Date(v.saved_at).toLocaleString();
              return (
                <li key={v.version}>
                  <button
                    type="button"
                    className={`version-item${v.version === shown ? ' active' : ''}`}
                    aria-current={v.version === shown ? 'true' : undefined}
                    aria-label={`Version ${v.version}${v.current ? ' (current)' : ''}${v.same_as !== null ? `, same as version ${v.same_as}` : ''}, saved ${when}, ${plural(v.task_count, 'task')}, ${plural(v.run_count, 'run')}, ${words.long}`}
                    onClick={() => showVersion(planId, v.version)}
                  >
                    <span className="version-line">
                      <strong>v{v.version}</strong>
                      {v.current && <span className="chip">current</span>}
                      {v.same_as !== null && (
                        <span
                          className="chip"
                          title={`Identical to version ${v.same_as}: restored from it, or saved again unchanged`}
                        >
                          same as v{v.same_as}
                        </span>
                      )}
                      <span
                        className="version-changes"
                        title={v.version > 1 ? `Since v${v.version - 1}: ${words.long}` : words.long}
                      >
                        {words.short}
                      </span>
                    </span>
                    <RelativeTime at={v.saved_at} className="muted small" />
                    <span className="muted small">
                      {plural(v.task_count, 'task')} · {plural(v.run_count, 'run')}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="muted">Loading versions…</p>
        )}
        {versions?.length === 1 && (
          <p className="muted small">
            This plan has one version. Edit the plan and save it to make another: every saved version stays
            here, and any of them can be restored.
          </p>
        )}
      </section>
      <ErrorBoundary label={`Version ${shown}`}>
        <VersionPane
          key={shown}
          current={current}
          version={shown}
          summary={versions?.find((v) => v.version === shown)}
        />
      </ErrorBoundary>
    </div>
  );
}

/** A version's body: the current plan as held, an earlier one fetched once. */
function useVersion(current: StoredPlan, version: number | null) {
  const own = version === current.version;
  const body = useBaton((s) =>
    own || version === null ? undefined : s.versionBodies[versionKey(current, version)],
  );
  const loadVersion = useBaton((s) => s.loadVersion);
  useEffect(() => {
    if (!own && version !== null) void loadVersion(current, version);
  }, [own, current, version, loadVersion]);
  return {
    plan: own ? current : body && 'plan' in body ? body.plan : undefined,
    error: body && 'error' in body ? body.error : undefined,
    retry: () => version !== null && void loadVersion(current, version),
  };
}

/**
 * One version, read-only: its graph, and a diff. An earlier version is compared with the
 * current one (what changed since) and can be restored; the current one is compared with
 * the version before it (what it changed).
 */
function VersionPane({
  current,
  version,
  summary,
}: {
  current: StoredPlan;
  version: number;
  summary: PlanVersionSummary | undefined;
}) {
  const planId = current.plan_id;
  const isCurrent = version === current.version;
  const restoreVersion = useBaton((s) => s.restoreVersion);
  const restoring = useBaton((s) => s.restoring);
  const shown = useVersion(current, version);
  const previous = useVersion(current, isCurrent && version > 1 ? version - 1 : null);

  // Compared with the current version: the one before it, or the earlier version shown.
  const from = isCurrent ? previous.plan : shown.plan;
  const fromError = isCurrent ? previous.error : shown.error;
  const diff = useMemo(() => (from ? diffPlans(from.plan, current.plan) : null), [from, current]);
  // Marks on the graph shown: the current version's new and changed tasks, or an earlier
  // version's tasks changed or removed since.
  const marks = useMemo(() => {
    if (!diff) return undefined;
    const m = new Map<string, VersionMark>();
    for (const c of diff.changed) m.set(c.task_id, 'changed');
    if (isCurrent) for (const id of diff.added) m.set(id, 'new');
    else for (const id of diff.removed) m.set(id, 'removed');
    return m;
  }, [diff, isCurrent]);
  const title = `v${version} of ${current.version} — ${isCurrent ? 'current, read-only' : 'read-only'}`;

  return (
    <>
      <section className="version-view" aria-label={`Version ${version} (read-only)`}>
        <header className="version-head">
          <div>
            <h2>{title}</h2>
            <p className="muted small">
              {summary ? `saved ${new Date(summary.saved_at).toLocaleString()} · ` : ''}
              {shown.plan ? plural(shown.plan.task_count, 'task') : '…'}
              {summary
                ? ` · ${summary.run_count ? `used by ${plural(summary.run_count, 'run')}` : 'not run'}`
                : ''}
              {summary?.same_as ? ` · same as v${summary.same_as}` : ''}
              {shown.plan && shown.plan.name !== current.name ? ` · named “${shown.plan.name}”` : ''}
            </p>
          </div>
          {isCurrent ? (
            <p className="muted small">This is the plan as it runs now. Use “Edit plan” to change it.</p>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={!shown.plan || restoring}
              onClick={() => void restoreVersion(planId, version)}
            >
              {restoring ? 'Restoring…' : 'Restore as new version'}
            </button>
          )}
        </header>
        {shown.error !== undefined ? (
          <div role="alert" className="version-error">
            <p>
              Could not read version {version}: {shown.error}
            </p>
            <button type="button" onClick={shown.retry}>
              Try again
            </button>
          </div>
        ) : shown.plan ? (
          <PlanGraph plan={shown.plan.plan} runId={undefined} marks={marks} fillPane fitWhole />
        ) : (
          <p className="muted centered">Loading version {version}…</p>
        )}
      </section>
      {isCurrent && version === 1 ? (
        <aside className="version-diff" aria-label="Changes">
          <h2>Changes</h2>
          <p className="muted">
            Version 1 is the first: there is nothing to compare it with yet. Edit the plan and save it, and
            what changed shows here.
          </p>
        </aside>
      ) : diff && from ? (
        <VersionDiff from={from} to={current} diff={diff} current={current.version} />
      ) : (
        <aside className="version-diff" aria-label="Changes">
          {fromError !== undefined ? (
            <p role="alert">Could not compare the versions: {fromError}</p>
          ) : (
            <p className="muted">Comparing…</p>
          )}
        </aside>
      )}
    </>
  );
}
