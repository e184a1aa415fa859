import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: Record<string, string>;
  body: string;
  /** What the receiver's own Standard Webhooks check said: the parsed body, or why not. */
  verified: { ok: true; body: unknown } | { ok: false; error: string };
}

/**
 * A webhook receiver on 127.0.0.1 that checks every signature with the Standard Webhooks
 * library (as a receiver would) and answers the statuses it is told, in order (then 200).
 */
export async function startReceiver(secret: string, statuses: number[] = []) {
  const verifier = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
  const received: Received[] = [];
  const answers = [...statuses];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      let verified: Received['verified'];
      try {
        verified = { ok: true, body: verifier.verify(body, headers) };
      } catch (err) {
        verified = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      received.push({ headers, body, verified });
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
