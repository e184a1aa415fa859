import { useEffect, useMemo, useState } from 'react';
import type { PriceRow } from '../../../../src-shared/schemas/spend.ts';
import { contractIssues } from '../../api/errors.ts';
import { dayText } from '../../spend/spend-query.ts';
import { useBaton } from '../../store/index.ts';
import { type Column, DataTable } from '../shared/DataTable.tsx';
import { InputField } from '../shared/InputField.tsx';
import type { PriceDraft, PriceErrors } from './price-form.ts';
import { checkPrice, emptyPrice, PRICE_LABELS, priceDraftOf, priceErrorsOf } from './price-form.ts';

const usd = (n: number) => `$${n}`;

/**
 * The price table: each model's prices (USD per million tokens), Baton's own and those people set,
 * each from the day it takes effect, which is in effect now; and a form to set one. A call is
 * priced when it is made, so a price set here never changes what a call already cost.
 */
export function PricesPanel() {
  const prices = useBaton((s) => s.prices);
  const loadPrices = useBaton((s) => s.loadPrices);
  const savePrice = useBaton((s) => s.savePrice);
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const today = dayText(new Date());
  const [form, setForm] = useState<PriceDraft>(() => emptyPrice(today));
  const [errors, setErrors] = useState<PriceErrors>({});
  // After a save was refused the form is checked as the person types, so errors go as they are fixed.
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    void loadPrices();
  }, [loadPrices]);
  const models = useMemo(() => [...new Set((prices ?? []).map((p) => p.model))], [prices]);
  const change = (next: PriceDraft) => {
    setForm(next);
    if (checking) {
      const r = checkPrice(next);
      setErrors(r.ok ? {} : r.errors);
    }
  };
  const save = async () => {
    const checked = checkPrice(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      setChecking(true);
      return;
    }
    try {
      const row = await savePrice(checked.price);
      setErrors({});
      setChecking(false);
      setForm(emptyPrice(today));
      notify('info', `${row.model} priced from ${row.effective_from}`, [
        row.current
          ? 'In effect now: calls from now on are priced by it.'
          : `In effect from ${row.effective_from}.`,
      ]);
    } catch (err) {
      const issues = contractIssues(err);
      setErrors(priceErrorsOf(issues));
      setChecking(issues.length > 0);
      if (issues.length === 0) fail('The price was not set', err);
    }
  };
  const field = (key: keyof PriceDraft, hint?: string) => (
    <InputField
      label={PRICE_LABELS[key]}
      value={form[key]}
      hint={hint}
      error={errors[key]}
      onChange={(v) => change({ ...form, [key]: v })}
    />
  );
  return (
    <div className="settings-layout prices-layout">
      <section aria-label="Price table">
        <p className="muted small">
          USD per million tokens. A model’s calls are priced by the price in effect when each is made (an
          agent’s own prices, in its configuration, go first); what a call cost stays as it was priced.
          Baton’s own prices are the providers’ list prices of November 2025: check them against your
          provider’s.
        </p>
        <DataTable
          label="Prices"
          className="prices-table"
          columns={PRICE_COLUMNS}
          rows={prices}
          rowKey={(p) => `${p.model}@${p.effective_from}`}
          row={(p) => <PriceLine p={p} today={today} onEdit={() => change(priceDraftOf(p, today))} />}
        />
      </section>
      <form
        className="form-panel price-form"
        aria-label="Set a price"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>Set a price</h2>
        <label>
          {PRICE_LABELS.model}
          <input
            type="text"
            list="price-models"
            value={form.model}
            aria-label={PRICE_LABELS.model}
            aria-invalid={errors.model ? true : undefined}
            aria-describedby={errors.model ? 'price-model-error' : 'price-model-hint'}
            onChange={(e) => change({ ...form, model: e.target.value })}
          />
          <span className="field-message">
            {errors.model ? (
              <span className="field-error" id="price-model-error">
                {errors.model}
              </span>
            ) : (
              <span className="field-hint" id="price-model-hint">
                As agents name it (claude-sonnet-4-5, openai/gpt-5)
              </span>
            )}
          </span>
          <datalist id="price-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        {field('input_per_mtok')}
        {field('output_per_mtok')}
        {field('cached_input_per_mtok', 'Empty: the input price')}
        <label>
          {PRICE_LABELS.effective_from}
          <input
            type="date"
            value={form.effective_from}
            aria-label={PRICE_LABELS.effective_from}
            aria-invalid={errors.effective_from ? true : undefined}
            onChange={(e) => change({ ...form, effective_from: e.target.value })}
          />
          <span className="field-message">
            {errors.effective_from ? (
              <span className="field-error">{errors.effective_from}</span>
            ) : (
              <span className="field-hint">
                Calls from this day on; never one made before the price is set
              </span>
            )}
          </span>
        </label>
        {errors.form && <p className="field-error">{errors.form}</p>}
        <div className="actions">
          <button type="submit" className="primary">
            Set price
          </button>
        </div>
      </form>
    </div>
  );
}

/** The prices' columns; each row draws itself. */
const PRICE_COLUMNS: readonly Column<PriceRow>[] = [
  { id: 'model', header: 'Model' },
  { id: 'input', header: 'Input', headerClass: 'num' },
  { id: 'output', header: 'Output', headerClass: 'num' },
  { id: 'cached', header: 'Cached input', headerClass: 'num' },
  { id: 'from', header: 'From' },
  { id: 'set-by', header: 'Set by' },
  { id: 'actions', header: 'Actions', hiddenHeader: true },
];

function PriceLine({ p, today, onEdit }: { p: PriceRow; today: string; onEdit(): void }) {
  const state = p.current ? 'in effect' : p.effective_from > today ? 'from then' : 'replaced';
  return (
    <tr
      aria-label={`${p.model} from ${p.effective_from}: ${state}`}
      className={p.current ? undefined : 'muted'}
    >
      <th scope="row">
        <code>{p.model}</code>
        {p.current && (
          <div>
            <span className="pill price-current">in effect</span>
          </div>
        )}
      </th>
      <td className="num">{usd(p.input_per_mtok)}</td>
      <td className="num">{usd(p.output_per_mtok)}</td>
      <td className="num">
        {p.cached_input_per_mtok === null ? (
          <span className="muted">as input</span>
        ) : (
          usd(p.cached_input_per_mtok)
        )}
      </td>
      <td className="nowrap">{p.effective_from}</td>
      <td className="small">{p.source === 'builtin' ? 'Baton' : p.set_by}</td>
      <td className="row-actions">
        <button type="button" onClick={onEdit} aria-label={`New price for ${p.model}`}>
          New price
        </button>
      </td>
    </tr>
  );
}
