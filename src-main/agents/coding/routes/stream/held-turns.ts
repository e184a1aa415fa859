import type { TurnHold } from '../../../../engine/attempt-turns.ts';
import { nextTurnAfterHold, noteText } from '../held.ts';

/**
 * A person's hold on a CLI's turns on its open stdin (Claude Code's stream-json, `can.interrupt:
 * 'control'`; opencode's bridge to its own server, `abort`): its running turn stopped by the
 * interrupt line (the control request; `POST /session/{id}/abort`), and at the turn's result, while held,
 * stdin kept open and the next message written once their words or Resume let it go on (../held.ts).
 * A CLI whose stdin is not open for messages, or no attempt that can be held, costs nothing.
 */
export class StreamTurns {
  /** Messages said while held: the next turn's words. */
  readonly queued: string[] = [];
  private readonly turns: TurnHold | undefined;
  private readonly write: (line: string) => boolean;
  private readonly inputLine: ((text: string) => string) | undefined;
  private readonly signal: AbortSignal;
  private readonly hangUp: () => void;
  private forget: (() => void) | null = null;
  private unnote: (() => void) | null = null;
  /** This turn was stopped for a person (the control line written). */
  private stopped = false;
  /** Between turns, held: its last result printed, the next not yet sent. */
  private waiting = false;
  /** The result seen last, and whether stdin stays open past it (held, or a next turn sent). */
  private seen: unknown = null;
  private open = false;

  constructor(opts: {
    turns: TurnHold | undefined;
    write: (line: string) => boolean;
    inputLine: ((text: string) => string) | undefined;
    interruptLine: (() => string) | undefined;
    signal: AbortSignal;
    hangUp: () => void;
    note: (text: string, by: string) => void;
  }) {
    this.turns = opts.inputLine ? opts.turns : undefined;
    this.write = opts.write;
    this.inputLine = opts.inputLine;
    this.signal = opts.signal;
    this.hangUp = opts.hangUp;
    const { turns, interruptLine } = opts;
    if (!this.turns || !turns || !interruptLine) return;
    this.unnote = turns.notes((n) => opts.note(noteText(n), n.by));
    this.forget = turns.interruptible(() => {
      if (this.waiting || !this.write(interruptLine())) return false;
      this.stopped = true;
      return true;
    });
  }

  /** Whether a message said now waits for the next turn (held) rather than going into this one. */
  holds(): boolean {
    return this.turns !== undefined && (this.waiting || this.turns.held() !== null);
  }

  /** At a result line: whether stdin stays open (held between turns, or its next turn sent). */
  atResult(result: unknown): boolean {
    if (result === this.seen) return this.open;
    this.seen = result;
    this.open = this.turns !== undefined && (this.stopped || this.turns.held() !== null);
    if (this.open) {
      this.waiting = true;
      void this.goOn();
    }
    return this.open;
  }

  /** Stdin closes: no turn to stop or hold any more. */
  end(): void {
    this.forget?.();
    this.forget = null;
    this.unnote?.();
    this.unnote = null;
  }

  private async goOn(): Promise<void> {
    const next = await nextTurnAfterHold(this.turns, this.signal, this.queued, this.stopped);
    this.stopped = false;
    this.waiting = false;
    if (next === null || next === undefined || !this.write(this.inputLine!(next))) {
      this.open = false;
      this.hangUp();
    }
  }
}
