import type { AddressInfo } from 'node:net';
import type { AgentCallbacks } from '../../engine/executors/http/http-callbacks.ts';
import { CALLBACK_PATH } from '../../engine/executors/http/http-callbacks.ts';
import { createEdgeServer } from '../browser/edge.ts';
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
 * A host that serves only http agents' callbacks (`POST /api/agent-callbacks/:id`, each
 * authenticated by its attempt's own token): for the desktop app, which talks to its window
 * over IPC and so has no HTTP server for agents to call back. Everything else is 404. While it
 * runs, the http executor offers callbacks (`callbackUrl` or its own URL); closed, it polls.
 */
export async function startCallbackHost(
  callbacks: AgentCallbacks,
  opts: { host?: string; port?: number; callbackUrl?: string } = {},
): Promise<CallbackHost> {
  const route = createAgentCallbackRoute(callbacks);
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
