import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from './acp-waiting-agent.ts';
import { call, setup } from './engine-kit.ts';

const root = join(import.meta.dirname, '..', '..');

/** The CLI as a person (`$USER` ana) runs it: a child process, so a host in this one answers it. */
export async function batonAsAna(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(
      process.execPath,
      [join(root, 'src-main', 'cli', 'baton.js'), ...args],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, USER: 'ana' },
      },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * A browser host serving a data directory whose run `p` has one task `t` of a waiting ACP agent
 * (acp-waiting-agent.ts) in a temp repository: what `baton say`, `baton pause` and the like talk
 * to.
 */
export async function hostedWaitingRun(name: string): Promise<{
  app: BatonApp;
  host: BrowserHost;
  dir: string;
  run: string;
  /** Closes the host and the app (once), leaving the folders: the data directory can be opened alone. */
  close(): Promise<void>;
  /** Closes them, and removes the folders. */
  stop(): Promise<void>;
}> {
  const cleanups: (() => void)[] = [];
  const temp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };
  const dir = temp(`baton-cli-${name}-`);
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const script = join(temp(`baton-cli-${name}-agent-`), 'agent.mjs');
  writeFileSync(script, waitingAcpAgentScript);
  const app = createApp({ dataDir: dir, log: () => {} });
  const host = await startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir: dir,
    dataDir: dir,
  });
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  const run = await setup(app, [waitingAcpAgent(script)], {
    plan_id: 'p',
    workspace: 'app',
    tasks: [{ task_id: 't', description: 'Wait, then go on.', required_skills: ['code'] }],
  });
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      await host.close();
      await app.close();
    })());
  return {
    app,
    host,
    dir,
    run,
    close,
    async stop() {
      await close();
      for (const c of cleanups.splice(0)) c();
    },
  };
}
