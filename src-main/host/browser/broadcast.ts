import type { WebSocket } from 'ws';
import type { EventBatch, EventName } from '../../../src-shared/contract/events.ts';
import type { SocketEvents, SocketResync } from '../../../src-shared/contract/socket-frames.ts';
import { BackgroundWork } from '../../base/background.ts';
import type { EventBus } from '../../events/event-bus.ts';

/**
 * How much a client may leave unread before Baton stops sending it events. A browser tab
 * reads far faster than this; a client that stops reading (a hung tab, a stalled link, a
 * script that never reads) would otherwise make the host keep every batch of a long run.
 */
export interface Backpressure {
  /** Buffered bytes (socket and `ws` queue) from which events to a client are dropped. */
  behindAt: number;
  /** Buffered bytes (replies pile up too) from which a client is closed with a reason. */
  closeAt: number;
  /** How often clients that are behind are looked at, to tell them to resync once drained. */
  checkEveryMs: number;
}

export const DEFAULT_BACKPRESSURE: Backpressure = {
  behindAt: 4 * 1024 * 1024,
  closeAt: 64 * 1024 * 1024,
  checkEveryMs: 100,
};

/** What a client that missed events is sent once it has read what it was behind on. */
export const RESYNC_FRAME = JSON.stringify({ resync: true } satisfies SocketResync);
/** The close code for a client too far behind: 1013 "try again later", i.e. reconnect. */
export const TOO_FAR_BEHIND = 1013;

interface Client {
  behind: boolean;
  /** Whether the client's caller, as proven now, may read admin-only events (null: nobody is proven now). */
  admin: () => boolean | null;
}

/**
 * Events only an admin reads, as the methods that list them are an admin's (`LEAST_ROLE`): a
 * webhook's URL is its secret, triggers and deliveries say what a webhook is sent, a worker token
 * whom it opens Baton to. Sent to a client whose caller is an admin (or the machine's owner) only.
 */
const ADMIN_EVENTS: ReadonlySet<EventName> = new Set<EventName>([
  'webhook.updated',
  'webhook.removed',
  'delivery.updated',
  'trigger.updated',
  'trigger.removed',
  'workerToken.updated',
]);

/**
 * Pushes event batches to every WebSocket client, each serialised once. A client whose
 * unread data reaches `behindAt` gets no more events until it has read down to a quarter of
 * that; then it is sent `{"resync":true}` (it missed events: reload what it shows) and events
 * flow again. Memory per client stays near `behindAt` plus one batch. A client whose unread
 * data still reaches `closeAt` (it keeps asking and never reads the replies) is closed with
 * 1013 and a reason.
 */
export function createBroadcast(bus: EventBus, limits: Backpressure = DEFAULT_BACKPRESSURE) {
  const clients = new Map<WebSocket, Client>();
  let timer: NodeJS.Timeout | undefined;
  const checks = new BackgroundWork('watching slow WebSocket clients');

  // Events are made for clients only while one is connected (`EventBus.wants`).
  let off: (() => void) | null = null;
  const send = (batch: EventBatch) => {
    if (clients.size === 0) return;
    const all = JSON.stringify({ events: batch } satisfies SocketEvents);
    // Who may read what is asked only of a batch that holds an admin's event (seldom).
    let others: string | null | undefined = batch.some((e) => ADMIN_EVENTS.has(e.name)) ? undefined : all;
    for (const [ws, client] of clients) {
      if (client.behind || ws.readyState !== ws.OPEN) continue;
      let frame = all;
      if (others !== all) {
        const admin = client.admin();
        if (admin === null) continue;
        if (!admin) {
          if (others === undefined) {
            const kept = batch.filter((e) => !ADMIN_EVENTS.has(e.name));
            others = kept.length > 0 ? JSON.stringify({ events: kept } satisfies SocketEvents) : null;
          }
          if (others === null) continue;
          frame = others;
        }
      }
      if (ws.bufferedAmount >= limits.behindAt) {
        client.behind = true;
        watch();
        continue;
      }
      ws.send(frame);
    }
  };

  function watch(): void {
    timer ??= checks.every(limits.checkEveryMs, check);
  }

  function check(): void {
    let anyBehind = false;
    for (const [ws, client] of clients) {
      if (!client.behind) continue;
      if (ws.readyState !== ws.OPEN) continue;
      if (tooFar(ws)) continue;
      if (ws.bufferedAmount <= limits.behindAt / 4) {
        client.behind = false;
        ws.send(RESYNC_FRAME);
      } else anyBehind = true;
    }
    if (!anyBehind && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  /** Closes a client past `closeAt`; true when it did. */
  function tooFar(ws: WebSocket): boolean {
    if (ws.bufferedAmount < limits.closeAt || ws.readyState !== ws.OPEN) return false;
    ws.close(TOO_FAR_BEHIND, 'too far behind: reconnect and reload');
    // The close frame waits behind what the client has not read; a client that never reads
    // is cut off so its buffer is freed.
    setTimeout(() => ws.terminate(), 30_000).unref();
    return true;
  }

  return {
    /** `admin`: whether the client's caller, proven now, may read an admin's events (default: yes). */
    add(ws: WebSocket, admin: () => boolean | null = () => true): void {
      clients.set(ws, { behind: false, admin });
      off ??= bus.subscribe(send);
      ws.once('close', () => {
        clients.delete(ws);
        if (clients.size === 0) {
          off?.();
          off = null;
        }
      });
    },
    /** A reply to one client's call: always sent (it waits for it), then the close limit applies. */
    reply(ws: WebSocket, text: string): void {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(text);
      tooFar(ws);
    },
    close(): void {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const ws of clients.keys()) ws.terminate();
      clients.clear();
    },
  };
}

export type Broadcast = ReturnType<typeof createBroadcast>;
