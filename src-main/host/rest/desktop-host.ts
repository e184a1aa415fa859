import type { BatonApp } from '../../app/create-app.ts';
import type { CallbackHost, CallbackHostOptions } from './callback-host.ts';
import { startCallbackHost } from './callback-host.ts';

/**
 * The desktop app's HTTP host: its window talks over IPC, so this loopback host is the only one,
 * and serves only what other programs call with their own secrets: http agents' callbacks,
 * triggers (`POST /api/triggers/<id>`) and `/mcp` for coding CLIs' attempt links. Trigger URLs and links in webhooks name it (or
 * `callbackUrl`, a tunnel in front of it) while it runs.
 */
export async function startDesktopHost(
  app: Pick<BatonApp, 'agentCallbacks' | 'reach'>,
  opts: { callbackUrl?: string; port?: number; mcp?: CallbackHostOptions['mcp'] } = {},
): Promise<CallbackHost> {
  const host = await startCallbackHost(app.agentCallbacks, {
    triggers: app.reach.triggerRoute,
    ...(opts.mcp ? { mcp: opts.mcp } : {}),
    ...(opts.callbackUrl ? { callbackUrl: opts.callbackUrl } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
  });
  app.reach.setPublicUrl(opts.callbackUrl ?? host.url);
  return {
    url: host.url,
    async close() {
      app.reach.setPublicUrl(null);
      await host.close();
    },
  };
}
