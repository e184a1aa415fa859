import type { WireResult } from './errors.ts';
import type { EventBatch } from './events.ts';

/**
 * The contract over a WebSocket, declared once for both ends (`socket-transport.ts`, the
 * browser host): a client sends calls; the host sends replies, event batches and resyncs.
 */

/** A call: the client's own `id` comes back with its result; `actor`: who calls (`caller.ts`). */
export interface SocketCall {
  id: number | string;
  method: string;
  input: unknown;
  actor?: string;
}

/** A call's result; `id` is null when the message could not be read as a call. */
export interface SocketReply {
  id: number | string | null;
  result: WireResult;
}

/** Events, in batches, never one message per row. */
export interface SocketEvents {
  events: EventBatch;
}

/** Events were dropped while the client fell behind, or the socket reconnected: load state again. */
export interface SocketResync {
  resync: true;
}

/** What the host sends. */
export type SocketFrame = SocketReply | SocketEvents | SocketResync;
