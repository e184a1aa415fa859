import type { ValidationIssue } from '../../../../src-shared/contract/errors.ts';
import { formatPath } from '../../../../src-shared/contract/errors.ts';
import type { PriceInput } from '../../../../src-shared/schemas/spend.ts';
import { priceInputSchema } from '../../../../src-shared/schemas/spend.ts';
import { fieldMessage } from '../../format/field-message.ts';

/** What the price form holds: text as typed. */
export interface PriceDraft {
  model: string;
  input_per_mtok: string;
  output_per_mtok: string;
  cached_input_per_mtok: string;
  effective_from: string;
}
export type PriceField = keyof PriceDraft;
/** Per field; `form` for a problem that names no field of the form. */
export type PriceErrors = Partial<Record<PriceField | 'form', string>>;

export const PRICE_LABELS: Record<PriceField, string> = {
  model: 'Model',
  input_per_mtok: 'Input (USD per million tokens)',
  output_per_mtok: 'Output (USD per million tokens)',
  cached_input_per_mtok: 'Cached input (USD per million tokens)',
  effective_from: 'In effect from',
};

export const emptyPrice = (today: string): PriceDraft => ({
  model: '',
  input_per_mtok: '',
  output_per_mtok: '',
  cached_input_per_mtok: '',
  effective_from: today,
});

/** A price as the form starts from it: a model's row, from today (a new price for it). */
export function priceDraftOf(
  p: { model: string; input_per_mtok: number; output_per_mtok: number; cached_input_per_mtok: number | null },
  today: string,
): PriceDraft {
  return {
    model: p.model,
    input_per_mtok: String(p.input_per_mtok),
    output_per_mtok: String(p.output_per_mtok),
    cached_input_per_mtok: p.cached_input_per_mtok === null ? '' : String(p.cached_input_per_mtok),
    effective_from: today,
  };
}

/** Text as a number: empty is missing (undefined), text that is not a number is NaN (refused by name). */
const number = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

function priceInputOf(d: PriceDraft): PriceInput {
  const cached = number(d.cached_input_per_mtok);
  return {
    model: d.model.trim(),
    // Missing prices go as NaN: the schema names the field.
    input_per_mtok: number(d.input_per_mtok) ?? Number.NaN,
    output_per_mtok: number(d.output_per_mtok) ?? Number.NaN,
    ...(cached === undefined ? {} : { cached_input_per_mtok: cached }),
    ...(d.effective_from.trim() === '' ? {} : { effective_from: d.effective_from.trim() }),
  };
}

/** One message per field, in plain words naming it ("Model must not be empty"). */
export function priceErrorsOf(issues: readonly ValidationIssue[]): PriceErrors {
  const errors: PriceErrors = {};
  for (const { path, message } of issues) {
    const field = path in PRICE_LABELS ? (path as PriceField) : 'form';
    if (errors[field]) continue;
    errors[field] = fieldMessage(field === 'form' ? 'Price' : PRICE_LABELS[field], message);
  }
  return errors;
}

/** Every problem with the form at once, or the price to set. */
export function checkPrice(
  d: PriceDraft,
): { ok: true; price: PriceInput } | { ok: false; errors: PriceErrors } {
  const input = priceInputOf(d);
  const parsed = priceInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, price: input };
  return {
    ok: false,
    errors: priceErrorsOf(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))),
  };
}
