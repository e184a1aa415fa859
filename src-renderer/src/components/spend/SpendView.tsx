import { useBaton } from '../../store/index.ts';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { Tabs } from '../shared/Tabs.tsx';
import { PricesPanel } from './PricesPanel.tsx';
import { SpendPanel } from './SpendPanel.tsx';

const LABELS = { spend: 'Spend', prices: 'Prices' } as const;

/**
 * Spend: what agents' model calls used (tokens) and cost, by day, plan, run, agent, model or CLI,
 * in a time range, filtered, as charts and a table; the budgets against what was charged to
 * them; and the price table calls are priced from.
 */
export function SpendView() {
  // The store's, as the address names it.
  const tab = useBaton((s) => s.spendTab);
  const setTab = useBaton((s) => s.setSpendTab);
  return (
    <div className="page spend-page">
      <ScreenHead
        title="Spend"
        about="What agents’ model calls used and cost, from their usage steps, each call priced when it was made. A cost Baton does not know is said as unknown, never as 0."
      />
      <Tabs
        label="Spend"
        className="plan-tabs"
        value={tab}
        onChange={setTab}
        items={(['spend', 'prices'] as const).map((id) => ({ id, label: LABELS[id] }))}
      />
      <div className="spend-body" role="tabpanel" aria-label={LABELS[tab]}>
        <ErrorBoundary label={LABELS[tab]}>
          {tab === 'prices' ? <PricesPanel /> : <SpendPanel />}
        </ErrorBoundary>
      </div>
    </div>
  );
}
