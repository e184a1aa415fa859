import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { LOCAL_CALL } from '../../../src-shared/contract/caller.ts';
import { TERMINAL_SOCKET_PATH } from '../../../src-shared/contract/domains/terminals.ts';
import { SOCKET_PROTOCOL } from '../../../src-shared/contract/socket-auth.ts';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import { roleAtLeast } from '../../../src-shared/schemas/plain/people.ts';
import type { AttemptIdentity, AttemptLinks } from '../../agents/coding/index.ts';
import type { Terminals } from '../../agents/coding/terminal/index.ts';
import type { AgentCallbacks } from '../../agents/index.ts';
import { CALLBACK_PATH } from '../../agents/index.ts';
import type { Dispatch } from '../../app/dispatch.ts';
import type { EventBus } from '../../events/event-bus.ts';
import { authenticate, bearer, sameOrigin, tokenPresented } from '../../http/auth.ts';
import { createEdgeServer, logUnexpected, refuseSocket } from '../../http/edge.ts';
import type { HostRule } from '../../http/host-names.ts';
import { allowedHostNames, callbackHostName, hostName } from '../../http/host-names.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import type { BodyResult } from '../../http/respond.ts';
import { baseUrl, HTTP_STATUS, readJsonBody, refuseBody, sendJson } from '../../http/respond.ts';
import { newToken } from '../../http/security.ts';
import type { People, Principal } from '../../people/index.ts';
import { AUTH_PATH, asPrincipal, createAuthRoutes, LOCAL } from '../../people/index.ts';
import { SLACK_PATH, TRIGGER_PATH } from '../../reach/index.ts';
import { createAgentCallbackRoute } from '../rest/agent-callbacks.ts';
import { authGate } from './auth-gate.ts';
import { LARGE_INPUT_METHODS, MAX_BODY, MAX_CALL_BYTES } from './body-limits.ts';
import type { Backpressure } from './broadcast.ts';
import { createBroadcast, DEFAULT_BACKPRESSURE } from './broadcast.ts';
import type { Proven } from './callers.ts';
import { createCallers, refuseCaller } from './callers.ts';
import { quietWarm } from './quiet-warm.ts';
import { refuseHost, refuseRevoked, refuseUnauthorized, WORKER_TOKEN_SCOPE } from './refusals.ts';
import { answerCall } from './socket-calls.ts';
import { socketServer } from './socket-server.ts';
import { createStaticFiles } from './static-files.ts';
import { serveTerminal } from './terminal-socket.ts';
import type { WorkerCaller, WorkerTokenCheck } from './worker-callers.ts';
import { claimsOverSocket, workerCaller, workerUpgrade } from './worker-callers.ts';
import type { WorkerPresence } from './worker-socket.ts';
import { createWorkerSocket, WORKER_SOCKET_PATH } from './worker-socket.ts';

/** What a route of the REST API is given besides the request and the response. */
export interface RouteContext {
  target: RequestTarget;
  /** The body as a JSON object (`{}` when empty), or why it is not one. */
  body: () => Promise<BodyResult>;
  /** Who asks: the UI token's holder or a person, or a remote worker with a worker token (the worker API only). */
  caller: Caller;
  /** Who asks, proven: the machine's owner (the launch token), a person (session, token), a worker. */
  principal: Principal;
  /** With a worker token: which token, and the worker it may act as (`bind`). */
  worker?: WorkerCaller;
}

