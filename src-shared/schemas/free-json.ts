import { z } from 'zod';
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeep } from './common.ts';

/** The most a task's `inputs` may take as JSON. */
export const MAX_INPUT_BYTES = 256 * 1024;

/**
 * A task's `inputs`: free JSON given to its agent. A plan is stored and handed to agents as JSON:
 * what JSON cannot hold (a BigInt, a cycle, which Electron's IPC can carry), what nests deeper
 * than the store reads (`MAX_JSON_DEPTH`), or more than `MAX_INPUT_BYTES`, is a problem of the
 * plan, named at the field, not a crash.
 */
export const taskInputsSchema = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  if (nestsDeeperThan(v, MAX_JSON_DEPTH) && !hasCycle(v)) {
    ctx.addIssue({ code: 'custom', message: tooDeep() });
    return;
  }
  let json: string;
  try {
    json = JSON.stringify(v);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `must be JSON (${err instanceof Error ? err.message : String(err)})`,
    });
    return;
  }
  if (utf8LongerThan(json, MAX_INPUT_BYTES))
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_INPUT_BYTES} bytes as JSON` });
});

/** A free-form JSON object (a task's `output_schema`) no deeper than the store reads. */
export const boundedRecordSchema = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  if (nestsDeeperThan(v, MAX_JSON_DEPTH)) ctx.addIssue({ code: 'custom', message: tooDeep() });
});

/** Whether `v` holds itself (a cycle, which IPC can carry): JSON.stringify says so as a TypeError. */
function hasCycle(v: unknown): boolean {
  try {
    JSON.stringify(v);
    return false;
  } catch (err) {
    return err instanceof TypeError;
  }
}

/**
 * Whether `text` takes more than `limit` bytes as UTF-8. Counted by hand because this file
 * also runs in the renderer, where Node's Buffer does not exist, and it stops early, so a
 * huge value is not walked (or copied, as TextEncoder would) to the end.
 */
function utf8LongerThan(text: string, limit: number): boolean {
  // Every UTF-16 unit takes 1 to 3 bytes (a surrogate pair, two units, takes 4).
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3; // the rest of the BMP, and a lone surrogate (written as U+FFFD)
    if (bytes > limit) return true;
  }
  return false;
}
