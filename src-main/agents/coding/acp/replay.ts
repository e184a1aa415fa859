import type { AnyMessage, JsonRpcId, Stream } from '@agentclientprotocol/sdk';

/** After a loaded session's answer, how long the agent must say nothing more before its replay is taken as over. */
const QUIET_MS = 500;
/** The longest the replay after the answer is waited out; what comes later is taken as live. */
const MAX_SETTLE_MS = 5_000;

/**
 * The connection's messages with a loaded session's replayed history left out: those updates
 * are the earlier attempts' steps, already stored, and must not become steps again.
 *
 * ACP has the agent replay the conversation as `session/update` notifications before it answers
 * `session/load`. A flag set around the request does not see them all: the SDK hands a
 * notification to its handler a few microtasks after reading it, and Gemini CLI 0.61 answers the
 * request after the first replayed update and streams the rest after its answer (its
 * `streamHistory` is not awaited). So the wire decides, in two parts:
 * - from the moment `session/load` is written until its answer is read, every `session/update`
 *   read is dropped before the SDK sees it (an agent that follows the protocol: all of it);
 * - then, until the caller's `settled()` resolves, updates are dropped too: it waits until the
 *   agent has been quiet for `QUIET_MS` (at most `MAX_SETTLE_MS`), and the caller sends its
 *   prompt only then. An agent that paused longer in the middle of its replay would have the
 *   rest recorded; none was seen to.
 */
export function withoutReplay(
  inner: Stream,
  opts: { quietMs?: number; maxMs?: number } = {},
): { stream: Stream; replayed: () => number; settled: () => Promise<void> } {
  const quietMs = opts.quietMs ?? QUIET_MS;
  const maxMs = opts.maxMs ?? MAX_SETTLE_MS;
  /** `loading`: the `session/load` request waiting for its answer; `settling`: its answer read, the replay's tail still coming. */
  let state: { is: 'live' } | { is: 'loading'; id: JsonRpcId } | { is: 'settling' } = { is: 'live' };
  let replayed = 0;
  let heard = () => {};
  const writer = inner.writable.getWriter();
  const writable = new WritableStream<AnyMessage>({
    write(message) {
      if ('method' in message && message.method === 'session/load' && 'id' in message)
        state = { is: 'loading', id: message.id };
      return writer.write(message);
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
  const readable = inner.readable.pipeThrough(
    new TransformStream<AnyMessage, AnyMessage>({
      transform(message, out) {
        if (
          state.is !== 'live' &&
          'method' in message &&
          message.method === 'session/update' &&
          !('id' in message)
        ) {
          replayed++;
          heard();
          return;
        }
        // Its answer: loaded, the replay's tail may still come; refused, nothing more is replayed.
        if (state.is === 'loading' && !('method' in message) && 'id' in message && message.id === state.id)
          state = 'error' in message ? { is: 'live' } : { is: 'settling' };
        out.enqueue(message);
      },
    }),
  );
  /** Resolves once the replay is over (the agent quiet), then lets updates through again. */
  const settled = () =>
    new Promise<void>((resolve) => {
      if (state.is !== 'settling') return resolve();
      const end = () => {
        clearTimeout(quiet);
        clearTimeout(cap);
        heard = () => {};
        state = { is: 'live' };
        resolve();
      };
      let quiet = setTimeout(end, quietMs);
      const cap = setTimeout(end, maxMs);
      heard = () => {
        clearTimeout(quiet);
        quiet = setTimeout(end, quietMs);
      };
    });
  return { stream: { writable, readable }, replayed: () => replayed, settled };
}
