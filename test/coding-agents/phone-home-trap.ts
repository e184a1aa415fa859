import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A proxy that forwards nothing: a CLI given it as HTTP(S)_PROXY sends every request for a host
 * other than 127.0.0.1 here, where it is recorded and refused. A test asserts the record is empty,
 * so a CLI that starts phoning home (telemetry, update checks, model lists) fails the test instead
 * of hanging or passing unseen.
 */
export async function startPhoneHomeTrap() {
  const attempts: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('offline test: no network\n');
  });
  server.on('connect', (req, socket: Socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    attempts,
    /** The environment that sends a CLI's outside traffic here and its model traffic direct. */
    env: {
      HTTP_PROXY: url,
      HTTPS_PROXY: url,
      ALL_PROXY: url,
      http_proxy: url,
      https_proxy: url,
      all_proxy: url,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
