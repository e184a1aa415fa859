import type { LayoutInput } from './layout.ts';
import { layoutWithRoutes } from './layout.ts';

self.onmessage = (e: MessageEvent<{ id: number; input: LayoutInput }>) => {
  try {
    self.postMessage({ id: e.data.id, layout: layoutWithRoutes(e.data.input) });
  } catch (err) {
    self.postMessage({ id: e.data.id, error: err instanceof Error ? err.message : String(err) });
  }
};
