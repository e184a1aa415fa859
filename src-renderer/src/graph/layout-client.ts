import type { LayoutInput, Positions } from './layout.ts';

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (p: Positions) => void; reject: (e: Error) => void }>();

/** Lays the graph out off the main thread. */
export function layoutAsync(input: LayoutInput): Promise<Positions> {
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<{ id: number; positions?: Positions; error?: string }>) => {
      const w = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      if (!w) return;
      if (e.data.positions) w.resolve(e.data.positions);
      else w.reject(new Error(e.data.error ?? 'layout failed'));
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker!.postMessage({ id, input });
  });
}