/** Who a request with a valid token comes from. */
export type Caller = 'ui' | 'worker';

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
  /** Host names to accept besides loopback (and, bound beyond loopback, this machine's own). */
  allowedHosts?: string[];
  /** Extra HTTP routes (the REST API) under /api/, after the token check; false to pass. */
  routes?: (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => Promise<boolean> | boolean;
  /**
   * Serve http agents' callbacks (`POST /api/agent-callbacks/:id`, authenticated by each
   * attempt's own token, not the UI token) and tell the executor where they are.
   */
  agentCallbacks?: AgentCallbacks;
  /** Where agents reach this host for callbacks when not at its own URL (a proxy, a tunnel). */
  callbackUrl?: string;
  /** `POST /api/triggers/<id>` (src-main/reach/triggers/route.ts): each trigger's own secret, never the UI token. */
  triggers?: (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;
  /** `POST /api/forge/<kind>/<workspace>` (src-main/forges/<kind>/webhook.ts): a forge's webhooks, signed with the workspace's webhook secret. */
  forgeHooks?: (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;
  /** `POST /api/slack/interactions` (src-main/reach/slack/): clicks in Slack, each signed by Slack with the app's signing secret. */
  slack?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** An approval as the inbox shows it, for a one-time link opened at `/auth/link` (people/links.ts). */
  approval?: (id: string) => ApprovalView | null;
  /** How much a WebSocket client may leave unread (broadcast.ts); tests lower it. */
  backpressure?: Partial<Backpressure>;
  /** Most time a client has for a whole request (edge.ts); tests lower it. */
  requestTimeoutMs?: number;
  /**
   * Baton's MCP server at `/mcp` (src-main/mcp/http.ts), behind the same Host, token and Origin
   * checks as the API; without it `/mcp` is not served.
   */
  mcp?: {
    handle(req: IncomingMessage, res: ServerResponse, attempt?: AttemptIdentity | null): Promise<void>;
    close(): Promise<void>;
  };
  /**
   * Coding CLIs' links to `/mcp` (src-main/agents/coding/attempt/attempt-links.ts): a link's
   * token opens `/mcp` only, speaking for its attempt. The host tells it where `/mcp` is served.
   */
  mcpLinks?: AttemptLinks;
  /** Worker tokens (worker-callers.ts): the worker API's routes and the workers' socket, not the rest. */
  workerTokens?: WorkerTokenCheck;
  /**
   * Serve remote workers' "work available" WebSocket (worker-socket.ts) at WORKER_SOCKET_PATH,
   * opened by the UI token or a worker token as `Authorization: Bearer`, never from a browser
   * page; over the workers' side (`Workers.presence`): who waits for work, who left.
   */
  workerSignal?: WorkerPresence;
  /**
   * People (src-main/people/): sign-in at `/auth/`, and a session cookie or a personal access token
   * opening the API and the UI's socket as that person, within their role. Without it only the
   * launch token (the machine's owner) is admitted.
   */
  people?: People;
  /**
   * Where people reach this Baton from elsewhere (`https://baton.example.com`, through their own
   * reverse proxy or tunnel to this loopback host): its host name is answered to, its origin
   * accepted, and with https the session cookie is Secure and `__Host-`.
   */
  publicUrl?: string;
  /**
   * Terminals people open in coding tasks' worktrees (src-main/agents/coding/terminal/): their
   * sockets at `/terminal/<id>`, opened with the same proof as `/ws`.
   */
  terminals?: Terminals;
}

export interface BrowserHost {
  url: string;
  /** The URL with `?token=`, for the first page load. */
  openUrl: string;
  token: string;
  port: number;
  /** Every Host name it answers to. */
  allowedHosts: string[];
  close(): Promise<void>;
}

/**
 * Browser mode: the built renderer and the same contract over WebSocket, protected like
 * Jupyter: a random token per launch (Bearer for HTTP, a subprotocol for the WebSocket, never a
 * cookie), a Host allow-list, an Origin check, no CORS. The UI's static files hold no data and
 * are served without the token (the page asks for it, see src-renderer/src/api/access.ts).
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? newToken();
  const bindHost = opts.host ?? '127.0.0.1';
  const publicUrl = opts.publicUrl ? new URL(opts.publicUrl) : null;
  const publicHost = publicUrl ? hostName(publicUrl.host) : undefined;
  const allowed = allowedHostNames(bindHost, [
    ...(opts.allowedHosts ?? []),
    ...(publicHost ? [publicHost] : []),
  ]);
  const publicOrigins = publicUrl ? [publicUrl.origin] : [];
  const cookieRule = { secure: publicUrl?.protocol === 'https:' };
  const callers = opts.people ? createCallers(opts.people, cookieRule, publicOrigins) : null;
  /** A browser's Origin, when it sends one, is this host's own or the public URL's. */
  const originAllowed = (req: IncomingMessage): boolean =>
    req.headers.origin === undefined || sameOrigin(req) || publicOrigins.includes(req.headers.origin);
  const auth =
    opts.people && callers
      ? authGate(createAuthRoutes(opts.people, cookieRule, opts.approval), callers, {
          token,
          publicUrl,
          originAllowed,
        })
      : null;
  // Checked at the edge, before any route. Agents and other programs may reach Baton through a
  // proxy or tunnel by the callback URL's name: that name opens their routes only (each with its
  // own secret), never the UI, the API or /mcp.
  const hosts: HostRule = {
    names: allowed,
    publicNames: callbackHostName(opts.callbackUrl).filter((n) => !allowed.includes(n)),
    publicPaths: [CALLBACK_PATH, TRIGGER_PATH, SLACK_PATH],
  };
  const serveStatic = createStaticFiles(opts.rendererDir);
  const sockets = quietWarm(() => {
    wss.warm();
    workerSocket?.warm();
  });
  const callbackRoute = opts.agentCallbacks ? createAgentCallbackRoute(opts.agentCallbacks) : null;
  const broadcast = createBroadcast(opts.bus, { ...DEFAULT_BACKPRESSURE, ...opts.backpressure });
  const workerSocket = opts.workerSignal
    ? createWorkerSocket(
        opts.bus,
        opts.workerSignal,
        claimsOverSocket(token, opts.workerTokens, opts.dispatch),
      )
    : null;

  async function request(req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> {
    if (!sockets.warmed) res.once('finish', sockets.settle);
    // The edge checked the Host name first (`hosts`). Agents' callbacks: their own per-attempt
    // token, and nothing else under this path.
    if (target.path.startsWith(CALLBACK_PATH)) {
      if (!callbackRoute)
        return sendJson(res, 404, { error: { code: 'not_found', message: 'no callbacks here' } });
      return callbackRoute(req, res, target);
    }
    // Triggers: the same, with each trigger's own secret (other programs call them).
    if (opts.triggers && target.path.startsWith(TRIGGER_PATH)) return opts.triggers(req, res, target);
    // A forge's webhooks: the same, each signed with its workspace's webhook secret.
    if (opts.forgeHooks && target.path.startsWith('/api/forge/')) return opts.forgeHooks(req, res, target);
    // Slack's clicks: the same, each signed by Slack with the app's signing secret.
    if (opts.slack && target.path === SLACK_PATH) return opts.slack(req, res);
    if (auth && target.path.startsWith(AUTH_PATH)) return auth(req, res, target);
    if (target.path === '/api' || target.path.startsWith('/api/')) return api(req, res, target);
    if (target.path === '/mcp' && opts.mcp) {
      // A coding CLI's attempt link: /mcp for its attempt, without the launch token.
      const attempt = opts.mcpLinks?.attemptOf(bearer(req)) ?? null;
      if (attempt) {
        if (!originAllowed(req))
          return sendJson(res, 403, { error: { code: 'forbidden', message: 'Origin not allowed' } });
        const mcp = opts.mcp;
        return asPrincipal({ kind: 'attempt' }, () => mcp.handle(req, res, attempt));
      }
      const who = admitted(req, res);
      if (who?.caller === 'worker') return forbidden(res);
      const mcp = opts.mcp;
      return who ? asPrincipal(who.principal, () => mcp.handle(req, res)) : undefined;
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
    await serveStatic(req, res, target);
  }

  /**
   * The API's and /mcp's checks: this launch's token (or a worker token: see `workerTokens`), and
   * an Origin that is Baton's own if any. Null: refused (answered here).
   */
  function admitted(
    req: IncomingMessage,
    res: ServerResponse,
  ): { caller: Caller; worker?: WorkerCaller; principal: Principal } | null {
    let caller: Caller = 'ui';
    let worker: WorkerCaller | undefined;
    let principal: Principal = LOCAL;
    const person = authenticate(req, token) ? null : (callers?.person(req, 'csrf') ?? null);
    if (person !== null) {
      if (!('principal' in person)) {
        refuseCaller(res, person);
        return null;
      }
      principal = person.principal;
    } else if (!authenticate(req, token)) {
      const verdict = opts.workerTokens?.verify(bearer(req)) ?? null;
      if (verdict?.kind === 'revoked') {
        refuseRevoked(res, verdict);
        return null;
      }
      if (verdict === null) {
        refuseUnauthorized(res, tokenPresented(req) ? 'session_ended' : 'no_token');
        return null;
      }
      caller = 'worker';
      worker = workerCaller(verdict, opts.workerTokens);
      principal = { kind: 'worker', name: verdict.name };
    }
    if (!originAllowed(req)) {
      sendJson(res, 403, { error: { code: 'forbidden', message: 'Origin not allowed' } });
      return null;
    }
    return worker ? { caller, worker, principal } : { caller, principal };
  }

  function forbidden(res: ServerResponse): void {
    sendJson(res, 403, { error: { code: 'forbidden', message: WORKER_TOKEN_SCOPE } });
  }

  async function api(req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> {
    const who = admitted(req, res);
    if (!who) return;
    await asPrincipal(who.principal, () => apiAs(req, res, target, who));
  }

  async function apiAs(
    req: IncomingMessage,
    res: ServerResponse,
    target: RequestTarget,
    who: { caller: Caller; worker?: WorkerCaller; principal: Principal },
  ): Promise<void> {
    const { caller, principal } = who;
    const body = () => readJsonBody(req, MAX_BODY, { object: true });
    // A worker token opens the worker API's routes only (the REST router knows which they are).
    if (caller === 'worker') {
      if (opts.routes && (await opts.routes(req, res, { target, body, ...who }))) return;
      return forbidden(res);
    }
    const [, , first, method, ...rest] = target.segments;
    if (req.method === 'POST' && first === 'rpc' && method !== undefined && rest.length === 0) {
      // Only a call carrying a whole plan may be large (body-limits.ts).
      const max = LARGE_INPUT_METHODS.has(method) ? MAX_BODY : MAX_CALL_BYTES;
      const input = await readJsonBody(req, max, { object: true });
      if (!input.ok) return refuseBody(res, input);
      // Who calls, when the client says (`Baton-Actor`), as the page's socket calls say it.
      const actor = req.headers['baton-actor'];
      const result = await opts.dispatch(
        method,
        input.value,
        typeof actor === 'string' ? { actor } : undefined,
      );
      return sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
    }
    if (req.method === 'GET' && target.path === '/api/health') {
      return sendJson(res, 200, { ok: true, name: 'baton' });
    }
    if (opts.routes && (await opts.routes(req, res, { target, body, caller, principal }))) return;
    sendJson(res, 404, { error: { code: 'not_found', message: `no route ${req.method} ${target.path}` } });
  }

  const wss = socketServer({
    noServer: true,
    maxPayload: MAX_BODY,
    // The page offers `baton` and its token (socket-auth.ts): the answer names only `baton`.
    handleProtocols: (offered) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: RequestTarget): void {
    if (workerSocket && target.path === WORKER_SOCKET_PATH) {
      workerUpgrade(req, socket, head, target, workerSocket, token, opts.workerTokens);
      return;
    }
    const terminalId =
      opts.terminals && target.path.startsWith(TERMINAL_SOCKET_PATH)
        ? target.path.slice(TERMINAL_SOCKET_PATH.length)
        : null;
    const socketPath =
      target.path === '/ws' || (terminalId !== null && /^[A-Za-z0-9_-]{1,64}$/.test(terminalId));
    // A person's socket: their session cookie (from a page of this Baton) or personal token.
    const person =
      socketPath && !authenticate(req, token, true) ? (callers?.person(req, 'origin') ?? null) : null;
    if (person !== null) {
      if (!('principal' in person)) refuseSocket(socket, person.status, person.message);
      else if (!originAllowed(req)) refuseSocket(socket, 403);
      else wss.upgrade(req, socket, head, (ws) => opened(ws, person, terminalId, target));
      return;
    }
    const refused = !socketPath
      ? 404
      : !authenticate(req, token, true)
        ? 401
        : !originAllowed(req)
          ? 403
          : null;
    if (refused === 401 && opts.workerTokens?.verify(bearer(req))?.kind === 'worker') {
      refuseSocket(socket, 403, WORKER_TOKEN_SCOPE);
      return;
    }
    if (refused !== null) {
      refuseSocket(socket, refused);
      return;
    }
    wss.upgrade(req, socket, head, (ws) =>
      opened(ws, { principal: LOCAL, recheck: null }, terminalId, target),
    );
  }

  function opened(ws: WebSocket, proven: Proven, terminalId: string | null, target: RequestTarget): void {
    if (terminalId !== null && opts.terminals) {
      callers?.track(ws, proven);
      ws.on('error', () => {});
      const people = opts.people;
      const call = () => {
        const principal = callers ? callers.now(ws, proven.principal) : proven.principal;
        if (principal === null) return null;
        return people ? people.callOf(principal) : LOCAL_CALL;
      };
      // Nothing a socket does may end the process: an unexpected failure is logged, the socket dropped.
      serveTerminal(opts.terminals, ws, terminalId, target.query, call).catch((err: unknown) => {
        logUnexpected('browser host: terminal socket', err);
        ws.terminate();
      });
      return;
    }
    broadcast.add(ws, () => {
      const principal = callers ? callers.now(ws, proven.principal) : proven.principal;
      if (principal === null) return null;
      return roleAtLeast(opts.people ? opts.people.callOf(principal).role : 'owner', 'admin');
    });
    callers?.track(ws, proven);
    // A malformed frame or a broken socket: `ws` closes that socket itself (with a status
    // code when it can); without a listener the 'error' would end the host.
    ws.on('error', () => {});
    ws.on('message', (data) => {
      // Proven again at each call: a session signed out, a person removed, is refused at once.
      const principal = callers ? callers.now(ws, proven.principal) : proven.principal;
      if (principal) asPrincipal(principal, () => answerCall(ws, data, opts.dispatch, broadcast));
    });
  }

  const server = createEdgeServer({
    name: 'browser host',
    hosts,
    refuseHost,
    unreadable: serveStatic.unreadable,
    request,
    upgrade,
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
  let port = opts.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  sockets.start();
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  const url = baseUrl(shownHost, port);
  opts.agentCallbacks?.serveAt(opts.callbackUrl ?? url);
  // Coding CLIs run on this machine: they reach /mcp at this host's own loopback URL.
  if (opts.mcp) opts.mcpLinks?.serveAt(new URL('/mcp', url).href);
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
    allowedHosts: allowed,
    async close() {
      sockets.stop();
      opts.agentCallbacks?.serveAt(null);
      opts.mcpLinks?.serveAt(null);
      await opts.mcp?.close();
      broadcast.close();
      callers?.close();
      workerSocket?.close();
      // Its sockets ended (a terminal's ends its shell): the HTTP server waits for every one.
      await wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Only while it is still this host's: another host may have taken the data directory
      // over since (with the same kept token), and later commands go through that one.
      if (infoFile && existsSync(infoFile)) {
        try {
          const info = JSON.parse(readFileSync(infoFile, 'utf8')) as {
            token?: string;
            url?: string;
            pid?: number;
          };
          if (info.token === token && info.url === url && info.pid === process.pid) rmSync(infoFile);
        } catch {
          // a broken server.json is not ours to keep
        }
      }
    },
  };
}
