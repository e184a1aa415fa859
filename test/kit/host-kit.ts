import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHostOptions } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';

/**
 * The app on a fresh data directory and a browser host for it (serving the UI from that
 * directory unless `options` says otherwise); `stop` ends both and removes the directory.
 */
export async function startOnTempDir(
  options: (dir: string, app: BatonApp) => Partial<BrowserHostOptions> = () => ({}),
) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-host-'));
  const app = createApp({ dataDir: dir, log: () => {} });
  const host = await startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir: dir,
    ...options(dir, app),
  });
  return {
    dir,
    app,
    host,
    async stop() {
      await host.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node:http (which refuses to send malformed paths or headers: see `raw`). */
export function http(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Bytes as written, on their own connection, and the answer: its status (0 when the server
 * closed without one) and everything after the status line. What a hostile client can send.
 */
export function raw(port: number, bytes: string | Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    });
    socket.write(bytes);
  });
}

/** Resolves with 'open' or the HTTP status the upgrade was refused with. */
export function tryUpgrade(
  port: number,
  headers: Record<string, string>,
  opts: { path?: string; protocols?: string[] } = {},
) {
  return new Promise<string | number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? '/ws'}`, opts.protocols ?? [], {
      headers,
    });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve('error'));
  });
}

/** An upgrade request as raw bytes (`raw`), with `extra` header lines. */
export function upgradeRequest(port: number, extra: string[] = [], path = '/ws'): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...extra,
    '',
    '',
  ].join('\r\n');
}

/** A stack trace's frames, as Node prints them: no answer may carry one. */
export const STACK_FRAME = /\bat .*[\w/\\]+\.(ts|js|mjs|cjs):\d+:\d+|node:internal/;
