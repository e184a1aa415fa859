import { CODING_CLIS, type CodingCli } from '../../../../src-shared/schemas/agent.ts';
import type { Step, StepOf, ToolCallStatus } from '../../../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../../../src-shared/schemas/usage-limit.ts';
import { capInput, capLabel, capText, MAX_ID } from './caps.ts';
import { isoMs } from './json.ts';
import { limitOfText, mergeLimits } from './limits.ts';
import type { UsageDelta, UsageLedger } from './usage.ts';

// The coding CLIs Baton drives: one list, with the agent schema's `cli`.
export { CODING_CLIS, type CodingCli };

/**
 * How an attempt ended, as far as the stream tells: the agent's answer; a model server error
 * it gave up on; its own budget cap (claude's `--max-budget-usd`); another failure it reported;
 * or no final event at all (`exit`: it exited, was killed, or printed nothing).
 */
export type ResultCause = 'completed' | 'model_error' | 'budget' | 'error' | 'exit';

export interface AttemptResult {
  text: string;
  is_error: boolean;
  cause: ResultCause;
}

type ToolCallStep = StepOf<'tool_call'>;

export interface ToolEnd {
  status: Exclude<ToolCallStatus, 'running' | 'awaiting_approval'>;
  output?: string | null;
  error?: string | null;
  /** When the tool answered (the CLI's time when it gives one). */
  endMs?: number | null;
  /** When it started, if the CLI says and it was not seen starting. */
  startMs?: number | null;
  /** For a call seen only when it ended (opencode, codex's completed-only items). */
  name?: string | null;
  input?: unknown;
  server?: string | null;
}

interface OpenCall {
  step: ToolCallStep;
  startMs: number;
}

/**
 * The steps of one attempt as a CLI's stream unfolds: numbers them from `startSeq`, keeps each
 * tool call so its answer updates the same step (same seq, a new object each time: a step once
 * handed out is never changed), cuts long text, and collects what one line added or changed.
 * The per-CLI parsers (each CLI's `parser.ts` in ../clis/) only translate events into
 * calls on it.
 */
export class Recorder {
  readonly cli: CodingCli;
  /** The model the agent config names: codex's and opencode's streams do not say. */
  readonly configuredModel: string | null;
  readonly usage: UsageLedger;
  sessionId: string | null = null;
  result: AttemptResult | null = null;
  /**
   * The limit the CLI reported, once it did: an attempt that ends in an error then ends waiting
   * for quota (`usageLimited`) instead of failing.
   */
  limit: UsageLimitSignal | null = null;
  /** The last thing the model said: the answer of a CLI without a final event (opencode). */
  lastAssistantText: string | null = null;
  private out: Step[] = [];
  private seq: number;
  private readonly clock: () => number;
  private readonly maxText: number;
  /** Tool calls by the id the CLI gave (its latest call under that id). */
  private readonly calls = new Map<string, OpenCall>();
  /** Every call_id recorded in this attempt: they are unique. */
  private readonly usedIds = new Set<string>();
  /** How many times an id was used again (so a stream repeating one id costs no search). */
  private readonly reused = new Map<string, number>();
  private callIds = 0;
  private lastMs = Number.NaN;
  private lastIso = '';

  /** Whether the CLI's own usage reports become steps (false: a metering endpoint records them). */
  private readonly ownUsage: boolean;

  constructor(opts: {
    cli: CodingCli;
    now: () => number;
    startSeq: number;
    usage: UsageLedger;
    model: string | null;
    maxText: number;
    ownUsage?: boolean;
  }) {
    this.ownUsage = opts.ownUsage ?? true;
    this.cli = opts.cli;
    this.clock = opts.now;
    this.seq = opts.startSeq;
    this.usage = opts.usage;
    this.configuredModel = opts.model;
    this.maxText = opts.maxText;
  }

  /** The seq the next new step gets. */
  get nextSeq(): number {
    return this.seq;
  }

  now(): number {
    return this.clock();
  }

  /** What the current line added or changed, handed out once. */
  take(): Step[] {
    const steps = this.out;
    if (steps.length > 0) this.out = [];
    return steps;
  }

  text(text: string): string {
    return capText(text, this.maxText);
  }

  /** The agent's session id, the first time it is seen (later ones are ignored). */
  session(id: string, agent: string | null, model: string | null, atMs: number | null = null): void {
    if (this.sessionId !== null || id.length === 0 || id.length > MAX_ID) return;
    this.sessionId = id;
    this.add({
      kind: 'session',
      seq: this.seq++,
      at: this.iso(atMs),
      session_id: id,
      agent: capLabel(agent),
      model: capLabel(model ?? this.configuredModel),
    });
  }

  message(role: 'assistant' | 'user' | 'system', text: string, atMs: number | null = null): void {
    if (text.length === 0) return;
    if (role === 'assistant') this.lastAssistantText = text;
    this.add({ kind: 'message', seq: this.seq++, at: this.iso(atMs), role, text: this.text(text) });
  }

  /** A person's words to the running agent (`runs.say`), with their name. */
  said(text: string, by: string, atMs: number | null = null, role: 'user' | 'system' = 'user'): void {
    this.add({
      kind: 'message',
      seq: this.seq++,
      at: this.iso(atMs),
      role,
      text: this.text(text),
      by,
    });
  }

  error(message: string, retrying: boolean, atMs: number | null = null): void {
    this.add({ kind: 'error', seq: this.seq++, at: this.iso(atMs), message: this.text(message), retrying });
  }

  /** The CLI said its account ran out (an event of its own, or the error it gave up on). */
  limited(signal: UsageLimitSignal): void {
    this.limit = mergeLimits(this.limit, signal);
  }

