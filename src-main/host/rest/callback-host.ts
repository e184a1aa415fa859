import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttemptLinks } from '../../agents/coding/index.ts';
import type { AgentCallbacks } from '../../agents/index.ts';
import { CALLBACK_PATH } from '../../agents/index.ts';
import { bearer } from '../../http/auth.ts';
import { createEdgeServer } from '../../http/edge.ts';
import { allowedHostNames, callbackHostName } from '../../http/host-names.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { baseUrl, sendJson } from '../../http/respond.ts';
import type { McpEndpoint } from '../../mcp/http.ts';
import { TRIGGER_PATH } from '../../reach/index.ts';
import { createAgentCallbackRoute } from './agent-callbacks.ts';

type RequestHandler = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;

export interface CallbackHostOptions {
  host?: string;
  port?: number;
  callbackUrl?: string;
  /** `POST /api/triggers/<id>` (src-main/reach/triggers/route.ts). */
  triggers?: RequestHandler;
  /**
   * Baton's MCP server at `/mcp` for coding CLIs' attempt links only
   * (src-main/agents/coding/attempt/attempt-links.ts): the desktop app has no browser host, and a
   * CLI whose tool calls a person approves reaches it here.
   */
  mcp?: { endpoint: McpEndpoint; links: AttemptLinks };
}

export interface CallbackHost {
  /** Where this host listens (what agents are told, unless a callback URL was given). */
  url: string;
  close(): Promise<void>;
}

/**
 * Checks a callback URL given by a person (`--callback-url`, `BATON_CALLBACK_URL`): an http(s)
 * origin, since callbacks go to `<origin>/api/agent-callbacks/…`. Returns it normalised
 * (`https://baton.example.com/`), or throws naming `what`.
 */
export function parseCallbackUrl(raw: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${what} must be a URL like https://baton.example.com/, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${what} must be an http or https URL, got "${raw}"`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password)
    throw new Error(`${what} must be an origin only (callbacks go to ${CALLBACK_PATH}…), got "${raw}"`);
  return url.href;
}

/**
 * A host that serves only what other programs call, each authenticated by its own secret, never
 * a UI token: http agents' callbacks (`POST /api/agent-callbacks/:id`, the attempt's token); when
 * given, triggers (`POST /api/triggers/<id>`, the trigger's secret) and `/mcp` for coding CLIs'
 * attempt links (the link's token). For the desktop app, which talks to its window over IPC and
 * so has no other HTTP server. Everything else is 404. The Host allow-list comes first, as on the
 * browser host: a request by another name is 403 whatever its path. While it runs, the http executor offers
 * callbacks (`callbackUrl` or its own URL); closed, it polls.
 */
export async function startCallbackHost(
  callbacks: AgentCallbacks,
  opts: CallbackHostOptions = {},
): Promise<CallbackHost> {
  const callbackRoute = createAgentCallbackRoute(callbacks);
  const { triggers, mcp } = opts;
  const route: RequestHandler = (req, res, target) => {
    if (triggers && target.path.startsWith(TRIGGER_PATH)) return triggers(req, res, target);
    if (target.path !== '/mcp' || !mcp) return callbackRoute(req, res, target);
    // An attempt link's token and nothing else: this host has no launch token, and no browser comes here.
    const attempt = mcp.links.attemptOf(bearer(req));
    if (!attempt) {
      sendJson(res, 401, { error: { code: 'unauthorized', message: 'an attempt link token is needed' } });
      return Promise.resolve();
    }
    if (req.headers.origin !== undefined) {
      sendJson(res, 403, { error: { code: 'forbidden', message: '/mcp here is not for browsers' } });
      return Promise.resolve();
    }
    return mcp.endpoint.handle(req, res, attempt);
  };
  const host = opts.host ?? '127.0.0.1';
  const names = allowedHostNames(host);
  const server = createEdgeServer({
    name: 'callback host',
    // Loopback (and the bind address) reach everything here; the callback URL's name (a tunnel
    // in front of it) reaches callbacks and triggers only, never /mcp (coding CLIs run here).
    hosts: {
      names,
      publicNames: callbackHostName(opts.callbackUrl).filter((n) => !names.includes(n)),
      publicPaths: [CALLBACK_PATH, TRIGGER_PATH],
    },
    request: route,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = baseUrl(host, port);
  callbacks.serveAt(opts.callbackUrl ?? url);
  // Coding CLIs run on this machine: they reach /mcp at the loopback URL.
  mcp?.links.serveAt(new URL('/mcp', url).href);
  return {
    url,
    async close() {
      callbacks.serveAt(null);
      mcp?.links.serveAt(null);
      await mcp?.endpoint.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
