/**
 * Calls `stop` when `signal` aborts, or at once when it has aborted already: an abort event is
 * sent once, and a listener added after it never hears it (an attempt cancelled while its program
 * was being set up would then run that program to its end, and `close` would wait for it).
 * Returns what takes the listener off.
 */
export function whenAborted(signal: AbortSignal, stop: () => void): () => void {
  if (signal.aborted) {
    stop();
    return () => {};
  }
  signal.addEventListener('abort', stop, { once: true });
  return () => signal.removeEventListener('abort', stop);
}
