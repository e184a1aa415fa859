import type { PlanInput } from '../../../src-shared/schemas/plan.ts';

/**
 * Whether the draft says something other than the plan the designer opened with: an edit undone
 * by hand (a field changed and changed back) is no change. Tasks an edit did not touch are the
 * same objects as before, so a large plan is compared by reference almost everywhere.
 */
export function draftChanged(original: PlanInput, draft: PlanInput): boolean {
  if (original === draft) return false;
  const { tasks: before, ...planBefore } = original;
  const { tasks: after, ...planAfter } = draft;
  if (!sameValue(planBefore, planAfter)) return true;
  if (before.length !== after.length) return true;
  return before.some((t, i) => t !== after[i] && !sameValue(t, after[i]));
}

/** Equal as JSON says it, whatever the key order; a key set to undefined is one left out. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  const x = defined(a as Record<string, unknown>);
  const y = defined(b as Record<string, unknown>);
  return (
    x.length === y.length &&
    x.every(([k, v]) => Object.hasOwn(b, k) && sameValue(v, (b as Record<string, unknown>)[k]))
  );
}

const defined = (o: Record<string, unknown>) => Object.entries(o).filter(([, v]) => v !== undefined);
