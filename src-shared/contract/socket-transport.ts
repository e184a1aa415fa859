import type { Transport } from './client.ts';
import type { WireResult } from './errors.ts';
import type { EventBatch } from './events.ts';

// Method-style signature: parameters compare bivariantly, so both the DOM's and `ws`'s
// handler types (with their own event classes) fit.
type Handler<E> = { bivariant(ev: E): void }['bivariant'];

/** The part of the WebSocket API both the browser's and Node's `ws` implement. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: Handler<unknown> | null;
  onclose: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
}

const OPEN = 1;

export interface SocketTransportOptions {
  /** Opens a new socket; called again to reconnect. */
  connect: () => SocketLike;
  /** Reconnect after a drop (the default); delays grow to `maxDelayMs`. */
  reconnect?: boolean;
  maxDelayMs?: number;
  onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
}

/**
 * The contract over a WebSocket: `{id, method, input}` out, `{id, result}` or `{events}` in.
 * Calls made while connecting wait; calls in flight when the socket drops fail with
 * `unavailable`, and the transport reconnects with backoff.
 */
export function createSocketTransport(opts: SocketTransportOptions): Transport {
  const pending = new Map<number, (r: WireResult) => void>();
  const queue: string[] = [];
  const listeners = new Set<(batch: EventBatch) => void>();
  let nextId = 1;
  let closed = false;
  let delay = 200;
  let socket: SocketLike;

  function open(): void {
    opts.onStatus?.('connecting');
    socket = opts.connect();
    socket.onopen = () => {
      delay = 200;
      opts.onStatus?.('open');
      for (const msg of queue.splice(0)) socket.send(msg);
    };
    socket.onmessage = (ev) => {
      let msg: { id?: number | null; result?: WireResult; events?: EventBatch };
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg.events) for (const l of listeners) l(msg.events);
      if (typeof msg.id === 'number' && msg.result) {
        pending.get(msg.id)?.(msg.result);
        pending.delete(msg.id);
      }
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      opts.onStatus?.('closed');
      for (const resolve of pending.values()) {
        resolve({ ok: false, error: { code: 'unavailable', message: 'connection to Baton was lost' } });
      }
      pending.clear();
      if (!closed && opts.reconnect !== false) {
        setTimeout(open, delay);
        delay = Math.min(delay * 2, opts.maxDelayMs ?? 5_000);
      }
    };
  }
  open();

  return {
    invoke(method, input) {
      if (closed) {
        return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'transport is closed' } });
      }
      const id = nextId++;
      const msg = JSON.stringify({ id, method, input });
      return new Promise<WireResult>((resolve) => {
        pending.set(id, resolve);
        if (socket.readyState === OPEN) socket.send(msg);
        else queue.push(msg);
      });
    },
    onEvents(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}
