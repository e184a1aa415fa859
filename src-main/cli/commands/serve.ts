import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BatonApp } from '../../app/create-app.ts';
import { createCallClient } from '../../app/memory-transport.ts';
import { startBrowserHost } from '../../host/browser/server.ts';
import { createRestHandler } from '../../host/rest/router.ts';
import { tokenNote, uiToken } from '../../host/ui-token.ts';
import { isLoopback, LOOPBACK_HOSTS } from '../../http/host-names.ts';
import { findHost } from '../../mcp/host-link.ts';
import { createMcpEndpoint } from '../../mcp/http.ts';
import { CliError, packageVersion, projectRoot, rendererDir } from '../files.ts';

export const DEFAULT_PORT = 4800;

export interface ServeOptions {
  /** Undefined: 4800, or a free port when that one is taken. */
  port: number | undefined;
  host: string;
  /** Host names to answer to besides loopback and, bound beyond it, this machine's own (`--allow-host`). */
  allowHosts: string[];
  dataDir: string;
  /** Where http agents reach this host for callbacks, when not at its own URL. */
  callbackUrl: string | undefined;
  /** Where people reach this Baton from elsewhere, through their own proxy or tunnel (`--public-url`). */
  publicUrl?: string | undefined;
  /** A fixed token (`BATON_TOKEN`), else the one kept in the data directory (`host/ui-token.ts`). */
  token?: string | undefined;
  /** `--new-token`: replace the kept token (every tab opened with the old link must open the new one). */
  newToken?: boolean | undefined;
}

/** Builds the renderer (and the `baton` command's bundle with it) when it is missing (a fresh checkout). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(rendererDir, 'index.html'))) return;
  process.stderr.write('Building the Baton UI and the `baton` command (first run)…\n');
  const bin = join(projectRoot, 'node_modules', '.bin', 'electron-vite');
  // Its list of every file built is not for the person; its warnings and errors are.
  const r = spawnSync(bin, ['build'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(join(rendererDir, 'index.html'))) {
    throw new CliError('building the UI failed; run `npm run build` to see why', 1);
  }
}

/**
 * One host per data directory: a second refuses (exit 2), naming the Baton host that serves it
 * now (server.json names it and it answers). A server.json whose host is gone is taken over.
 */
async function refuseWhenServed(dataDir: string): Promise<void> {
  const live = await findHost(dataDir);
  if (!live) return;
  throw new CliError(
    `${dataDir} is served already by the Baton host at ${live.url}${live.pid !== undefined ? ` (pid ${live.pid})` : ''}: ` +
      'open that one, or stop it before serving this data directory again',
    2,
  );
}

/** `baton serve`: browser mode until interrupted. The data directory is opened (`openApp`) once no other host serves it. */
export async function serveCommand(openApp: () => BatonApp, opts: ServeOptions): Promise<number> {
  ensureRendererBuilt();
  // Before the kept token is made again (--new-token) or the data directory opened.
  await refuseWhenServed(opts.dataDir);
  if (opts.token && opts.newToken)
    throw new CliError(
      '--new-token: BATON_TOKEN fixes the token; unset it to have Baton keep one of its own',
      2,
    );
  // Opened first: a data directory used for the first time is made there (0700), and one that
  // cannot be is refused in its words, before a token is kept in it.
  const app = openApp();
  // BATON_TOKEN, else the token the data directory keeps (made, or made again, as asked).
  let token = opts.token;
  let note: string | null = null;
  if (!token) {
    const kept = uiToken(opts.dataDir, { rotate: opts.newToken ?? false });
    token = kept.token;
    note = tokenNote(kept);
  }
  const loopback = isLoopback(opts.host);
  if (!loopback) {
    process.stderr.write(
      `WARNING: serving on ${opts.host}, reachable from other machines. Anyone with the token controls Baton and every command agent.\n`,
    );
  }
  // Baton's MCP server at /mcp, over the same app (src-main/mcp/).
  const mcp = createMcpEndpoint(createCallClient(app.dispatch), {
    version: packageVersion(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const start = (port: number) =>
    startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir,
      dataDir: opts.dataDir,
      port,
      host: opts.host,
      allowedHosts: opts.allowHosts,
      routes: createRestHandler(app.dispatch, {
        workerAgent: (id) => app.store.agents.get(id)?.worker,
      }),
      workerTokens: app.workerTokens,
      people: app.people,
      terminals: app.terminals,
      ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
      workerSignal: app.workerPresence,
      mcp,
      mcpLinks: app.mcpLinks,
      agentCallbacks: app.agentCallbacks,
      triggers: app.reach.triggerRoute,
      forgeHooks: app.landing.hookRoute,
      slack: app.reach.slack.route,
      approval: app.approvalView,
      token,
      ...(opts.callbackUrl ? { callbackUrl: opts.callbackUrl } : {}),
    });
  // Asked to stop from here on, before the URL line: a stop sent as soon as that line shows
  // (a supervisor, a test) closes the host and the app instead of ending the process mid-way.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  let host: Awaited<ReturnType<typeof start>>;
  try {
    host = await start(opts.port ?? DEFAULT_PORT);
  } catch (err) {
    if (opts.port !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      throw new CliError(
        `cannot listen on ${opts.host}:${opts.port ?? DEFAULT_PORT}: ${(err as Error).message}`,
        1,
      );
    }
    host = await start(0);
  }
  process.stdout.write(`Baton is serving ${host.openUrl}\n`);
  if (note) process.stderr.write(`${note}\n`);
  // Links in webhooks and trigger URLs: where others reach Baton.
  app.reach.setPublicUrl(opts.callbackUrl ?? host.url);
  // Push notifications and Slack messages: sent from here, their links where people open Baton.
  app.reach.servePeopleAt(opts.publicUrl ?? host.url);
  // The command shown with a new worker token names it (the page passes its own address instead).
  app.workerTokens.serverUrl = opts.callbackUrl ?? host.url;
  // Beyond loopback, say which names reach it: a name not listed gets 403 (DNS rebinding).
  const others = host.allowedHosts.filter((n) => !(LOOPBACK_HOSTS as readonly string[]).includes(n));
  if (others.length > 0) {
    process.stderr.write(
      `Answers at: ${host.allowedHosts.join(', ')} (any other Host name is refused; add one with --allow-host NAME)\n`,
    );
  }
  if (opts.callbackUrl) process.stderr.write(`http agents call back at ${opts.callbackUrl}\n`);
  if (opts.publicUrl)
    process.stderr.write(
      `People sign in at ${opts.publicUrl} (your proxy or tunnel to ${host.url}; TLS is yours)\n`,
    );
  process.stderr.write(
    `MCP clients: ${host.url}mcp with Authorization: Bearer <the token>, or baton mcp over stdio\n`,
  );
  process.stderr.write(`Data: ${opts.dataDir}  ·  Press Ctrl+C to stop.\n`);
  await stopped;
  app.reach.servePeopleAt(null);
  await host.close();
  return 0;
}
