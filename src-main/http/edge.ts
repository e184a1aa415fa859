import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { logToStderr } from '../base/log-line.ts';
import type { HostRule } from './host-names.ts';
import { hostAllowed } from './host-names.ts';
import type { RequestTarget } from './request-target.ts';
import { parseTarget } from './request-target.ts';
import { sendJson } from './respond.ts';

// Not `import … from 'node:http'`: Node builds that module's ESM face with every export, and its
// WebSocket getter loads undici (fetch's engine), a tenth of `baton serve`'s start for nothing here.
const { createServer } = process.getBuiltinModule('node:http');

/**
 * The edge of Baton's HTTP servers (the browser host, the desktop app's callback host): the
 * one place a request, a WebSocket upgrade or a WebSocket message enters, and the one guard
 * around each. Whatever a handler throws, synchronously or not, is one log line and a 500
 * without a stack (or the socket closed): no request, header, path or frame ends the process.
 * The Host allow-list (DNS rebinding) is checked here first, for every request and upgrade,
 * before any route, those with their own secrets too (agents' callbacks, triggers, /mcp): a
 * name the server does not answer to gets 403 and reaches no handler. The target is parsed here,
 * by code that cannot throw, before any handler sees it.
 */

/** Most time a client has for its request line and headers. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Most time a client has for its whole request, body included (then 408). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface EdgeHandlers {
  /** What the log lines call this server ("browser host"). */
  name: string;
  /** The Host names it answers to (host-names.ts), checked before anything else. */
  hosts: HostRule;
  /**
   * Answers a request by a Host name it does not answer to (`target`: null when unreadable);
   * JSON 403 when absent. Must answer 403.
   */
  refuseHost?(req: IncomingMessage, res: ServerResponse, target: RequestTarget | null): void;
  /**
   * Answers a request whose target cannot be read (`message` says why: a path segment that is
   * not valid percent-encoding; `path`: the target as sent, up to its query); JSON 400 when
   * absent. Must answer 4xx.
   */
  unreadable?(req: IncomingMessage, res: ServerResponse, message: string, path: string): void | Promise<void>;
  request(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void | Promise<void>;
  /** WebSocket upgrades; without it, every upgrade is refused with 404. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, target: RequestTarget): void | Promise<void>;
  /** Overrides REQUEST_TIMEOUT_MS (tests). */
  requestTimeoutMs?: number;
}

/** An HTTP server whose every entry point is guarded and whose requests cannot be held open. */
export function createEdgeServer(handlers: EdgeHandlers): Server {
  const requestTimeout = handlers.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
      // Node looks for requests past their time at this interval (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, requestTimeout / 4)),
    },
    (req, res) => {
      // One request's trouble (a write after the answer ended, a reset socket) ends that
      // request, never the server.
      res.on('error', (err) => {
        if (!clientGone(err)) logUnexpected(`${handlers.name}: answer`, err);
      });
      const parsed = parseTarget(req.url);
      if (!hostAllowed(handlers.hosts, req.headers.host, parsed.ok ? parsed.target.path : null)) {
        const refuse = handlers.refuseHost ?? refuseHostJson;
        return guard(
          `${handlers.name}: refusing Host`,
          () => refuse(req, res, parsed.ok ? parsed.target : null),
          () => answerUnexpected(res),
        );
      }
      if (!parsed.ok) {
        const { unreadable } = handlers;
        if (!unreadable) return refuseUnreadable(res, parsed.message);
        return guard(
          `${handlers.name}: unreadable target`,
          () => unreadable(req, res, parsed.message, (req.url ?? '').split('?')[0]!),
          () => answerUnexpected(res),
        );
      }
      guard(
        `${handlers.name}: ${req.method} ${parsed.target.path}`,
        () => handlers.request(req, res, parsed.target),
        () => answerUnexpected(res),
      );
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node's server drops its socket 'error' handler on upgrade: a reset before `ws` takes
    // the socket (or while refusing it) must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const parsed = parseTarget(req.url);
    if (!hostAllowed(handlers.hosts, req.headers.host, parsed.ok ? parsed.target.path : null))
      return refuseSocket(socket, 403, HOST_REFUSED);
    if (!parsed.ok) return refuseSocket(socket, 400, parsed.message);
    const upgrade = handlers.upgrade;
    if (!upgrade) return refuseSocket(socket, 404);
    guard(
      `${handlers.name}: upgrade ${parsed.target.path}`,
      () => upgrade(req, socket, head, parsed.target),
      () => refuseSocket(socket, 500),
    );
  });
  return server;
}

/**
 * Runs `fn`; a throw or a rejection is logged as one line (`where` and the error) and handed
 * to `onUnexpected`, which must not throw either. The guard of every entry point. `where` may
 * be a function, for what is known only once `fn` has begun (the method a socket message calls).
 */
export function guard(
  where: string | (() => string),
  fn: () => void | Promise<void>,
  onUnexpected: () => void,
): void {
  const fail = (err: unknown) => {
    const at = typeof where === 'string' ? where : where();
    if (!clientGone(err)) logUnexpected(at, err);
    try {
      onUnexpected();
    } catch (again) {
      logUnexpected(`${at} (answering the error)`, again);
    }
  };
  try {
    const done = fn();
    if (done) done.catch(fail);
  } catch (err) {
    fail(err);
  }
}

/** One line for an unexpected error: where, what, and the frame it came from (no stack). */
export function logUnexpected(where: string, err: unknown): void {
  logToStderr(err, where);
}

/** The client went away (reset, closed mid-body): nothing to answer, nothing to report. */
export function clientGone(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code === 'ERR_STREAM_DESTROYED' ||
    (err instanceof Error && err.message === 'aborted')
  );
}

/** Why a request by a Host name the server does not answer to is refused. */
export const HOST_REFUSED = 'Host header not allowed';

function refuseHostJson(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 403, { error: { code: 'forbidden', message: HOST_REFUSED } });
}

/** The 500 of an unexpected error: a fixed message, never the error's text or stack. */
export function answerUnexpected(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
}

const REASONS = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
} satisfies Record<number, string>;

/** Refuses an upgrade on its raw socket: a status line, an optional one-line reason, closed. */
export function refuseSocket(socket: Duplex, status: keyof typeof REASONS, reason = ''): void {
  if (!socket.writable) return void socket.destroy();
  const body = reason ? `${reason}\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The JSON 400 for a request target that cannot be read (`unreadable`'s default). */
export function refuseUnreadable(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: { code: 'invalid_input', message } });
}
