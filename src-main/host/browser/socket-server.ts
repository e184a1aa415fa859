import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerOptions, WebSocket, WebSocketServer } from 'ws';
import { logUnexpected } from '../../http/edge.ts';

/**
 * `ws`'s WebSocket server, loaded when the host has said where it serves (`warm`, a turn after it
 * listens) or at the first upgrade, whichever comes first: `ws` loads node:https and node:tls,
 * ~30 ms a start need not wait for. An upgrade that comes before it is loaded waits for it, its
 * socket handed over as it came (the pattern `ws` documents for checks made before accepting).
 */
export function socketServer(options: ServerOptions & { noServer: true }) {
  let server: Promise<WebSocketServer> | null = null;
  let closed = false;
  const load = () => {
    server ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer(options));
    return server;
  };
  return {
    warm(): void {
      load().catch((err: unknown) => logUnexpected('browser host: loading ws', err));
    },
    /** Accepts an upgrade the host has checked; `open` gets the socket. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, open: (ws: WebSocket) => void): void {
      load().then(
        (wss) => {
          if (closed || socket.destroyed) return void socket.destroy();
          wss.handleUpgrade(req, socket, head, open);
        },
        () => socket.destroy(),
      );
    },
    /**
     * Takes no more sockets, and ends those open (`ws` leaves them to their clients, and the HTTP
     * server waits for them: a terminal's socket kept `baton serve` and its shell alive): each is
     * told why (1001, going away), and dropped if its client does not answer within `graceMs`.
     */
    async close(graceMs = 1000): Promise<void> {
      closed = true;
      const wss = await server?.catch(() => null);
      if (!wss) return;
      await Promise.all([...wss.clients].map((ws) => goAway(ws, graceMs)));
      wss.close();
    },
  };
}

/** Closes an open socket as its server goes away; resolves once it is closed. */
function goAway(ws: WebSocket, graceMs: number): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const drop = setTimeout(() => ws.terminate(), graceMs);
    ws.once('close', () => {
      clearTimeout(drop);
      resolve();
    });
    if (ws.readyState === ws.OPEN) ws.close(1001, 'Baton is closing');
  });
}
