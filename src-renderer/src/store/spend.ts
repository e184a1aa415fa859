import type { StateCreator } from 'zustand';
import type {
  BudgetStatus,
  PriceInput,
  PriceRow,
  SpendBreakdown,
} from '../../../src-shared/schemas/spend.ts';
import { api } from '../api/client.ts';
import type { SpendFilter } from '../routes/routes.ts';
import { spendQueryOf } from '../spend/spend-query.ts';
import type { BatonState } from './index.ts';

/**
 * The Spend screen: its filter and tab (the address names them), and what was read for them: the
 * breakdown, the budgets, the price table. A read started for a filter since changed is dropped.
 */
export interface SpendSlice {
  spendFilter: SpendFilter;
  setSpendFilter(filter: SpendFilter): void;
  spendTab: 'spend' | 'prices';
  setSpendTab(tab: 'spend' | 'prices'): void;
  /** The breakdown for the filter, and the filter it was read for; null until read. */
  spendReport: { filter: SpendFilter; report: SpendBreakdown } | null;
  spendBudgets: BudgetStatus[] | null;
  /**
   * Reads the breakdown and the budgets for a filter (the one shown). Asked again for the filter
   * a read is under way for (or was last read for), it is that read: the address opening the
   * screen starts it while the screen's code loads, and the screen, once drawn, asks again.
   */
  loadSpend(filter: SpendFilter): Promise<void>;
  prices: PriceRow[] | null;
  loadPrices(): Promise<void>;
  /** Sets a price (the host checks it); the table is read again. Throws what the host refused. */
  savePrice(price: PriceInput): Promise<PriceRow>;
}

export const createSpendSlice: StateCreator<BatonState, [], [], SpendSlice> = (set, get) => {
  let reading = 0;
  let last: { filter: SpendFilter; done: Promise<void> } | null = null;
  async function read(filter: SpendFilter, mine: number): Promise<void> {
    try {
      const [report, budgets] = await Promise.all([
        api.spendReport(spendQueryOf(filter, new Date())),
        api.spendBudgets({
          ...(filter.project ? { project_id: filter.project } : {}),
          ...(filter.plan ? { plan_id: filter.plan } : {}),
        }),
      ]);
      if (mine === reading) set({ spendReport: { filter, report }, spendBudgets: budgets });
    } catch (err) {
      if (mine === reading) get().fail('Could not read what was spent', err);
    }
  }
  return {
    spendFilter: {},
    setSpendFilter: (spendFilter) => set({ spendFilter }),
    spendTab: 'spend',
    setSpendTab: (spendTab) => set({ spendTab }),
    spendReport: null,
    spendBudgets: null,
    loadSpend(filter) {
      if (last?.filter === filter) return last.done;
      const done = read(filter, ++reading);
      last = { filter, done };
      return done;
    },
    prices: null,
    async loadPrices() {
      try {
        set({ prices: await api.spendPrices() });
      } catch (err) {
        get().fail('Could not read the price table', err);
      }
    },
    async savePrice(price) {
      const row = await api.setSpendPrice(price);
      await get().loadPrices();
      return row;
    },
  };
};
