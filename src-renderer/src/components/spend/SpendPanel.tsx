import { useEffect, useMemo } from 'react';
import type { SpendGroup } from '../../../../src-shared/schemas/plain/spend.ts';
import type { SpendBreakdown, SpendRow } from '../../../../src-shared/schemas/spend.ts';
import { spendCsv } from '../../../../src-shared/spend/csv.ts';
import { downloadText } from '../../designer/download.ts';
import { spendText } from '../../format/cost.ts';
import type { SpendFilter } from '../../routes/routes.ts';
import { csvFileName, everyDay, rangeDays } from '../../spend/spend-query.ts';
import { useBaton } from '../../store/index.ts';
import type { Bar } from './BarChart.tsx';
import { BarChart } from './BarChart.tsx';
import { BudgetsPanel, OverBudgetLine } from './BudgetsPanel.tsx';
import { SpendFilters } from './SpendFilters.tsx';
import { SpendTable } from './SpendTable.tsx';
import { compactTokens, GROUP_WORDS, tokens } from './spend-words.ts';

/** The most groups a row chart draws (the most spent): the table has them all. */
const ROWS_CHARTED = 12;

/** The Spend tab: filters, the totals, a chart of cost and one of tokens, the table, the budgets. */
export function SpendPanel() {
  const filter = useBaton((s) => s.spendFilter);
  const setFilter = useBaton((s) => s.setSpendFilter);
  const loaded = useBaton((s) => s.spendReport);
  const loadSpend = useBaton((s) => s.loadSpend);
  const projectsLoaded = useBaton((s) => s.projects.length > 0);
  const loadProjects = useBaton((s) => s.loadProjects);
  useEffect(() => {
    void loadSpend(filter);
  }, [filter, loadSpend]);
  useEffect(() => {
    if (!projectsLoaded) void loadProjects();
  }, [projectsLoaded, loadProjects]);
  /** The filter with `p` over it; a field set to nothing is dropped (the address stays short). */
  const patch = (p: Partial<Record<keyof SpendFilter, SpendFilter[keyof SpendFilter] | undefined>>) =>
    setFilter(
      Object.fromEntries(Object.entries({ ...filter, ...p }).filter(([, v]) => v !== undefined && v !== '')),
    );
  const report = loaded?.report ?? null;
  const current = loaded !== null && loaded.filter === filter;
  return (
    <div className="spend-panel" aria-busy={!current}>
      <SpendFilters filter={filter} facets={report?.facets ?? null} patch={patch} />
      <OverBudgetLine />
      {report === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <Totals
            report={report}
            onExport={() => downloadText(csvFileName(filter, new Date()), spendCsv(report), 'text/csv')}
          />
          {report.rows.length === 0 ? (
            <p className="empty muted">
              No model calls in this range
              {Object.keys(filter).some((k) => !['by', 'range', 'since', 'until', 'sort', 'asc'].includes(k))
                ? ' with these filters'
                : ''}
              . Agents that think in model turns (coding agents, llm agents with tools) record what each call
              used.
            </p>
          ) : (
            <>
              <Charts report={report} filter={filter} />
              <SpendTable report={report} filter={filter} patch={patch} />
            </>
          )}
        </>
      )}
      <BudgetsPanel />
    </div>
  );
}

function Totals({ report, onExport }: { report: SpendBreakdown; onExport(): void }) {
  const t = report.total;
  return (
    <section className="spend-totals" aria-label="Totals">
      <dl>
        <div>
          <dt>Cost</dt>
          <dd className="spend-cost">{spendText(t.usd, t.unknown, '$')}</dd>
        </div>
        <div>
          <dt>Model calls</dt>
          <dd>
            {tokens(t.calls)}
            {t.unknown > 0 && <span className="muted small"> ({tokens(t.unknown)} of unknown cost)</span>}
          </dd>
        </div>
        <div>
          <dt>Input tokens</dt>
          <dd>{tokens(t.input_tokens)}</dd>
        </div>
        <div>
          <dt>Output tokens</dt>
          <dd>{tokens(t.output_tokens)}</dd>
        </div>
        <div>
          <dt>Cached input tokens</dt>
          <dd>{tokens(t.cached_input_tokens)}</dd>
        </div>
      </dl>
      <button type="button" onClick={onExport} disabled={report.rows.length === 0}>
        Export CSV
      </button>
    </section>
  );
}

/** A group's name in a chart: a day as "Mar 12", the rest as the table names them. */
const barLabel = (by: SpendGroup, r: SpendRow): string =>
  by === 'day' && r.key
    ? new Date(`${r.key}T12:00:00`).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : r.label;

function Charts({ report, filter }: { report: SpendBreakdown; filter: SpendFilter }) {
  const by = report.by;
  const rows = useMemo(() => {
    if (by !== 'day') return report.rows.slice(0, ROWS_CHARTED);
    const { since, until } = rangeDays(filter, new Date());
    return everyDay(report.rows, since, until);
  }, [report, filter, by]);
  const left = by === 'day' ? 0 : report.rows.length - rows.length;
  const layout = by === 'day' ? 'columns' : 'rows';
  const name = (r: SpendRow) =>
    by === 'day' ? r.label : `${r.label}${r.detail && by !== 'run' ? ` (${r.detail})` : ''}`;
  const costBars: Bar[] = rows.map((r) => ({
    key: r.key ?? '',
    label: barLabel(by, r),
    values: [r.usd],
    text: `${name(r)}: ${spendText(r.usd, r.unknown, '$')}`,
    unknown: r.unknown > 0,
  }));
  const tokenBars: Bar[] = rows.map((r) => ({
    key: r.key ?? '',
    label: barLabel(by, r),
    values: [r.input_tokens, r.output_tokens, r.cached_input_tokens],
    text: `${name(r)}: ${tokens(r.input_tokens)} input, ${tokens(r.output_tokens)} output, ${tokens(r.cached_input_tokens)} cached tokens`,
    short: `${compactTokens(r.input_tokens + r.output_tokens + r.cached_input_tokens)} tokens`,
  }));
  const more = left > 0 ? `${left} more in the table.` : undefined;
  const unknown =
    report.total.unknown > 0
      ? `A bar with a dashed ${by === 'day' ? 'top' : 'end'} has calls of unknown cost: it spent more than it shows.`
      : undefined;
  return (
    <div className="spend-charts">
      <BarChart
        title={`Cost by ${GROUP_WORDS[by]}`}
        layout={layout}
        bars={costBars}
        series={[{ label: 'USD', className: 'spend-usd' }]}
        scaleText={(max) => spendText(max, false, '$')}
        note={[unknown, more].filter(Boolean).join(' ') || undefined}
      />
      <BarChart
        title={`Tokens by ${GROUP_WORDS[by]}`}
        layout={layout}
        bars={tokenBars}
        series={[
          { label: 'Input', className: 'spend-input' },
          { label: 'Output', className: 'spend-output' },
          { label: 'Cached input', className: 'spend-cached' },
        ]}
        scaleText={(max) => `${compactTokens(max)} tokens`}
        note={more}
      />
    </div>
  );
}