  /**
   * The attempt's final result; a later one (a CLI that prints two) replaces it. An error that
   * says the account ran out (`limitOfText`) is the limit signal too.
   */
  finish(text: string, isError: boolean, cause: ResultCause, atMs: number | null = null): void {
    if (isError) {
      const said = limitOfText(text, this.now());
      if (said !== null) this.limited(said);
    }
    const capped = this.text(text);
    this.result = { text: capped, is_error: isError, cause };
    this.add({ kind: 'result', seq: this.seq++, at: this.iso(atMs), text: capped, is_error: isError });
  }

  usageStep(delta: UsageDelta | null, atMs: number | null = null, durationMs: number | null = null): void {
    // Metered: what the CLI reports is tallied in `usage` but the endpoint's figures are the steps.
    if (delta === null || !this.ownUsage) return;
    this.meteredStep(delta, atMs, durationMs);
  }

  /** A usage step whatever the CLI reported (a model call the metering endpoint priced). */
  meteredStep(delta: UsageDelta, atMs: number | null, durationMs: number | null): void {
    this.add({
      kind: 'usage',
      seq: this.seq++,
      at: this.iso(atMs),
      ...delta,
      model: capLabel(delta.model),
      duration_ms: durationMs === null ? null : Math.max(0, durationMs),
    });
  }

  /**
   * A tool call the model asked for, now running. The same id again while it runs updates its
   * input (codex's `item.updated`); after it ended, it is a new call (its id gets `#2`).
   */
  toolStarted(
    callId: string | null,
    name: string | null,
    input: unknown,
    opts: { server?: string | null; atMs?: number | null } = {},
  ): void {
    const id = this.callId(callId);
    const open = this.calls.get(id);
    if (open !== undefined && open.step.status === 'running') {
      this.replace(open, { ...open.step, input: capInput(input, this.maxText) });
      return;
    }
    const startMs = opts.atMs ?? this.now();
    const callIdStored = this.usedIds.has(id) ? this.freshId(id) : id;
    this.usedIds.add(callIdStored);
    const step: ToolCallStep = {
      kind: 'tool_call',
      seq: this.seq++,
      at: this.iso(startMs),
      call_id: callIdStored,
      name: toolName(name),
      server: capLabel(opts.server ?? null),
      input: capInput(input, this.maxText),
      status: 'running',
      output: null,
      error: null,
      ended_at: null,
      duration_ms: null,
    };
    this.calls.set(id, { step, startMs });
    this.add(step);
  }

  /** A tool call's answer: the running step is recorded again, finished; an unseen one is added. */
  toolEnded(callId: string | null, end: ToolEnd): void {
    const id = this.callId(callId);
    let open = this.calls.get(id);
    if (open === undefined || open.step.status !== 'running') {
      this.toolStarted(id, end.name ?? null, end.input ?? null, {
        server: end.server,
        atMs: end.startMs ?? end.endMs,
      });
      open = this.calls.get(id)!;
    }
    const endMs = end.endMs ?? this.now();
    const step: ToolCallStep = {
      ...open.step,
      status: end.status,
      output: end.output == null ? null : this.text(end.output),
      error: end.error == null ? null : this.text(end.error),
      ended_at: this.iso(endMs),
      duration_ms: Math.max(0, endMs - open.startMs),
    };
    this.replace(open, step);
  }

  /** Tool calls still running when the CLI ended: failed, saying so. */
  closeOpenCalls(reason: string): void {
    for (const [id, open] of this.calls)
      if (open.step.status === 'running') this.toolEnded(id, { status: 'failed', error: reason });
  }

  /**
   * A CLI's ISO time (claude's `timestamp`) as ms; when it is already in the stored form, it is
   * kept as the text of that ms, so the steps of its event need no formatting.
   */
  cliTime(value: unknown): number | null {
    const ms = isoMs(value);
    if (ms !== null && typeof value === 'string' && CANONICAL_ISO.test(value)) {
      this.lastMs = ms;
      this.lastIso = value;
    }
    return ms;
  }

  iso(ms: number | null): string {
    const t = ms ?? this.now();
    // Steps of one event share a time: formatting a date is a good part of a line's cost.
    if (t !== this.lastMs) {
      this.lastMs = t;
      this.lastIso = new Date(t).toISOString();
    }
    return this.lastIso;
  }

  /** Something the OS sandbox refused the CLI, as a step among the stream's (its seq next). */
  sandboxed(step: Omit<StepOf<'sandbox'>, 'seq' | 'at'>, atMs: number | null = null): void {
    this.add({ ...step, seq: this.seq++, at: this.iso(atMs) });
  }

  private add(step: Step): void {
    this.out.push(step);
  }

  /** A changed step keeps its seq; if this line already returned it, the newer version replaces it. */
  private replace(open: OpenCall, step: ToolCallStep): void {
    const i = this.out.indexOf(open.step);
    open.step = step;
    if (i === -1) this.out.push(step);
    else this.out[i] = step;
  }

  private callId(id: string | null): string {
    if (id !== null && id.length > 0) return id.length > MAX_ID ? id.slice(0, MAX_ID) : id;
    // A call without an id cannot be matched with its answer: each is its own.
    return `(no id) ${++this.callIds}`;
  }

  private freshId(id: string): string {
    for (let n = (this.reused.get(id) ?? 1) + 1; ; n++) {
      const candidate = `${id.slice(0, MAX_ID - 20)}#${n}`;
      if (!this.usedIds.has(candidate)) {
        this.reused.set(id, n);
        return candidate;
      }
    }
  }
}

/** What Date#toISOString gives for years 0–9999. */
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function toolName(name: string | null): string {
  if (name === null || name.length === 0) return '(unnamed tool)';
  return name.length > MAX_ID ? name.slice(0, MAX_ID) : name;
}
