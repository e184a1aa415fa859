import type { Caller } from './caller.ts';
import type { WireResult } from './errors.ts';
import { ContractError } from './errors.ts';
import type { BatonEvents, EventBatch, EventName } from './events.ts';
import type { MethodInput, MethodName, MethodOutput } from './index.ts';

/** What a transport must provide: one call channel (with who calls, `caller.ts`) and one event channel. */
export interface Transport {
  invoke(method: string, input: unknown, caller?: Caller): Promise<WireResult>;
  onEvents(listener: (batch: EventBatch) => void): () => void;
  close?(): void;
}

export interface BatonClient {
  invoke<K extends MethodName>(method: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
  /** Subscribes to one event name; returns the unsubscribe function. */
  on<E extends EventName>(name: E, listener: (payload: BatonEvents[E]) => void): () => void;
  /** Subscribes to whole batches (one call per batch, for per-frame UI updates). */
  onBatch(listener: (batch: EventBatch) => void): () => void;
  close(): void;
}

/**
 * The typed client over any transport; neither side knows which transport it has. `caller`
 * says who makes each call (read at each call: a person may say another name meanwhile).
 */
export function createClient(
  transport: Transport,
  caller: () => Caller | undefined = () => undefined,
): BatonClient {
  return {
    async invoke(method, input) {
      const result = await transport.invoke(method, input, caller());
      if (!result.ok) throw new ContractError(result.error);
      return result.value as MethodOutput<typeof method>;
    },
    on(name, listener) {
      return transport.onEvents((batch) => {
        for (const event of batch) {
          if (event.name === name) listener(event.payload as BatonEvents[typeof name]);
        }
      });
    },
    onBatch(listener) {
      return transport.onEvents(listener);
    },
    close() {
      transport.close?.();
    },
  };
}
