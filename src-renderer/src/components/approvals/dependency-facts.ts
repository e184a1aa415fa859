import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { ChangedFile } from '../../../../src-shared/schemas/workspace.ts';
import { cut } from '../../format/cut.ts';

/** One field of a dependency's output, its value in words. */
export interface OutputField {
  name: string;
  value: string;
}

/**
 * What a dependency produced, laid out for a person deciding on the task that builds on it
 * (BuildsOn.tsx): a coding task's branch, commit and +/- with its files; an object's fields one
 * a line; a text as it is; anything else as compact JSON.
 */
export type DependencyFacts =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | {
      kind: 'coding';
      branch: string;
      commit: string;
      additions: number;
      deletions: number;
      files: ChangedFile[];
      summary: string;
    }
  | { kind: 'fields'; fields: OutputField[]; more: number }
  | { kind: 'json'; text: string };

/** Fields shown of an object output; the rest are counted. */
export const MAX_FIELDS = 6;

/** A field's value in a line: text as it is, empty lists and objects in words, the rest as JSON. */
export function fieldValue(v: unknown, max = 160): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '(empty text)' : cut(v, max);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    if (v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'))
      return cut(v.join(', '), max);
  } else if (typeof v === 'object' && Object.keys(v).length === 0) return 'empty';
  return cut(JSON.stringify(v) ?? String(v), max);
}

export function dependencyFacts(output: unknown): DependencyFacts {
  if (output === null || output === undefined) return { kind: 'none' };
  if (typeof output === 'string')
    return output.trim() === '' ? { kind: 'none' } : { kind: 'text', text: output };
  if (isCodingOutput(output))
    return {
      kind: 'coding',
      branch: output.branch,
      commit: output.commit.slice(0, 10),
      additions: output.additions,
      deletions: output.deletions,
      files: output.files,
      summary: output.summary,
    };
  if (typeof output === 'object' && !Array.isArray(output)) {
    const all = Object.entries(output);
    if (all.length === 0) return { kind: 'none' };
    return {
      kind: 'fields',
      fields: all.slice(0, MAX_FIELDS).map(([name, v]) => ({ name, value: fieldValue(v) })),
      more: Math.max(0, all.length - MAX_FIELDS),
    };
  }
  return { kind: 'json', text: cut(JSON.stringify(output) ?? String(output), 400) };
}
