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
    close(): void {
      closed = true;
      void server?.then(
        (wss) => wss.close(),
        () => {},
      );
    },
  };
}
