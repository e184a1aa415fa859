import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentCallbacks } from '../../engine/executors/http/http-callbacks.ts';
import { CALLBACK_PATH } from '../../engine/executors/http/http-callbacks.ts';
import { TRIGGER_PATH } from '../../triggers/triggers.ts';
import { createEdgeServer } from '../browser/edge.ts';
import type { RequestTarget } from '../browser/request-target.ts';
import { baseUrl } from '../browser/respond.ts';
import { createAgentCallbackRoute } from './agent-callbacks.ts';

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
 * a UI token: http agents' callbacks (`POST /api/agent-callbacks/:id`, the attempt's token) and,
 * when given, triggers (`POST /api/triggers/<id>`, the trigger's secret). For the desktop app,
 * which talks to its window over IPC and so has no other HTTP server. Everything else is 404.
 * While it runs, the http executor offers callbacks (`callbackUrl` or its own URL); closed, it polls.
 */
export async function startCallbackHost(
  callbacks: AgentCallbacks,
  opts: {
    host?: string;
    port?: number;
    callbackUrl?: string;
    /** `POST /api/triggers/<id>` (src-main/triggers/route.ts). */
    triggers?: (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;
  } = {},
): Promise<CallbackHost> {
  const callbackRoute = createAgentCallbackRoute(callbacks);
  const { triggers } = opts;
  const route = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) =>
    triggers && target.path.startsWith(TRIGGER_PATH)
      ? triggers(req, res, target)
      : callbackRoute(req, res, target);
  const server = createEdgeServer({ name: 'callback host', request: route });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = baseUrl(host, port);
  callbacks.serveAt(opts.callbackUrl ?? url);
  return {
    url,
    async close() {
      callbacks.serveAt(null);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
