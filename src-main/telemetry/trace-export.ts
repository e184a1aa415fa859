import type { AttemptTrace, TraceExportOptions } from './step-spans.ts';

export type { AttemptTrace, TraceExportOptions };

/**
 * The trace export as the app holds it: the OpenTelemetry SDK (`step-spans.ts`, some 240
 * modules) is loaded only when an endpoint is set, and then on its own time, so a Baton that
 * exports nothing neither starts slower nor carries it (a larger heap at rest lets V8 grow a big
 * run's garbage further before it collects). Attempts ended while it loads are exported in order
 * once it has.
 */
export function createTraceExport(opts: TraceExportOptions, log: (err: unknown) => void = () => {}) {
  const sdk = import('./step-spans.ts').then((m) => m.createSpanExport(opts));
  // One chain: attempts reach the exporter in the order they ended, flush and shutdown after them.
  let last: Promise<unknown> = sdk;
  const then = <T>(act: (spans: Awaited<typeof sdk>) => T | Promise<T>): Promise<T> => {
    const next: Promise<T> = last.then(() => sdk.then(act));
    last = next.catch(() => {});
    return next;
  };
  return {
    attempt(a: AttemptTrace): void {
      then((spans) => spans.attempt(a)).catch(log);
    },
    /** Sends what is batched now. */
    flush: (): Promise<void> => then((spans) => spans.flush()),
    shutdown: (): Promise<void> => then((spans) => spans.shutdown()),
  };
}
export type TraceExport = ReturnType<typeof createTraceExport>;
