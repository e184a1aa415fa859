import { actorOfCall } from '../../src-shared/contract/caller.ts';
import type { SpendHandlers } from '../../src-shared/contract/domains/spend.ts';
import { configChangeEntry } from '../base/config-audit.ts';
import type { AppContext } from './context.ts';
import { budgetStatuses } from './spend-budgets.ts';
import { priceRows, setPrice } from './spend-prices.ts';
import { spendBreakdown } from './spend-report.ts';

/** `spend.*`: model calls' spend grouped and filtered, the price table, budgets against what was charged. */
export function spendHandlers({ store, now }: AppContext): SpendHandlers {
  return {
    'spend.report': (q) => spendBreakdown(store, q),
    'spend.prices.list': () => priceRows(store, now()),
    'spend.prices.set': ({ actor, ...input }, call) =>
      store.tx(() => {
        const at = now();
        const who = actorOfCall(actor ?? null, call);
        const before = store.prices.get(input.model, input.effective_from ?? at.slice(0, 10));
        const row = setPrice(store, input, who, at);
        const fields = (p: {
          input_per_mtok: number;
          output_per_mtok: number;
          cached_input_per_mtok: number | null;
        }) => ({
          input_per_mtok: p.input_per_mtok,
          output_per_mtok: p.output_per_mtok,
          cached_input_per_mtok: p.cached_input_per_mtok,
        });
        const entry = configChangeEntry({
          at,
          actor: who,
          entity: 'setting',
          entity_id: `price:${row.model}@${row.effective_from}`,
          what: `the price of ${row.model} from ${row.effective_from}`,
          before: before ? fields(before) : undefined,
          after: fields(row),
        });
        if (entry) store.memory.audit(entry);
        return row;
      }),
    'spend.budgets': (only) => budgetStatuses(store, only),
  };
}
