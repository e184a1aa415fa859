import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { WireResult } from '../../../src-shared/contract/errors.ts';
import type { Dispatch } from '../../app/dispatch.ts';
import type { EventBus } from '../../app/event-bus.ts';
import type { AgentCallbacks } from '../../engine/executors/http-callbacks.ts';
import { CALLBACK_PATH } from '../../engine/executors/http-callbacks.ts';
import { createAgentCallbackRoute } from '../rest/agent-callbacks.ts';
import { HTTP_STATUS } from '../rest/router.ts';
import type { Unauthorized } from './refusals.ts';
import { refuseHost, refuseUnauthorized } from './refusals.ts';
import { answerInternalError, baseUrl, readJson, sendJson } from './respond.ts';
import {
  authenticate,
  bearer,
  cookieName,
  hostAllowed,
  newToken,
  readCookie,
  tokensEqual,
} from './security.ts';
import { createStaticFiles } from './static-files.ts';

export interface BrowserHostOptions {
  dispatch: Dispatch;
  bus: EventBus;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Where server.json (with the token, mode 0600) is written; omit to skip. */
  dataDir?: string;
  port?: number;
  /** 127.0.0.1 unless the user asked otherwise. */
  host?: string;
  token?: string;
  /** Extra Host names to accept (only when bound beyond loopback). */
  allowedHosts?: string[];
  /** Extra HTTP routes (the seeds' REST API) tried before static files; return false to pass. */
  routes?: (
    req: IncomingMessage,
    res: ServerResponse,
    body: () => Promise<unknown>,
  ) => Promise<boolean> | boolean;
  /**
   * Serve http agents' callbacks (`POST /api/agent-callbacks/:id`, authenticated by each
   * attempt's own token, not the UI token) and tell the executor where they are.
   */
  agentCallbacks?: AgentCallbacks;
  /** Where agents reach this host for callbacks when not at its own URL (a proxy, a tunnel). */
  callbackUrl?: string;
}

export interface BrowserHost {
  url: string;
  /** The URL with `?token=`, for the first page load. */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

interface RpcMessage {
  id: number | string;
  method: string;
  input?: unknown;
}

/**
 * Browser mode: the built renderer and the same contract over WebSocket, on loopback,
 * protected like Jupyter (a random token per launch, Host and Origin checks, no CORS).
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? newToken();
  const bindHost = opts.host ?? '127.0.0.1';
  const extraHosts = opts.allowedHosts ?? [];
  const sockets = new Set<WebSocket>();
  let port = opts.port ?? 0;
  const serveStatic = createStaticFiles(opts.rendererDir);
  const callbackRoute = opts.agentCallbacks ? createAgentCallbackRoute(opts.agentCallbacks) : null;

  const server = createServer((req, res) => {
    // One request's trouble (a write after the answer ended, a broken socket) ends that
    // request, never the host.
    res.on('error', (err) => console.error('browser host: answer failed:', err));
    handle(req, res).catch((err: unknown) => answerInternalError(res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Agents' callbacks: their own per-attempt token, and nothing else under this path. They
    // come before the Host check: that guards the UI's token and cookie, which they never use,
    // and an agent may reach Baton through a proxy by another name (`callbackUrl`).
    if (url.pathname.startsWith(CALLBACK_PATH)) {
      if (!callbackRoute)
        return sendJson(res, 404, { error: { code: 'not_found', message: 'no callbacks here' } });
      return callbackRoute(req, res);
    }
    if (!hostAllowed(req.headers.host, extraHosts)) return refuseHost(req, res, url.pathname);
    // First page load: ?token= becomes a cookie, and the token leaves the address bar.
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && req.method === 'GET') {
      if (!tokensEqual(queryToken, token)) return refuseUnauthorized(req, res, url.pathname, 'bad_link');
      url.searchParams.delete('token');
      res.setHeader(
        'Set-Cookie',
        `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      );
      res.writeHead(302, { Location: url.pathname + url.search });
      return void res.end();
    }
    const auth = authenticate(req, token, port);
    if (!auth) return refuseUnauthorized(req, res, url.pathname, whyUnauthorized(req));
    if (auth === 'cookie' && req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
      return sendJson(res, 403, { error: { code: 'forbidden', message: 'Origin not allowed' } });
    }
    const body = () => readJson(req, MAX_BODY);
    if (req.method === 'POST' && url.pathname.startsWith('/api/rpc/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/rpc/'.length));
      let input: unknown;
      try {
        input = await body();
      } catch (err) {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'invalid_input', message: (err as Error).message },
        });
      }
      const result = await opts.dispatch(method, input);
      return sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
    }
    if (req.method === 'GET' && url.pathname === '/api/health') {
      return sendJson(res, 200, { ok: true, name: 'baton' });
    }
    if (opts.routes && (await opts.routes(req, res, body))) return;
    if (url.pathname.startsWith('/api/')) {
      return sendJson(res, 404, {
        error: { code: 'not_found', message: `no route ${req.method} ${url.pathname}` },
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, {
        error: { code: 'method_not_allowed', message: `${req.method} not allowed` },
      });
    }
    if (!existsSync(join(opts.rendererDir, 'index.html'))) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('The Baton UI is not built. Run `npm run build`, then reload.\n');
    }
    await serveStatic(req, res);
  }

  /** A token was sent but is not this launch's: a tab or client from an earlier `baton serve`. */
  function whyUnauthorized(req: IncomingMessage): Unauthorized {
    return bearer(req) !== undefined || readCookie(req, cookieName(port)) !== undefined
      ? 'session_ended'
      : 'no_token';
  }

