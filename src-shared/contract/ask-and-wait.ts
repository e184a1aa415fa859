import type { AskVerdict } from '../schemas/approval.ts';
import type { InboxAsked, InboxWaited } from './domains/inbox.ts';
import type { DroppedAttempt } from './domains/workers.ts';

/**
 * An asker outside Baton's process (a coding CLI's approve tool over MCP, a remote worker): how it
 * reaches the inbox (`inbox.ask`, `inbox.wait`, over whatever transport it has) and what it does
 * at each step of the wait.
 */
export interface InboxAsker {
  /** Asks a person (`inbox.ask`), or finds the question asked already. */
  ask(): Promise<InboxAsked>;
  /** One turn of waiting on the server (`inbox.wait`, up to `turnMs`). */
  wait(approvalId: string, turnMs: number): Promise<InboxWaited>;
  /** How long one turn of waiting lasts on the server. */
  turnMs: number;
  /** Ends the wait when it aborts (looked at before each call and after each failure). */
  signal: AbortSignal;
  /** Before each turn of waiting (`turn` from 1): a progress note, a line on stderr. */
  turn?(approvalId: string, turn: number): void | Promise<void>;
  /**
   * A call failed, `failures` times in a row: how long to pause (ms) before trying it again, or
   * throws to give up (a refusal that will not pass, too many failures).
   */
  failed(err: unknown, failures: number, call: 'ask' | 'wait'): number;
  /** `signal` aborted: the error the wait ends with (an approval asked, null if none yet, may be expired here). */
  stopped(approvalId: string | null): Error | Promise<Error>;
  /** The server says the attempt is no longer the asker's: the error the wait ends with. */
  dropped(drop: DroppedAttempt): Error;
}

/**
 * Asks a person and waits for the decision in turns (a long-poll: each `inbox.wait` returns
 * after at most `turnMs`, so a proxy, a CLI's idle limit or a restarting server never sees one
 * long call): the one wait loop of every asker outside the process. The question is stored on the
 * server, so a call that fails (the network, a restart) is tried again and finds the same approval.
 */
export async function askAndWait(asker: InboxAsker): Promise<AskVerdict> {
  const asked = await untilAnswered(asker, null, 'ask', () => asker.ask());
  if ('drop' in asked) throw asker.dropped(asked.drop);
  const id = asked.approval_id;
  let verdict = asked.verdict;
  for (let turn = 1; !verdict; turn++) {
    if (asker.signal.aborted) throw await asker.stopped(id);
    await asker.turn?.(id, turn);
    const waited = await untilAnswered(asker, id, 'wait', () => asker.wait(id, asker.turnMs));
    if ('drop' in waited) throw asker.dropped(waited.drop);
    verdict = waited.verdict;
  }
  return verdict;
}

/** One call, tried again after the pause the asker says while it fails; ends when the signal aborts. */
async function untilAnswered<T>(
  asker: InboxAsker,
  id: string | null,
  call: 'ask' | 'wait',
  fn: () => Promise<T>,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    if (asker.signal.aborted) throw await asker.stopped(id);
    try {
      return await fn();
    } catch (err) {
      if (asker.signal.aborted) throw await asker.stopped(id);
      await pause(asker.failed(err, failures, call), asker.signal);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
