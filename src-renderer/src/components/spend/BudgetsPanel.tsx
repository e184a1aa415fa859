import type { BudgetStatus } from '../../../../src-shared/schemas/spend.ts';
import { spendMeter, spendWords } from '../../format/budget.ts';
import { spendText } from '../../format/cost.ts';
import { useBaton } from '../../store/index.ts';
import { DataTable, headerColumns } from '../shared/DataTable.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';

const SCOPE_WORDS: Record<BudgetStatus['scope'], string> = {
  project: 'project',
  plan: 'plan, across its runs',
  run: 'plan, each run',
};

/** A budget's name as the over-budget line says it: "Storefront (project)". */
const named = (b: BudgetStatus) =>
  `${b.name} (${b.scope === 'project' ? 'project' : b.scope === 'plan' ? 'plan' : `plan, per run${b.runs_over.length > 0 ? `: ${b.runs_over.length} run${b.runs_over.length === 1 ? '' : 's'} over` : ''}`})`;

/** The budgets spent past: over as a whole, or per run with runs over it. */
const overBudget = (budgets: readonly BudgetStatus[]) =>
  budgets.filter((b) => b.state === 'over' || b.runs_over.length > 0);

/** Above the figures: the budgets spent past, named, and the way to them. */
export function OverBudgetLine() {
  const budgets = useBaton((s) => s.spendBudgets);
  const over = overBudget(budgets ?? []);
  if (over.length === 0) return null;
  return (
    <p className="spend-over-line" role="status">
      <strong>Over budget:</strong> {over.map(named).join(', ')}
      <button
        type="button"
        className="link"
        onClick={() => document.getElementById('spend-budgets')?.scrollIntoView({ behavior: 'smooth' })}
      >
        See the budgets
      </button>
    </p>
  );
}

/**
 * Every budget (of the project or plan the figures are narrowed to) against what was charged to
 * it, whatever the time range: over budget first, named above the table.
 */
export function BudgetsPanel() {
  const budgets = useBaton((s) => s.spendBudgets);
  if (budgets === null) return null;
  const over = overBudget(budgets);
  return (
    <section className="spend-budgets" aria-labelledby="spend-budgets-head" id="spend-budgets">
      <h2 id="spend-budgets-head">Budgets</h2>
      <p className="muted small">
        What was charged to each budget, whatever the time range, in the budget’s units: what agents reported
        spending, and a task’s estimate for an agent that reports nothing. Set a project’s on Projects, a
        plan’s in its settings.
      </p>
      {budgets.length === 0 ? (
        <p className="empty muted">No budgets here: a plan or a project can have one.</p>
      ) : (
        <>
          {over.length > 0 && (
            <p className="spend-over-line">
              <strong>Over budget:</strong> {over.map(named).join(', ')}
            </p>
          )}
          {/* Wider than a phone: the table scrolls sideways, not the page. */}
          <div className="table-scroll">
            <DataTable
              label="Budgets"
              className="budgets-table"
              columns={BUDGET_COLUMNS}
              rows={budgets}
              rowKey={(b) => `${b.scope}:${b.id}`}
              row={(b) => <BudgetRow b={b} />}
            />
          </div>
        </>
      )}
    </section>
  );
}

/** The budgets' columns; each row draws itself. */
const BUDGET_COLUMNS = headerColumns<BudgetStatus>(['Budget', 'Spent', 'State', 'Reached']);

function BudgetRow({ b }: { b: BudgetStatus }) {
  const words = spendWords(b.spent, b.budget, b.unknown);
  const filter = b.scope === 'project' ? { project: b.id } : { plan: b.id };
  return (
    <tr aria-label={`${b.name}: ${b.state === 'over' ? 'over budget' : b.state}`}>
      <th scope="row">
        <RouteLink to={{ screen: 'spend', filter }} className="link" title={`Spend of ${b.name}`}>
          {b.name}
        </RouteLink>
        <div className="muted small">
          {SCOPE_WORDS[b.scope]}
          {b.run_id && (
            <>
              {' · latest run '}
              <RouteLink to={{ screen: 'run', runId: b.run_id, taskId: null }} className="link">
                <code>{b.run_id}</code>
              </RouteLink>
            </>
          )}
        </div>
      </th>
      <td>
        <div className="spend">
          <span className={b.state === 'over' ? 'spend-over' : undefined}>{words}</span>
          <meter
            className="meter"
            aria-label={`Spent of ${b.name}'s budget`}
            title={words}
            {...spendMeter(b.spent, b.budget)}
          />
        </div>
        {b.runs_over.length > 0 && (
          <div className="small">
            {b.runs_over.length} run{b.runs_over.length === 1 ? '' : 's'} spent more than{' '}
            {spendText(b.budget)}:{' '}
            {b.runs_over.slice(0, 5).map((r, i) => (
              <span key={r.run_id}>
                {i > 0 && ', '}
                <RouteLink to={{ screen: 'run', runId: r.run_id, taskId: null }} className="link">
                  <code>{r.run_id}</code>
                </RouteLink>
              </span>
            ))}
            {b.runs_over.length > 5 && ` and ${b.runs_over.length - 5} more`}
          </div>
        )}
      </td>
      <td>
        <span className={`pill budget-${b.state}`}>{b.state === 'over' ? 'over budget' : b.state}</span>
      </td>
      <td className="small">
        {b.reached_at ? <RelativeTime at={b.reached_at} /> : <span className="muted">not yet</span>}
      </td>
    </tr>
  );
}
