import type { BatonClient, Transport } from '../../src-shared/contract/client.ts';
import { createClient } from '../../src-shared/contract/client.ts';
import type { Dispatch } from '../app/dispatch.ts';
import type { EventBus } from '../events/event-bus.ts';

/**
 * The contract in memory, with no Electron and no socket. Inputs and results are
 * structured-cloned, as they would be by IPC, so a handler can never hand out live objects.
 */
export function createMemoryTransport(dispatch: Dispatch, bus: EventBus): Transport {
  const subscriptions = new Set<() => void>();
  return {
    async invoke(method, input) {
      return structuredClone(await dispatch(method, structuredClone(input)));
    },
    onEvents(listener) {
      const off = bus.subscribe((batch) => listener(structuredClone(batch)));
      subscriptions.add(off);
      return () => {
        off();
        subscriptions.delete(off);
      };
    },
    close() {
      for (const off of subscriptions) off();
      subscriptions.clear();
    },
  };
}

/** A typed client of the app in this process (the CLI's commands). */
export function createInProcessClient(app: { dispatch: Dispatch; bus: EventBus }): BatonClient {
  return createClient(createMemoryTransport(app.dispatch, app.bus));
}
