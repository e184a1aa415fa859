import { createStreamRedactor } from '../../secrets/secrets.ts';

/**
 * Gathers streamed text into log-sized pieces: a piece goes out at each newline, or once
 * `flushMs` passed since the last one, instead of one event per token. Secrets are
 * redacted, even when one arrives split over several tokens.
 */
export function createLogBatcher(opts: { flushMs: number; now: () => number; secrets: readonly string[] }) {
  const redactor = createStreamRedactor(opts.secrets);
  let pending = '';
  let last = opts.now();
  const take = (upTo: number): string | null => {
    const text = redactor.push(pending.slice(0, upTo));
    pending = pending.slice(upTo);
    last = opts.now();
    return text || null;
  };
  return {
    /** Text to log now, if it is time. */
    push(text: string): string | null {
      pending += text;
      const nl = pending.lastIndexOf('\n');
      if (nl !== -1) return take(nl + 1);
      if (opts.now() - last >= opts.flushMs) return take(pending.length);
      return null;
    },
    /** The rest, at the end of the stream. */
    end(): string | null {
      const text = redactor.push(pending) + redactor.flush();
      pending = '';
      return text || null;
    },
  };
}
