import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { EventBatch, EventName } from '../../../src-shared/contract/events.ts';
import { BackgroundWork } from '../../base/background.ts';
import type { EventBus } from '../../events/event-bus.ts';

/** Where `baton worker` listens for "work available" (its long-polls are the fallback). */
export const WORKER_SOCKET_PATH = '/api/v1/workers/signal';

/** What the socket sends: there may be a task to take now (look with `next-task`). */
export const WORK_FRAME = '{"type":"work"}';

/** A burst of changes (a run starting 1,000 ready tasks) is one frame. */
const COALESCE_MS = 20;
/** How often a quiet socket is pinged, so a worker that vanished is let go and a live one sees the link is alive. */
const PING_MS = 15_000;
/** Frames left unread past this: the worker is not reading; it gets no more until it does (it polls anyway). */
const MAX_BUFFERED = 64 * 1024;

/** The events that may make a task takeable. */
const MAY_OFFER = ['task.updated', 'run.updated', 'agent.updated'] as const satisfies readonly EventName[];

/** Whether a batch may have made a task takeable: a task became ready, a run or an agent changed. */
function mayOffer(batch: EventBatch): boolean {
  return batch.some(
    (e) =>
      (e.name === 'task.updated' && e.payload.status === 'ready') ||
      e.name === 'run.updated' ||
      e.name === 'agent.updated',
  );
}

/**
 * Remote workers' "work available" signal: a WebSocket over which the server tells
 * each connected worker, as soon as a task may be takeable, to look (`GET …/next-task`). It
 * carries no task and takes nothing: a worker that misses a frame finds the work at its next
 * look, and one that cannot connect long-polls as before. The host authenticates the upgrade
 * (the UI token or a worker token, as `Authorization: Bearer`) before handing it here.
 */
export function createWorkerSocket(bus: EventBus) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const sockets = new Set<WebSocket>();
  let pending: NodeJS.Timeout | null = null;
  const signalling = new BackgroundWork('signalling work to workers');
  const pinging = new BackgroundWork("pinging workers' sockets");
  const signal = () => {
    pending = null;
    for (const ws of sockets) if (ws.bufferedAmount < MAX_BUFFERED) ws.send(WORK_FRAME, () => {});
  };
  // The bus is listened to only while a worker is connected, for the events that may offer work.
  let unsubscribe: (() => void) | null = null;
  const heard = (batch: EventBatch) => {
    if (sockets.size === 0 || pending || !mayOffer(batch)) return;
    pending = signalling.after(COALESCE_MS, signal);
  };
  /** Sockets that answered the last ping (or connected since). */
  const answered = new WeakSet<WebSocket>();
  const pinger = pinging.every(PING_MS, () => {
    for (const ws of sockets) {
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      // A socket closing (its 'close' not yet heard) cannot be pinged: it is gone by the next round.
      if (ws.readyState === ws.OPEN) ws.ping();
    }
  });
  return {
    /** Takes an upgrade the host has authenticated. */
    accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        unsubscribe ??= bus.subscribe(heard, MAY_OFFER);
        answered.add(ws);
        ws.on('pong', () => answered.add(ws));
        // A broken socket closes itself; without a listener its 'error' would end the host.
        ws.on('error', () => {});
        ws.on('close', () => {
          sockets.delete(ws);
          if (sockets.size > 0) return;
          unsubscribe?.();
          unsubscribe = null;
        });
        // Whatever came before the worker connected: it looks once at once.
        ws.send(WORK_FRAME, () => {});
      });
    },
    close(): void {
      unsubscribe?.();
      unsubscribe = null;
      clearInterval(pinger);
      if (pending) clearTimeout(pending);
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
export type WorkerSocket = ReturnType<typeof createWorkerSocket>;
