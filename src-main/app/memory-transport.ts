import type { Caller } from '../../src-shared/contract/caller.ts';
import type { BatonClient, Transport } from '../../src-shared/contract/client.ts';
import { createClient } from '../../src-shared/contract/client.ts';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Dispatch } from './dispatch.ts';

/**
 * A copy of an input; one too deep to copy (structuredClone recurses: 200,000 levels ran out of
 * stack, and `baton run` said only "Maximum call stack size exceeded") is handed on as it is, for
 * dispatch to refuse naming its field (MAX_INPUT_DEPTH is far below what a copy can hold).
 */
function cloned<T>(input: T): T {
  try {
    return structuredClone(input);
  } catch (err) {
    if (err instanceof RangeError) return input;
    throw err;
  }
}

/**
 * The contract in memory, with no Electron and no socket. Inputs and results are
 * structured-cloned, as they would be by IPC, so a handler can never hand out live objects.
 */
export function createMemoryTransport(dispatch: Dispatch, bus: EventBus): Transport {
  const listeners = new Set<(batch: EventBatch) => void>();
  let off: (() => void) | null = null;
  const unsubscribe = () => {
    off?.();
    off = null;
  };
  return {
    async invoke(method, input, caller) {
      return structuredClone(await dispatch(method, cloned(input), caller));
    },
    onEvents(listener) {
      listeners.add(listener);
      // One copy of each batch for all of this transport's listeners, as one IPC message would be.
      off ??= bus.subscribe((batch) => {
        const copy = structuredClone(batch);
        for (const l of listeners) l(copy);
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) unsubscribe();
      };
    },
    close() {
      listeners.clear();
      unsubscribe();
    },
  };
}

/** A typed client of the app in this process (the CLI's commands); `caller`: who its calls are from. */
export function createInProcessClient(
  app: { dispatch: Dispatch; bus: EventBus },
  caller?: Caller,
): BatonClient {
  return createClient(createMemoryTransport(app.dispatch, app.bus), () => caller);
}

/**
 * The contract's calls in this process without its events, for the REST routes: HTTP has no
 * push channel, and results are not cloned, since they are serialised to JSON next.
 */
export function createCallClient(dispatch: Dispatch): BatonClient {
  return createClient({ invoke: dispatch, onEvents: () => () => {} });
}
