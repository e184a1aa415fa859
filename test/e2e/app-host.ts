import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { rendererDir } from '../../src-main/cli/files.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import type { Rpc } from './harness.ts';
import { rpcFor } from './harness.ts';

/** An app in this process on `dataDir` (its log kept quiet), served in browser mode on 127.0.0.1. */
export interface AppHost {
  app: BatonApp;
  host: BrowserHost;
  /** Calls the app over the host's HTTP API, with its token. */
  rpc: Rpc;
}

/** Opens the app and its host: what e2e files that reach into the app's store start from. */
export async function serveApp(dataDir: string): Promise<AppHost> {
  const app = createApp({ dataDir, log: () => {} });
  try {
    const host = await serveHost(app, dataDir);
    return { app, host, rpc: rpcFor(host.openUrl) };
  } catch (err) {
    await app.close();
    throw err;
  }
}

/** A browser-mode host for an app the caller opened (the UI built in out/). */
export function serveHost(app: BatonApp, dataDir: string): Promise<BrowserHost> {
  return startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir,
    dataDir,
    terminals: app.terminals,
  });
}
