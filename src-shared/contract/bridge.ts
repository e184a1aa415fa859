import type { Caller } from './caller.ts';
import type { WireResult } from './errors.ts';
import type { EventBatch } from './events.ts';

/** The only API the Electron preload exposes to the renderer (as `window.baton`). */
export interface BatonBridge {
  invoke(method: string, input: unknown, caller?: Caller): Promise<WireResult>;
  on(listener: (batch: EventBatch) => void): () => void;
}
