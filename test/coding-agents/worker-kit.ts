// A Baton server (this process: app, browser host, REST API) and `baton worker` (a child process)
// with one coding agent and the workspace `app`, a git repository only the worker has; and the
// merge-conflict plan the conflict tests run, with its scripted turns.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { call } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, waitFor, writeTurn } from './baton-kit.ts';
import type { CliName } from './clis.ts';

export interface WorkerSetup {
  app: BatonApp;
  host: BrowserHost;
  /** The temp folder holding the server's data dir (`server/`) and the worker's. */
  root: string;
  /** The worker's repository (workspace `app`). */
  repo: TempRepo;
  worker: WorkerProcess;
  token: WorkerTokenCreated;
  /** Stops the worker, the host and the app, and removes the repository and `root`. */
  close(): Promise<void>;
}

/** Starts the server and a worker `workerId` registered with a token bound to it; resolves once it has registered. */
export async function startServerAndWorker(o: {
  servers: Servers;
  cli: CliName;
  workerId: string;
  tokenName: string;
  /** The temp folder's name prefix. */
  prefix: string;
}): Promise<WorkerSetup> {
  const root = mkdtempSync(join(tmpdir(), o.prefix));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  const app = createApp({ dataDir: join(root, 'server'), log: () => {} });
  let host: BrowserHost | undefined;
  let worker: WorkerProcess | undefined;
  const close = async () => {
    if (worker) await killWorker(worker);
    await host?.close();
    await app.close();
    repo.cleanup();
    await removeDir(root);
  };
  try {
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: root,
      port: 0,
      routes: createRestHandler(app.dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker }),
      workerTokens: app.workerTokens,
    });
    const token = await call<WorkerTokenCreated>(app, 'workers.tokens.create', {
      name: o.tokenName,
      worker_id: o.workerId,
    });
    const workspacesFile = join(root, 'workspaces.json');
    writeFileSync(workspacesFile, JSON.stringify([{ id: 'app', path: repo.repo }]));
    const started = startWorker(host.url, token.secret, o.workerId, [codingAgent(o.servers, o.cli)], root, [
      '--workspaces',
      workspacesFile,
    ]);
    worker = started;
    await waitFor(() => started.stderr().includes(`registered as worker ${o.workerId}`), 60_000);
    return { app, host, root, repo, worker: started, token, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Tasks a and b each write greeting.txt their own way; c, which depends on both, writes `joined` to joined.txt. */
export function scriptConflict(servers: Servers, cli: CliName, joined = 'both said hello\n'): void {
  const task = (id: string) => (req: { tools: string[]; texts: string[] }) =>
    req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${id}:`));
  servers.script(cli, [
    {
      name: 'a',
      match: task('a'),
      turns: [writeTurn(cli, 'greeting.txt', 'hello from a\n'), { text: 'a done' }],
    },
    {
      name: 'b',
      match: task('b'),
      turns: [writeTurn(cli, 'greeting.txt', 'hello from b\n'), { text: 'b done' }],
    },
    {
      name: 'c',
      match: task('c'),
      turns: [writeTurn(cli, 'joined.txt', joined), { text: 'c done' }],
    },
  ]);
}

/**
 * Imports and starts the plan whose task c merges a's and b's conflicting branches with
 * `on_conflict: "ask"`, and waits (up to `ms`) for the merge conflict in the inbox.
 */
export async function startConflictRun<A extends { kind: string }>(
  app: BatonApp,
  cli: CliName,
  ms: number,
): Promise<{ run: string; asked: A }> {
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'conflict',
      workspace: 'app',
      tasks: [
        { task_id: 'a', description: 'Greet as a.', required_skills: [cli] },
        { task_id: 'b', description: 'Greet as b.', required_skills: [cli] },
        {
          task_id: 'c',
          description: 'Join the greetings.',
          required_skills: [cli],
          depends_on: ['a', 'b'],
          on_conflict: 'ask',
        },
      ],
    },
  });
  const { run_id: run } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'conflict' });
  let asked: A | undefined;
  await waitFor(
    () => asked !== undefined,
    ms,
    async () => {
      const pending = await call<A[]>(app, 'approvals.list', { status: 'pending' });
      asked = pending.find((a) => a.kind === 'merge_conflict');
    },
  );
  return { run, asked: asked! };
}
