import type { JsonObject } from './json.ts';
import type { Recorder } from './recorder.ts';

/** How the CLI's process ended, and why, when Baton stopped it (a timeout, the budget). */
export interface ExitStatus {
  code: number | null;
  signal: string | null;
  /** Said first in the result when the CLI gave none, e.g. `budget exceeded: spent $1.20 of $1.00`. */
  stopped?: string;
}

/**
 * Lines that were not events. A line that is not a JSON object (`not_json`) never becomes a
 * step: it is counted and the first few are kept, and the result of a CLI that ended without
 * one quotes the first (a CLI that prints an error as plain text says why there). An event of
 * a type the parser does not know is skipped and counted (`unknown`): newer CLI versions add
 * events, and a trace without them is better than a failed attempt. `unreadable` counts events
 * the parser failed on (a bug: it is caught, the line skipped).
 */
/** A CLI's event stream, translated into calls on the recorder. */
export interface CliStream {
  /** One event (a JSON object); false when its type is not one this parser knows. */
  event(ev: JsonObject, rec: Recorder): boolean;
  /** Before the common end: a CLI without a final event decides its result here (opencode). */
  end?(rec: Recorder, exit: ExitStatus): void;
}
