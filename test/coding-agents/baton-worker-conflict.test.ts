import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { TempRepo } from '../../src-main/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/workspaces/testing/temp-repo.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, markedProcesses, startServers, waitFor, writeTurn } from './baton-kit.ts';

// on_conflict "ask" on a remote worker (issue 18): the server (this process) and `baton worker`
// (a child process) with a real CLI (codex, the fastest to start) in a repository only the
// worker has. Two tasks write the same new file differently, so the task that depends on both
// cannot start from their branches merged: it waits in the server's inbox naming the worktree
// on the worker, a person resolves the file there and says so on the server, and the CLI then
// works on the resolved merge.
const cli = 'codex';
const WORKER = 'merge-box';

let servers: Servers;
let app: BatonApp;
let host: BrowserHost;
let root: string;
let repo: TempRepo;
let worker: WorkerProcess;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
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
      turns: [writeTurn(cli, 'joined.txt', 'both said hello\n'), { text: 'c done' }],
    },
  ]);
  root = mkdtempSync(join(tmpdir(), 'baton-worker-conflict-'));
  repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  app = createApp({ dataDir: join(root, 'server'), log: () => {} });
  host = await startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir: root,
    port: 0,
    routes: createRestHandler(app.dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker }),
    workerTokens: app.workerTokens,
  });
  const token = await call<WorkerTokenCreated>(app, 'workers.tokens.create', {
    name: 'merge box',
    worker_id: WORKER,
  });
  const workspacesFile = join(root, 'workspaces.json');
  writeFileSync(workspacesFile, JSON.stringify([{ id: 'app', path: repo.repo }]));
  worker = startWorker(host.url, token.secret, WORKER, [codingAgent(servers, cli)], root, [
    '--workspaces',
    workspacesFile,
  ]);
  await waitFor(() => worker.stderr().includes(`registered as worker ${WORKER}`), 60_000);
}, 120_000);

afterAll(async () => {
  if (!installed) return;
  if (worker) await killWorker(worker);
  await host?.close();
  await app?.close();
  await servers?.close();
  repo?.cleanup();
  if (root) await removeDir(root);
});

describe.skipIf(!installed)('a merge conflict on a remote worker, resolved there (on_conflict "ask")', () => {
  it("waits in the server's inbox naming the worker's worktree; once resolved there, the CLI works on the merge", async () => {
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
    let asked: ApprovalView | undefined;
    await waitFor(
      () => asked !== undefined,
      150_000,
      async () => {
        const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        asked = pending.find((a) => a.kind === 'merge_conflict');
      },
    );
    // The worktree is the worker's, under its data dir; the server has none.
    const tree = join(root, WORKER, 'worktrees', run, 'c', 'tree');
    expect(asked!.reason).toContain('conflicts in 1 file: greeting.txt.');
    expect(asked!.reason).toContain(`Resolve it in ${tree}`);
    expect(asked!.task_id).toBe('c');
    expect(servers.calls(cli, 'c')).toEqual([]); // the CLI has not started
    expect((await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks[2]).toMatchObject({
      task_id: 'c',
      status: 'in_progress',
      attempt: 1,
    });

    writeFileSync(join(tree, 'greeting.txt'), 'hello from a and b\n');
    await call(app, 'approvals.decide', { approval_id: asked!.id, decision: 'approve', actor: 'ana' });
    await app.engine.whenSettled(run);
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    const out = (id: string) => detail.tasks.find((t) => t.task_id === id)!.output as CodingOutput;
    const c = detail.tasks.find((t) => t.task_id === 'c')!;
    expect(c.status, c.error ?? '').toBe('done');
    expect(c.attempt).toBe(1);
    for (const dep of ['a', 'b'])
      repo.git(['merge-base', '--is-ancestor', out(dep).commit, out('c').start_commit]);
    expect(repo.git(['show', `${out('c').start_commit}:greeting.txt`])).toBe('hello from a and b');
    // The task's diff is the CLI's work on top of the resolved merge.
    expect(out('c').files.map((f) => f.path)).toEqual(['joined.txt']);
    expect(repo.git(['show', `${out('c').commit}:joined.txt`])).toBe('both said hello');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(markedProcesses(run)).toEqual([]);
  }, 280_000);
});
