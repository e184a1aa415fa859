import type { Transport } from './client.ts';
import type { WireResult } from './errors.ts';
import type { EventBatch } from './events.ts';
import type { SocketCall, SocketEvents, SocketReply, SocketResync } from './socket-frames.ts';

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

/** `ended`: the host no longer accepts this client (a new launch, a new token); no more retries. */
export type SocketStatus = 'connecting' | 'open' | 'closed' | 'ended';

export interface SocketTransportOptions {
  /** Opens a new socket; called again to reconnect. */
  connect: () => SocketLike;
  /** Reconnect after a drop (the default); delays grow to `maxDelayMs`. */
  reconnect?: boolean;
  maxDelayMs?: number;
  onStatus?: (status: SocketStatus) => void;
  /**
   * Asked after each drop, before retrying: true when the host is up but refuses this client
   * (its token is from an earlier launch). A WebSocket cannot see why an upgrade was refused,
   * so this asks another way, e.g. over HTTP. A rejection counts as "not ended".
   */
  sessionEnded?: () => Promise<boolean>;
  /**
   * Events may have been missed: the host said so (`{"resync":true}`, sent once a client that
   * fell behind has caught up: the host dropped events meanwhile), or the socket dropped and
   * is open again. Whoever shows state must load it again.
   */
  onResync?: () => void;
}

/**
 * The contract over a WebSocket: `{id, method, input}` out, `{id, result}`, `{events}` or
 * `{resync: true}` in.
 * Calls made while connecting wait; calls in flight or waiting when the socket drops fail
 * with `unavailable` (and are not sent later), and the transport reconnects with backoff until
 * `sessionEnded` says the host will not take it back.
 */
export function createSocketTransport(opts: SocketTransportOptions): Transport {
  const pending = new Map<number, (r: WireResult) => void>();
  const queue: string[] = [];
  const listeners = new Set<(batch: EventBatch) => void>();
  let nextId = 1;
  let closed = false;
  let ended = false;
  let delay = 200;
  let socket: SocketLike;
  let opened = false;
  let retrying: ReturnType<typeof setTimeout> | undefined;

  function open(): void {
    if (closed) return;
    opts.onStatus?.('connecting');
    socket = opts.connect();
    socket.onopen = () => {
      delay = 200;
      opts.onStatus?.('open');
      for (const msg of queue.splice(0)) socket.send(msg);
      // Open again after a drop: whatever happened while away was not heard.
      if (opened) opts.onResync?.();
      opened = true;
    };
    socket.onmessage = (ev) => {
      // Any frame the host sends (`SocketFrame`), read field by field: what is not one is ignored.
      let msg: Partial<SocketReply & SocketEvents & SocketResync>;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null) return;
      if (msg.events) for (const l of listeners) l(msg.events);
      if (msg.resync === true) opts.onResync?.();
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
      // They failed: sending them after a reconnect would do what the caller was told failed.
      queue.length = 0;
      if (closed || opts.reconnect === false) return;
      if (!opts.sessionEnded) return retry();
      opts.sessionEnded().then(
        (yes) => {
          if (closed) return;
          if (!yes) return retry();
          ended = true;
          opts.onStatus?.('ended');
        },
        () => !closed && retry(),
      );
    };
  }
  function retry(): void {
    retrying = setTimeout(open, delay);
    delay = Math.min(delay * 2, opts.maxDelayMs ?? 5_000);
  }
  open();

  return {
    invoke(method, input, caller) {
      if (closed || ended) {
        const message = ended ? 'this Baton session has ended' : 'transport is closed';
        return Promise.resolve({ ok: false, error: { code: 'unavailable', message } });
      }
      const id = nextId++;
      const call: SocketCall = { id, method, input };
      if (caller?.actor !== undefined) call.actor = caller.actor;
      const msg = JSON.stringify(call);
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
      clearTimeout(retrying);
      socket.close();
    },
  };
}
