import { ContractError } from '../../../../src-shared/contract/errors.ts';
import { contractIssues, errorText } from '../../api/errors.ts';
import { plainMessage } from '../../format/field-message.ts';

/** A form's errors by field (the first segment of an issue's path; `form` for the rest). */
export type FieldErrors = Record<string, string>;

/**
 * The host's refusal as errors under the form's fields: each invalid-input issue under its
 * field (`inputs.region` under Inputs, named), a conflict on the id under Id, anything else on
 * the form. Never thrown away: a refusal is always shown somewhere.
 */
export function fieldErrorsOf(err: unknown): FieldErrors {
  const issues = contractIssues(err);
  if (issues.length > 0) {
    const out: FieldErrors = {};
    for (const i of issues) {
      const [head = 'form', ...rest] = i.path.split('.');
      const message = plainMessage(i.message);
      out[head] ??= rest.length > 0 ? `${i.path}: ${message}` : message;
    }
    return out;
  }
  if (err instanceof ContractError && err.code === 'conflict') return { id: err.message };
  return { form: errorText(err) };
}

/** Text typed as a JSON object (run inputs), or why not, in words. */
export function parseInputsJson(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { ok: false, error: 'must be a JSON object, like {"region": "eu"}' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A time as people read it, in a time zone (the browser's when none is given). */
export function whenIn(iso: string, timeZone?: string): string {
  try {
    return new Date(iso).toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
  } catch {
    return iso;
  }
}

/** A fire time as people read it in a schedule's zone, with the zone's offset ("Tue, Nov 24, 09:00 GMT+1"). */
export function whenWithZone(iso: string, timeZone: string): string {
  try {
    return new Date(iso).toLocaleString(undefined, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
      timeZoneName: 'short',
    });
  } catch {
    return iso;
  }
}
