/**
 * The rule for identifiers of plans, tasks, agents and projects (readable, bounded, path- and
 * shell-safe), without zod: `idSchema` (common.ts) is built from it, and the renderer's first
 * screen checks a typed id with it without loading zod.
 */
export const ID_MAX = 128;
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const ID_WORDS = {
  empty: 'must not be empty',
  long: `must be at most ${ID_MAX} characters`,
  chars: 'may contain only letters, digits and . _ : @ -',
} as const;

/** What is wrong with an id, as `idSchema` says it, or null when it is fine. */
export function idProblem(id: string): string | null {
  if (id.length === 0) return ID_WORDS.empty;
  if (id.length > ID_MAX) return ID_WORDS.long;
  if (!ID_PATTERN.test(id)) return ID_WORDS.chars;
  return null;
}

/** The rule for skills and tags, without zod: `skillSchema` (common.ts) is built from it. */
export const SKILL_MAX = 64;
export const SKILL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
