import type WebSocket from 'ws';

/** Resolves once the socket is open; rejects when the host refuses the upgrade (naming its status) or it fails. */
export function socketOpened(ws: WebSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