  function sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin !== undefined && origin === `http://${req.headers.host}`;
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node's HTTP server drops its socket 'error' handler on upgrade: a reset before `ws`
    // takes the socket (or while refusing it) must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req.headers.host, extraHosts)) return refuse(403, 'Forbidden');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    const auth = authenticate(req, token, port);
    if (!auth) return refuse(401, 'Unauthorized');
    // A browser always sends Origin: it must be this host's own. Clients with a bearer
    // token (not browsers) may omit it.
    const origin = req.headers.origin;
    if (origin !== undefined ? !sameOrigin(req) : auth !== 'bearer') return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function onConnection(ws: WebSocket): void {
    sockets.add(ws);
    const off = opts.bus.subscribe((batch) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ events: batch }));
    });
    ws.on('close', () => {
      off();
      sockets.delete(ws);
    });
    // A malformed frame or a broken socket: `ws` closes that socket itself (with a status code
    // when it can); without a listener the 'error' would end the host.
    ws.on('error', () => {});
    ws.on('message', async (data) => {
      let msg: RpcMessage;
      try {
        msg = JSON.parse(String(data)) as RpcMessage;
        if (typeof msg !== 'object' || msg === null || typeof msg.method !== 'string') throw new Error();
      } catch {
        const error = { code: 'invalid_input', message: 'message must be JSON {id, method, input}' };
        return ws.send(JSON.stringify({ id: null, result: { ok: false, error } }));
      }
      const result: WireResult = await opts.dispatch(msg.method, msg.input).catch((err: unknown) => {
        console.error(err);
        return { ok: false, error: { code: 'internal', message: 'internal error' } } as const;
      });
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, result }));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  const url = baseUrl(shownHost, port);
  opts.agentCallbacks?.serveAt(opts.callbackUrl ?? url);
  const infoFile = opts.dataDir ? join(opts.dataDir, 'server.json') : undefined;
  if (infoFile) {
    writeFileSync(infoFile, `${JSON.stringify({ url, port, token, pid: process.pid }, null, 2)}\n`, {
      mode: 0o600,
    });
    chmodSync(infoFile, 0o600);
  }

  return {
    url,
    openUrl: `${url}?token=${token}`,
    token,
    port,
    async close() {
      opts.agentCallbacks?.serveAt(null);
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (infoFile && existsSync(infoFile)) {
        try {
          if ((JSON.parse(readFileSync(infoFile, 'utf8')) as { token?: string }).token === token)
            rmSync(infoFile);
        } catch {
          // a broken server.json is not ours to keep
        }
      }
    },
  };
}
