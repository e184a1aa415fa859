import type { Step, StepOf } from '../../../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../../../src-shared/schemas/usage-limit.ts';
import { MAX_STEP_TEXT } from './caps.ts';
import { isObject } from './json.ts';
import { DEFAULT_PRICES, type PriceTable } from './prices.ts';
import { type AttemptResult, type CodingCli, Recorder } from './recorder.ts';
import type { CliStream, ExitStatus } from './stream.ts';
import { NOTHING_SPENT, type Spent, type UsageDelta, UsageLedger } from './usage.ts';

export type { AttemptResult, CodingCli, ResultCause } from './recorder.ts';
export { CODING_CLIS } from './recorder.ts';
export type { CliStream, ExitStatus } from './stream.ts';
export type { Spent, UsageDelta } from './usage.ts';
export { NOTHING_SPENT } from './usage.ts';

export interface ParserOptions {
  /** Baton's clock, in ms since 1970 (default Date.now): times of events that carry none. */
  now?: () => number;
  /** The seq of the first step this parser records (default 0). */
  startSeq?: number;
  /**
   * What the CLI session had spent before this attempt: the sum of the usage steps of the
   * earlier attempts that ran in the same session (a resume after "request changes" or after a
   * crash); nothing for a new session. Needed to turn the totals some CLIs report over a
   * resumed session into this attempt's deltas.
   */
  prior?: Spent;
  /** The model the agent config names (codex's and opencode's streams do not say). */
  model?: string | null;
  /** Prices for models whose cost the CLI does not report (default DEFAULT_PRICES). */
  prices?: PriceTable;
  /** Longest text stored in a step (default MAX_STEP_TEXT). */
  maxText?: number;
  /**
   * Whether the CLI's own usage reports become usage steps (default true). False when Baton's
   * metering endpoint sees every model call: its figures are recorded (`metered`), and what the
   * CLI reports is only tallied in `spent`.
   */
  ownUsage?: boolean;
}

export interface StreamNoise {
  not_json: number;
  unknown: number;
  unreadable: number;
  /** The first few such lines (each cut to 200 characters), with what they were. */
  samples: string[];
}

export interface StreamParser {
  readonly cli: CodingCli;
  /**
   * One line of the CLI's stdout: the steps it added or changed (a changed step keeps its seq;
   * store the latest version). Never throws.
   */
  line(text: string): Step[];
  /**
   * The CLI has exited: tool calls still running fail, and, when the CLI printed no result,
   * a `result` step says what happened. Call it once; lines after it are ignored.
   */
  end(exit: ExitStatus): Step[];
  /** The CLI's session id, once printed: what a later attempt resumes. */
  readonly sessionId: string | null;
  readonly result: AttemptResult | null;
  /** The usage or rate limit the CLI said it hit, once it did (its event, or the error it gave up on). */
  readonly limit: UsageLimitSignal | null;
  /**
   * A model call the metering endpoint priced, as a usage step among the stream's (its seq
   * next); `atMs` when the call was sent. Returns the step.
   */
  metered(delta: UsageDelta, atMs: number, durationMs: number): Step[];
  /** Something the OS sandbox refused the CLI, as a `sandbox` step among the stream's (its seq next). */
  sandboxed(step: Omit<StepOf<'sandbox'>, 'seq' | 'at'>): Step[];
  /** A person's words to the running CLI (`runs.say`), as a user message step with their name (its seq next). */
  said(text: string, by: string, atMs: number): Step[];
  /** What a person did to its turns (Stop this turn, Pause, Resume), as a system message step with their name. */
  noted(text: string, by: string, atMs: number): Step[];
  /** What this attempt has spent so far, as the CLI reports it: the sum of its usage reports (a copy). */
  readonly spent: Spent;
  readonly noise: StreamNoise;
  /** The seq the next step will get. */
  readonly nextSeq: number;
}

const MAX_SAMPLES = 5;
const SAMPLE_CHARS = 200;

/**
 * The parser of one attempt: `events` is the CLI's own (its definition's `stream.parser`,
 * ../clis/), run inside what every CLI's parser shares: garbage counted, the recorder, the usage
 * ledger, what `end()` says.
 */
