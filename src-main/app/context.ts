import type { Engine } from '../engine/engine.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from './event-bus.ts';

/** What every domain's handlers are built from. */
export interface AppContext {
  store: Store;
  engine: Engine;
  bus: EventBus;
  now: () => string;
}
