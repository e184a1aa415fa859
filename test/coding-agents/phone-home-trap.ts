import { createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A proxy that forwards nothing: a CLI given it as HTTP(S)_PROXY sends every request for a host
 * other than 127.0.0.1 here, where it is recorded and refused. A test asserts the record is empty,
 * so a CLI that starts phoning home (telemetry, update checks, model lists) fails the test instead
 * of hanging or passing unseen. A plain-HTTP request for 127.0.0.1 or localhost that still
 * comes here (Gemini CLI sends its model calls through HTTPS_PROXY whatever NO_PROXY says) is
 * forwarded to it, not recorded.
 */
export async function startPhoneHomeTrap() {
  const attempts: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const target = localTarget(req.url);
    if (target) {
      const out = request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
      return;
    }
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

/** The URL of a proxied request for this machine's loopback (`http://127.0.0.1:…/…`), else null. */
function localTarget(url: string | undefined): URL | null {
  if (!url?.startsWith('http://')) return null;
  const u = new URL(url);
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost' ? u : null;
}