export function createParser(
  cli: CodingCli,
  events: () => CliStream,
  opts: ParserOptions = {},
): StreamParser {
  const stream = events();
  const rec = new Recorder({
    cli,
    now: opts.now ?? Date.now,
    startSeq: opts.startSeq ?? 0,
    usage: new UsageLedger(opts.prior ?? NOTHING_SPENT, opts.prices ?? DEFAULT_PRICES),
    model: opts.model ?? null,
    maxText: opts.maxText ?? MAX_STEP_TEXT,
    ownUsage: opts.ownUsage ?? true,
  });
  const noise: StreamNoise = { not_json: 0, unknown: 0, unreadable: 0, samples: [] };
  let printed = 0;
  let ended = false;

  const sample = (what: string, text: string) => {
    if (noise.samples.length < MAX_SAMPLES) noise.samples.push(`${what}: ${text.slice(0, SAMPLE_CHARS)}`);
  };

  return {
    cli,
    line(text) {
      if (ended) return [];
      const start = firstNonSpace(text);
      if (start === -1) return [];
      printed++;
      let ev: unknown;
      if (text.charCodeAt(start) === 0x7b /* { */) {
        try {
          ev = JSON.parse(text);
        } catch {
          // Cut by the line cap, or not JSON after all.
        }
      }
      if (!isObject(ev)) {
        noise.not_json++;
        sample('not JSON', text);
        return [];
      }
      try {
        if (!stream.event(ev, rec)) {
          noise.unknown++;
          sample('unknown event', text);
        }
      } catch (err) {
        noise.unreadable++;
        sample(`unreadable (${err instanceof Error ? err.message : String(err)})`, text);
      }
      return rec.take();
    },
    end(exit) {
      if (ended) return [];
      ended = true;
      try {
        stream.end?.(rec, exit);
      } catch (err) {
        noise.unreadable++;
        sample(`unreadable end (${err instanceof Error ? err.message : String(err)})`, '');
      }
      rec.closeOpenCalls(`no answer: ${cli} ended before the tool answered`);
      if (rec.result === null) rec.finish(endedWithoutResult(cli, exit, printed, noise), true, 'exit');
      return rec.take();
    },
    metered(delta, atMs, durationMs) {
      rec.meteredStep(delta, atMs, durationMs);
      return rec.take();
    },
    sandboxed(step) {
      rec.sandboxed(step);
      return rec.take();
    },
    said(text, by, atMs) {
      rec.said(text, by, atMs);
      return rec.take();
    },
    noted(text, by, atMs) {
      rec.said(text, by, atMs, 'system');
      return rec.take();
    },
    get sessionId() {
      return rec.sessionId;
    },
    get result() {
      return rec.result;
    },
    get limit() {
      return rec.limit;
    },
    get spent() {
      return { ...rec.usage.spent };
    },
    get noise() {
      return noise;
    },
    get nextSeq() {
      return rec.nextSeq;
    },
  };
}

/** `claude exited with code 1 before its final result; it printed 2 lines that were not JSON, the first: …` */
export function endedWithoutResult(
  cli: CodingCli,
  exit: ExitStatus,
  printed: number,
  noise: StreamNoise,
): string {
  const how =
    exit.signal !== null
      ? `${cli} was killed by ${exit.signal}`
      : exit.code !== null
        ? `${cli} exited with code ${exit.code}`
        : `${cli} ended`;
  const before = printed === 0 ? ' without printing anything' : ' before its final result';
  const garbage =
    noise.not_json === 0
      ? ''
      : `; it printed ${noise.not_json} line${noise.not_json === 1 ? '' : 's'} that ${noise.not_json === 1 ? 'was' : 'were'} not JSON, the first: ${firstGarbage(noise)}`;
  const what = `${how}${before}${garbage}`;
  return exit.stopped === undefined ? what : `${exit.stopped} (${what})`;
}

function firstGarbage(noise: StreamNoise): string {
  const first = noise.samples.find((s) => s.startsWith('not JSON: '));
  return first === undefined ? '(not kept)' : first.slice('not JSON: '.length);
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return i;
  }
  return -1;
}
