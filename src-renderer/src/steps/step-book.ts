import type { Step, StoredStep } from '../../../src-shared/schemas/step.ts';
import { cost } from '../format/cost.ts';
import { isCacheWrite } from './cache-writes.ts';

/**
 * A task's steps as the task detail holds them: per attempt, in seq order. A later version of
 * a step (a tool call that answered) replaces the earlier one; a batch of thousands is merged
 * with one copy per attempt, so a streaming agent costs a copy per repaint, not per step.
 */
export type StepBook = Readonly<Record<number, readonly Step[]>>;

/** The index of `seq` in `steps` (sorted by seq), or where it goes (`found` false). */
function place(steps: readonly Step[], seq: number): { at: number; found: boolean } {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = steps[mid]!.seq;
    if (s === seq) return { at: mid, found: true };
    if (s < seq) lo = mid + 1;
    else hi = mid;
  }
  return { at: lo, found: false };
}

/** `book` with `steps` merged in (the later version of a seq wins); untouched attempts keep their arrays. */
export function mergeSteps(book: StepBook, steps: readonly (Step | StoredStep)[]): StepBook {
  if (steps.length === 0) return book;
  const copies = new Map<number, Step[]>();
  for (const stored of steps) {
    const attempt = 'attempt' in stored ? stored.attempt : 1;
    let list = copies.get(attempt);
    if (!list) {
      list = [...(book[attempt] ?? [])];
      copies.set(attempt, list);
    }
    const step = stripRef(stored);
    const last = list[list.length - 1];
    if (!last || last.seq < step.seq) list.push(step);
    else {
      const { at, found } = place(list, step.seq);
      if (found) list[at] = step;
      else list.splice(at, 0, step);
    }
  }
  return { ...book, ...Object.fromEntries(copies) };
}

/** The step without the run, task and attempt it was sent with (the book already says them). */
function stripRef(s: Step | StoredStep): Step {
  if (!('run_id' in s)) return s;
  const { run_id: _r, task_id: _t, attempt: _a, ...step } = s;
  return step as Step;
}

/** What an attempt's steps add up to: tokens, money, tool calls by outcome, errors, time. */
export interface StepTotals {
  steps: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  /** USD of the priced usage; `unpriced` counts usage steps without a price, `unknown` those Baton could not see. */
  cost_usd: number;
  unpriced: number;
  unknown: number;
  tool_calls: number;
  tool_failed: number;
  running: number;
  /** Tool calls waiting for a person's answer (an approval card): not running yet. */
  awaiting: number;
  errors: number;
  /** What the OS sandbox refused the attempt's processes (connections, writes, reads). */
  blocked: number;
  /** Of a best-of attempt: what was refused, by candidate (its candidates' refusals are not one count). */
  blocked_by_candidate: Map<number, number>;
  /** Writes to a package manager's cache the sandbox refused (`~/.npm`…): not counted as blocked. */
  cache_writes: number;
  /** From the first step to the last step's start or end, in ms; null with fewer than one step. */
  span_ms: number | null;
}

export function stepTotals(steps: readonly Step[]): StepTotals {
  const t: StepTotals = {
    steps: steps.length,
    input_tokens: 0,
    output_tokens: 0,
    cached_input_tokens: 0,
    cost_usd: 0,
    unpriced: 0,
    unknown: 0,
    tool_calls: 0,
    tool_failed: 0,
    running: 0,
    awaiting: 0,
    errors: 0,
    blocked: 0,
    blocked_by_candidate: new Map(),
    cache_writes: 0,
    span_ms: null,
  };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of steps) {
    const at = Date.parse(s.at);
    if (at < first) first = at;
    if (at > last) last = at;
    switch (s.kind) {
      case 'usage':
        t.input_tokens += s.input_tokens;
        t.output_tokens += s.output_tokens;
        t.cached_input_tokens += s.cached_input_tokens;
        if (s.cost_source === 'unknown') t.unknown++;
        else if (s.cost_usd === null) t.unpriced++;
        else t.cost_usd += s.cost_usd;
        break;
      case 'tool_call': {
        t.tool_calls++;
        if (s.status === 'failed' || s.status === 'denied') t.tool_failed++;
        if (s.status === 'running') t.running++;
        else if (s.status === 'awaiting_approval') t.awaiting++;
        const end = s.ended_at ? Date.parse(s.ended_at) : Number.NaN;
        if (end > last) last = end;
        break;
      }
      case 'error':
        t.errors++;
        break;
      case 'result':
        if (s.is_error) t.errors++;
        break;
      case 'sandbox':
        // A package manager's cache kept from being written is noise, not a finding: counted apart.
        if (isCacheWrite(s)) t.cache_writes++;
        else {
          t.blocked++;
          if (s.candidate !== undefined)
            t.blocked_by_candidate.set(s.candidate, (t.blocked_by_candidate.get(s.candidate) ?? 0) + 1);
        }
        break;
      case 'session':
      case 'message':
        break;
    }
  }
  if (Number.isFinite(first) && Number.isFinite(last)) t.span_ms = last - first;
  return t;
}

/** "$0.0123": a model's cost in dollars, written as every cost is (format/cost.ts). */
export const usd = (n: number): string => `$${cost(n)}`;

/** 12345 → "12.3k": token counts at a glance. */
export function tokens(n: number): string {
  if (n < 1_000) return String(n);
  if (n < 1_000_000) return `${(n / 1_000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** `over`'s steps laid over `under`'s, attempt by attempt (those of `over` are the newer versions). */
export function overlay(under: StepBook, over: StepBook): StepBook {
  let book = under;
  for (const [attempt, steps] of Object.entries(over))
    book = mergeSteps(
      book,
      steps.map((s) => ({ ...s, run_id: '', task_id: '', attempt: Number(attempt) })),
    );
  return book;
}
