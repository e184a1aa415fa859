import type { Layout, LayoutInput } from './layout.ts';

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (l: Layout) => void; reject: (e: Error) => void }>();

/** Lays the graph out off the main thread: where the cards go, and the arrows between them. */
export function layoutAsync(input: LayoutInput): Promise<Layout> {
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<{ id: number; layout?: Layout; error?: string }>) => {
      const w = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      if (!w) return;
      if (e.data.layout) w.resolve(e.data.layout);
      else w.reject(new Error(e.data.error ?? 'layout failed'));
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker!.postMessage({ id, input });
  });
}
