import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { EventBatch, EventName } from '../../../src-shared/contract/events.ts';
import { BackgroundWork } from '../../base/background.ts';
import type { EventBus } from '../../events/event-bus.ts';
import { jsonTooBig } from '../../http/json-limits.ts';
import { socketServer } from './socket-server.ts';

/** Where `baton worker` listens for "work available" (its slow polls are the safety net). */
export const WORKER_SOCKET_PATH = '/api/v1/workers/signal';

/** What the socket sends: there may be a task to take now (claim it). */
export const WORK_FRAME = '{"type":"work"}';

/** How often a quiet socket is pinged, so a worker that vanished is let go and a live one sees the link is alive. */
const PING_MS = 15_000;
/** Frames left unread past this: the worker is not reading; it gets no more until it does (it polls anyway). */
const MAX_BUFFERED = 64 * 1024;
/** Close codes of a worker that said goodbye: normal closure, going away. */
const CLEAN_CLOSE = new Set([1000, 1001]);
/** Most a worker's message may hold: what a claim's HTTP body may (results without files). */
const MAX_MESSAGE = 64 * 1024 * 1024;

/**
 * What a claim over the socket answers: the claim's answer, or its error with the HTTP status the
 * same claim over HTTP would have had. Sent back with the message's `id`.
 */
export type SocketAnswer =
  | { ok: true; value: unknown }
  | { ok: false; status: number; error: { code: string; message: string } };

/**
 * A claim a worker sent over its socket (`{ "id": n, "claim": { slots, results } }`): made as
 * `POST /api/v1/workers/<id>/claim` would be, for the worker the socket was opened for, its
 * token checked again first (it may have been revoked since). The host makes it.
 */
export type SocketClaim = (
  workerId: string,
  presented: string | undefined,
  claim: unknown,
) => Promise<SocketAnswer>;

/** What the socket asks of the workers' side (the workers wing, over the engine's claims and leases). */
export interface WorkerPresence {
  /** Whether to wake the worker: it waits for work (its last claim found less than it had room for) and could take a task now. */
  waiting(workerId: string): boolean;
  /** The worker closed its socket cleanly (it stopped): what it still holds is queued again at once. */
  left(workerId: string): void;
}

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
 * Remote workers' "work available" signal: a WebSocket over which the server tells each
 * connected worker that waits for work and could take a queued task, in the batch of events that
 * made it takeable (no delay: the bus already sends one batch per turn of the event loop), to
 * claim; and over which a worker that named itself makes its claims (`SocketClaim`: no HTTP
 * request, routing and authentication per exchange), each answered with its id. It carries no task
 * and takes nothing: a worker that misses a frame finds the work at its next look, and one that
 * cannot connect long-polls as before. A worker names itself (`?worker=<id>`, checked against its
 * token by the host): then only it is woken, and only while it waits for work; and when it closes
 * the socket cleanly (it stopped), the tasks it still holds are queued again at once instead of
 * when their leases lapse. A socket that names no worker (an older worker) is told of every change.
 */
export function createWorkerSocket(bus: EventBus, presence: WorkerPresence, claim: SocketClaim) {
  const wss = socketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  /** Each socket and the worker it named (null: none). */
  const sockets = new Map<WebSocket, string | null>();
  const pinging = new BackgroundWork("pinging workers' sockets");
  const leaving = new BackgroundWork('queueing again the tasks of a worker that left');
  const claiming = new BackgroundWork("answering a worker's claim");
  /** A message of the worker's: a claim, answered on the socket with its id. Anything else is let go. */
  const onMessage = (ws: WebSocket, workerId: string, presented: string | undefined, data: RawData) => {
    let msg: unknown;
    const text = String(data);
    // A message that would take the host's thread long to parse is let go unread, as a bad one.
    if (jsonTooBig(text)) return;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg === null || typeof msg !== 'object' || !('id' in msg) || !('claim' in msg)) return;
    const { id } = msg;
    if (typeof id !== 'number') return;
    claiming.run(() =>
      claim(workerId, presented, msg.claim).then((answer) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ...answer }), () => {});
      }),
    );
  };
  // The bus is listened to only while a worker is connected, for the events that may offer work.
  let unsubscribe: (() => void) | null = null;
  const heard = (batch: EventBatch) => {
    if (sockets.size === 0 || !mayOffer(batch)) return;
    for (const [ws, workerId] of sockets)
      if (ws.bufferedAmount < MAX_BUFFERED && (workerId === null || presence.waiting(workerId)))
        ws.send(WORK_FRAME, () => {});
  };
  /** Sockets that answered the last ping (or connected since). */
  const answered = new WeakSet<WebSocket>();
  const pinger = pinging.every(PING_MS, () => {
    for (const ws of sockets.keys()) {
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
    /** Loads `ws` now (the host does a turn after it listens), not at the first worker's upgrade. */
    warm(): void {
      wss.warm();
    },
    /**
     * Takes an upgrade the host has authenticated, for the worker it named (and may act as), or
     * none; `presented`: the token it came with (each claim checks it again).
     */
    accept(
      req: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      workerId: string | null,
      presented: string | undefined,
    ): void {
      wss.upgrade(req, socket, head, (ws) => {
        sockets.set(ws, workerId);
        if (workerId !== null) ws.on('message', (data) => onMessage(ws, workerId, presented, data));
        unsubscribe ??= bus.subscribe(heard, MAY_OFFER);
        answered.add(ws);
        ws.on('pong', () => answered.add(ws));
        // A broken socket closes itself; without a listener its 'error' would end the host.
        ws.on('error', () => {});
        ws.on('close', (code) => {
          sockets.delete(ws);
          // Said goodbye: it stopped. A socket that broke (1006) waits for the worker's heartbeats.
          if (workerId !== null && CLEAN_CLOSE.has(code)) leaving.run(() => presence.left(workerId));
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
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
    },
  };
}
export type WorkerSocket = ReturnType<typeof createWorkerSocket>;
