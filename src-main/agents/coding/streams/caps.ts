import { truncateText } from '../../../engine/executors/shared/line-splitter.ts';

/**
 * A step goes into SQLite and to the UI, and a CLI's event can hold a whole file (a `Write`'s
 * content, a `cat`'s output): text stored in a step is cut at this many characters, with a
 * marker saying how much was cut (`… [truncated N characters]`).
 */
export const MAX_STEP_TEXT = 64 * 1024;

/** Limits of the step schema's short fields (src-shared/schemas/step.ts). */
export const MAX_ID = 512;
export const MAX_LABEL = 200;

export function capText(text: string, max = MAX_STEP_TEXT): string {
  return text.length > max ? truncateText(text, max) : text;
}

/** A display name cut to fit its field (a model, an agent, a server). */
export function capLabel(text: string | null, max = MAX_LABEL): string | null {
  return text === null ? null : text.length > max ? text.slice(0, max) : text;
}

/**
 * A tool's input as stored: as is when its JSON fits in `max` characters; else with every
 * long string in it cut (a written file's content, a long command), keeping its shape; else,
 * when even that is too large (thousands of keys), `{ truncated, preview }` with the start of
 * its JSON text.
 */
export function capInput(input: unknown, max = MAX_STEP_TEXT): unknown {
  if (input === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    // Nested deeper than the stack allows (JSON.parse took it, stringify cannot).
    return { truncated: 'input nested too deep to store' };
  }
  if (json === undefined) return null;
  if (json.length <= max) return input;
  const cut = cutStrings(input, Math.max(256, Math.floor(max / 16)), 0);
  const again = JSON.stringify(cut);
  if (again !== undefined && again.length <= max) return cut;
  return { truncated: `input of ${json.length} characters`, preview: json.slice(0, max) };
}

const MAX_DEPTH = 32;

function cutStrings(value: unknown, maxString: number, depth: number): unknown {
  if (typeof value === 'string') return value.length > maxString ? truncateText(value, maxString) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => cutStrings(v, maxString, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cutStrings(v, maxString, depth + 1);
  return out;
}
