import type { Run } from '../../../../src-shared/schemas/run.ts';

/** The runs' names, as the pickers, cells and notes say them: "First run", "Second run"… */
const ORDINALS = ['First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth'] as const;
/** The most runs compared at once: each is a row of every task. */
export const MAX_COMPARED = ORDINALS.length;
export const runName = (i: number): string => `${ORDINALS[i] ?? `Number ${i + 1}`} run`;

/** "the first run", "the first and third runs", "the first, second and fourth runs". */
export function runsInWords(indexes: readonly number[]): string {
  const words = indexes.map((i) => (ORDINALS[i] ?? `number ${i + 1}`).toLowerCase());
  if (words.length === 1) return `the ${words[0]} run`;
  return `the ${words.slice(0, -1).join(', ')} and ${words.at(-1)} runs`;
}

/**
 * The runs compared, by id, in their order: those picked (the address names them) that are
 * among the plan's runs; when fewer than two of them are, the newest two, the older first.
 * `runs` is newest first. Nothing when the plan has run fewer than twice.
 */
export function comparedIds(picked: readonly string[] | undefined, runs: readonly Run[]): string[] {
  if (runs.length < 2) return [];
  const known = (picked ?? []).filter((id) => runs.some((r) => r.id === id));
  return known.length >= 2 ? known.slice(0, MAX_COMPARED) : [runs[1]!.id, runs[0]!.id];
}

/** The run a new column starts on: the newest not compared yet, else the newest. */
export function nextRun(compared: readonly string[], runs: readonly Run[]): string | undefined {
  return (runs.find((r) => !compared.includes(r.id)) ?? runs[0])?.id;
}
