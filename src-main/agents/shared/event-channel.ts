/**
 * Turns callbacks (a child's output, timers) into an async iterable for an executor to yield
 * from. When the consumer falls behind, `onPressure(true)` asks the producer to pause
 * (e.g. `stream.pause()`), and `onPressure(false)` lets it go on, so memory stays bounded.
 */
export function createEventChannel<T>(opts: { highWater?: number; onPressure?: (paused: boolean) => void }) {
  const highWater = opts.highWater ?? 256;
  const lowWater = Math.floor(highWater / 4);
  const queue: T[] = [];
  let closed = false;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return {
    push(item: T): void {
      if (closed) return;
      queue.push(item);
      if (!paused && queue.length >= highWater) {
        paused = true;
        opts.onPressure?.(true);
      }
      notify();
    },
    /** No more items; the iterator ends once the queue is drained. */
    close(): void {
      closed = true;
      notify();
    },
    /** Whether the producer was asked to pause. */
    get paused(): boolean {
      return paused;
    },
    async *drain(): AsyncGenerator<T, void> {
      for (;;) {
        const item = queue.shift();
        if (item !== undefined) {
          if (paused && queue.length <= lowWater) {
            paused = false;
            opts.onPressure?.(false);
          }
          yield item;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
