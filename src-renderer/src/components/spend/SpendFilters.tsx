import { SPEND_GROUPS } from '../../../../src-shared/schemas/plain/spend.ts';
import type { SpendFacets } from '../../../../src-shared/schemas/spend.ts';
import type { SpendFilter, SpendRange } from '../../routes/routes.ts';
import { SPEND_RANGES } from '../../routes/routes.ts';
import { DEFAULT_RANGE, rangeDays } from '../../spend/spend-query.ts';
import { useBaton } from '../../store/index.ts';
import { GROUP_HEADS } from './spend-words.ts';

const RANGE_WORDS: Record<SpendRange | 'days', string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '365d': 'Last 365 days',
  all: 'All time',
  days: 'Days I choose',
};

type Patch = (p: Partial<Record<keyof SpendFilter, SpendFilter[keyof SpendFilter] | undefined>>) => void;

/** The Spend tab's controls: the grouping, the time range, and what the figures are narrowed to. */
export function SpendFilters({
  filter,
  facets,
  patch,
}: {
  filter: SpendFilter;
  facets: SpendFacets | null;
  patch: Patch;
}) {
  const projects = useBaton((s) => s.projects);
  const by = filter.by ?? 'day';
  const custom = filter.since !== undefined || filter.until !== undefined;
  const range = custom ? 'days' : (filter.range ?? DEFAULT_RANGE);
  const days = rangeDays(filter, new Date());
  /** A filter's choices: what spent in the range, and the value chosen even when it did not. */
  const options = (seen: readonly string[], chosen: string | undefined) =>
    chosen === undefined || seen.includes(chosen) ? seen : [chosen, ...seen];
  const narrowed = ['project', 'plan', 'run', 'agent', 'model', 'cli'].some(
    (k) => filter[k as keyof SpendFilter] !== undefined,
  );
  return (
    <div className="spend-controls">
      <fieldset className="spend-group-by">
        <legend className="muted small">Group by</legend>
        {SPEND_GROUPS.map((g) => (
          <button
            key={g}
            type="button"
            aria-pressed={by === g}
            className={by === g ? 'active' : undefined}
            // A new grouping sorts its own way (days in order, the rest the most spent first).
            onClick={() => patch({ by: g === 'day' ? undefined : g, sort: undefined, asc: undefined })}
          >
            {GROUP_HEADS[g]}
          </button>
        ))}
      </fieldset>
      <fieldset className="filters spend-filters" aria-label="Spend filters">
        <label>
          Time range
          <select
            value={range}
            onChange={(e) => {
              const v = e.target.value as SpendRange | 'days';
              if (v === 'days')
                patch({ range: undefined, since: days.since ?? days.until, until: days.until });
              else patch({ range: v === DEFAULT_RANGE ? undefined : v, since: undefined, until: undefined });
            }}
          >
            {[...SPEND_RANGES, 'days' as const].map((r) => (
              <option key={r} value={r}>
                {RANGE_WORDS[r]}
              </option>
            ))}
          </select>
        </label>
        {custom && (
          <>
            <label>
              From
              <input
                type="date"
                value={days.since ?? ''}
                max={days.until}
                onChange={(e) => patch({ since: e.target.value || undefined })}
              />
            </label>
            <label>
              To
              <input
                type="date"
                value={days.until}
                min={days.since ?? undefined}
                onChange={(e) => patch({ until: e.target.value || undefined })}
              />
            </label>
          </>
        )}
        <Choice
          label="Project"
          value={filter.project}
          options={options(
            projects.map((p) => p.id),
            filter.project,
          )}
          names={new Map(projects.map((p) => [p.id, p.name]))}
          onChange={(project) => patch({ project })}
        />
        <Choice
          label="Plan"
          value={filter.plan}
          options={options(facets?.plans.map((p) => p.id) ?? [], filter.plan)}
          names={new Map(facets?.plans.map((p) => [p.id, p.name]))}
          onChange={(plan) => patch({ plan })}
        />
        <Choice
          label="Agent"
          value={filter.agent}
          options={options(facets?.agents ?? [], filter.agent)}
          onChange={(agent) => patch({ agent })}
        />
        <Choice
          label="Model"
          value={filter.model}
          options={options(facets?.models ?? [], filter.model)}
          onChange={(model) => patch({ model })}
        />
        <Choice
          label="CLI"
          value={filter.cli}
          options={options(facets?.clis ?? [], filter.cli)}
          onChange={(cli) => patch({ cli })}
        />
        {filter.run && (
          <span className="chip">
            Run <code>{filter.run}</code>
            <button
              type="button"
              className="icon"
              aria-label={`Show every run, not only ${filter.run}`}
              onClick={() => patch({ run: undefined })}
            >
              ×
            </button>
          </span>
        )}
        {narrowed && (
          <button
            type="button"
            className="link"
            onClick={() =>
              patch({
                project: undefined,
                plan: undefined,
                run: undefined,
                agent: undefined,
                model: undefined,
                cli: undefined,
              })
            }
          >
            Clear filters
          </button>
        )}
      </fieldset>
    </div>
  );
}

function Choice({
  label,
  value,
  options,
  names,
  onChange,
}: {
  label: string;
  value: string | undefined;
  options: readonly string[];
  names?: ReadonlyMap<string, string>;
  onChange(v: string | undefined): void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {names?.get(o) ?? o}
          </option>
        ))}
      </select>
    </label>
  );
}
