import type { TurnHold } from '../../../../engine/attempt-turns.ts';
import type { Invocation } from '../../clis/definition.ts';
import { nextTurnAfterHold, noteText } from '../held.ts';

/**
 * How a person's words and holds reach a CLI on its open stdin: Claude Code's stream-json lines and
 * opencode's bridge (`Invocation.inputLine`, `interruptLine`), or Codex's app-server requests (`Invocation.dialogue`:
 * `turn/steer`, `turn/start`, `turn/interrupt`). Each answers false when nothing could be written.
 */
export interface Talk {
  /** A person's words into the running turn. */
  say(text: string): boolean;
  /** The next turn's words, after a hold. */
  next(text: string): boolean;
  /** Stops the running turn (false: none runs that can be stopped now); absent: the CLI has no means. */
  interrupt?: () => boolean;
}

/** How the program started by `inv` is talked to, or null: its stdin is closed (it takes nothing while it runs). */
export function talkOf(inv: Invocation, write: (line: string) => boolean): Talk | null {
  if (inv.input === undefined) return null;
  const all = (lines: string[] | null) => lines?.every((l) => write(l)) ?? false;
  const { dialogue, inputLine, interruptLine } = inv;
  if (dialogue)
    return {
      say: (text) => all(dialogue.steer(text)),
      next: (text) => {
        const lines = dialogue.turn(text);
        return lines.length > 0 && all(lines);
      },
      interrupt: () => all(dialogue.interrupt()),
    };
  if (!inputLine) return null;
  return {
    say: (text) => write(inputLine(text)),
    next: (text) => write(inputLine(text)),
    ...(interruptLine ? { interrupt: () => write(interruptLine()) } : {}),
  };
}

/**
 * A person's hold on a CLI's turns on its open stdin (`can.interrupt` `control`, Claude Code's
 * stream-json; `turn-interrupt`, Codex's app-server; `abort`, opencode's bridge to its own
 * server): its running turn stopped by the CLI's own means, and at the turn's result, while held, stdin kept open and the next turn sent once their
 * words or Resume let it go on (../held.ts). A CLI whose stdin is not open for messages, or no
 * attempt that can be held, costs nothing.
 */
export class StreamTurns {
  /** Messages said while held: the next turn's words. */
  readonly queued: string[] = [];
  private readonly turns: TurnHold | undefined;
  private readonly talk: Talk | null;
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
    talk: Talk | null;
    signal: AbortSignal;
    hangUp: () => void;
    note: (text: string, by: string) => void;
  }) {
    const { turns, talk } = opts;
    const interrupt = talk?.interrupt;
    this.turns = interrupt ? turns : undefined;
    this.talk = talk;
    this.signal = opts.signal;
    this.hangUp = opts.hangUp;
    if (!turns || !interrupt) return;
    this.unnote = turns.notes((n) => opts.note(noteText(n), n.by));
    this.forget = turns.interruptible(() => {
      if (this.waiting || !interrupt()) return false;
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
    if (next === null || next === undefined || !this.talk?.next(next)) {
      this.open = false;
      this.hangUp();
    }
  }
}
