import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

// Best of N on a remote worker (`baton worker`, a child process) whose repository only it has. An
// ACP coding agent (written with the SDK's agent side) writes `answer.txt`: "good" in candidate
// 2's worktree, "bad <k>" in the others', so only candidate 2 passes the workspace's check. The
// candidates run and are ranked on the worker; the server records them and shows them at the
// review, where a person picks candidate 3 instead. The dependent task, on the same worker,
// builds on candidate 3's branch.
const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
const AGENT = `
import { Readable, Writable } from 'node:stream';
import { basename } from 'node:path';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: {} }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 's-' + basename(cwd) }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const k = /^candidate-(\\d+)$/.exec(basename(cwd));
    const [path, content] = k ? ['answer.txt', k[1] === '2' ? 'good\\n' : 'bad ' + k[1] + '\\n'] : ['dep.txt', 'dep\\n'];
    await client.request('fs/write_text_file', { sessionId: params.sessionId, path: cwd + '/' + path, content });
    await client.notify('session/update', { sessionId: params.sessionId,
      update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'wrote ' + path } } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;
const CHECK = "process.exit(require('fs').readFileSync('answer.txt','utf8').trim() === 'good' ? 0 : 1)";

describe('best of N on a remote worker', () => {
  let root: string | undefined;
  let scripts: string | undefined;
  let repo: TempRepo | undefined;
  let app: BatonApp | undefined;
  let host: BrowserHost | undefined;
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    if (worker) await killWorker(worker);
    await host?.close();
    await app?.close();
    repo?.cleanup();
    for (const d of [root, scripts]) if (d) await removeDir(d);
  });

  it("runs the candidates and their checks on the worker, the server records and shows them, and a person's pick is what the dependent builds on", async () => {
    root = mkdtempSync(join(tmpdir(), 'baton-worker-best-of-'));
    // Outside the worker's data dir, which its sandbox hides.
    scripts = mkdtempSync(join(tmpdir(), 'baton-worker-best-of-agent-'));
    const script = join(scripts, 'agent.mjs');
    writeFileSync(script, AGENT);
    repo = makeRepo({ 'README.md': '# A sample workspace\n', 'answer.txt': 'unknown\n' });
    app = createApp({ dataDir: join(root, 'server'), log: () => {} });
    const a = app;
    host = await startBrowserHost({
      dispatch: a.dispatch,
      bus: a.bus,
      rendererDir: root,
      port: 0,
      routes: createRestHandler(a.dispatch, { workerAgent: (id) => a.store.agents.get(id)?.worker }),
      workerTokens: a.workerTokens,
    });
    const token = await call<WorkerTokenCreated>(a, 'workers.tokens.create', {
      name: 'box',
      worker_id: 'wb',
    });
    const workspaces = join(root, 'workspaces.json');
    writeFileSync(
      workspaces,
      JSON.stringify([
        {
          id: 'app',
          path: repo.repo,
          checks: [{ name: 'answer', command: [process.execPath, '-e', CHECK] }],
        },
      ]),
    );
    const agent = {
      id: 'acpy',
      kind: 'coding',
      cli: 'acp',
      protocol: 'acp',
      executable: process.execPath,
      args: [script],
      skills: ['code'],
    };
    worker = startWorker(host.url, token.secret, 'wb', [agent], root, ['--workspaces', workspaces]);
    await eventually(
      async () => (await call<Agent[]>(a, 'agents.list', {})).some((x) => x.id === 'acpy'),
      30_000,
      'acpy registered',
    );
    await call(a, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          {
            task_id: 't',
            description: 'Answer.',
            required_skills: ['code'],
            attempts: 3,
            fix_rounds: 0,
            review: 'diff',
          },
          { task_id: 'u', description: 'Go on.', required_skills: ['code'], depends_on: ['t'], checks: [] },
        ],
      },
    });
    const run = (await call<{ run_id: string }>(a, 'runs.start', { plan_id: 'p' })).run_id;

    let review: ApprovalView | undefined;
    await eventually(
      async () => {
        review = (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).find(
          (x) => x.kind === 'diff_review',
        );
        return review !== undefined;
      },
      120_000,
      `the winner's diff review (worker said: ${worker.stderr().slice(-2_000)})`,
    );
    // The ranking the worker made: candidate 2 alone passed its check.
    const best = review!.diff?.best_of;
    expect(best?.winner).toBe(2);
    expect(best?.candidates.map((c) => [c.candidate, c.status, c.branch])).toEqual(
      expect.arrayContaining([
        [1, 'checks_failed', `baton/${run}/t-c1`],
        [2, 'passed', `baton/${run}/t-c2`],
        [3, 'checks_failed', `baton/${run}/t-c3`],
      ]),
    );
    // Recorded on the server as the app's own are (the leaderboard reads them).
    expect(
      a.store.bestOf
        .latest(run, 't')
        ?.candidates.map((c) => c.candidate)
        .sort(),
    ).toEqual([1, 2, 3]);

    // A person picks candidate 3: the task's work is its branch, its files read from its diff.
    await call(a, 'approvals.pickCandidate', { approval_id: review!.id, candidate: 3, actor: 'ana' });
    const picked = (await call<RunDetail>(a, 'runs.get', { run_id: run })).tasks.find(
      (t) => t.task_id === 't',
    )!.output as CodingOutput;
    expect(picked).toMatchObject({ branch: `baton/${run}/t-c3`, additions: 1, deletions: 1 });
    expect(picked.files.map((f) => f.path)).toEqual(['answer.txt']);
    expect(repo.git(['show', `${picked.commit}:answer.txt`])).toBe('bad 3');
    await call(a, 'approvals.decide', { approval_id: review!.id, decision: 'approve', actor: 'ana' });

    await eventually(
      async () => (await call<RunDetail>(a, 'runs.get', { run_id: run })).status !== 'executing',
      120_000,
      'the run to end',
    );
    const detail = await call<RunDetail>(a, 'runs.get', { run_id: run });
    const u = detail.tasks.find((t) => t.task_id === 'u')!;
    expect(u.status, u.error ?? '').toBe('done');
    const dep = u.output as CodingOutput;
    expect(repo.git(['show', `${dep.commit}:answer.txt`])).toBe('bad 3');
    expect(repo.git(['show', `${dep.commit}:dep.txt`])).toBe('dep');
  }, 300_000);

  it('refuses a candidate that is not one of the worker’s agents, naming it', async () => {
    root = mkdtempSync(join(tmpdir(), 'baton-worker-best-of-'));
    scripts = mkdtempSync(join(tmpdir(), 'baton-worker-best-of-agent-'));
    const script = join(scripts, 'agent.mjs');
    writeFileSync(script, AGENT);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    app = createApp({ dataDir: join(root, 'server'), log: () => {} });
    const a = app;
    host = await startBrowserHost({
      dispatch: a.dispatch,
      bus: a.bus,
      rendererDir: root,
      port: 0,
      routes: createRestHandler(a.dispatch, { workerAgent: (id) => a.store.agents.get(id)?.worker }),
      workerTokens: a.workerTokens,
    });
    // A coding agent Baton has, but this worker does not.
    await call(a, 'agents.create', { id: 'local', kind: 'coding', cli: 'claude', skills: ['other'] });
    const token = await call<WorkerTokenCreated>(a, 'workers.tokens.create', {
      name: 'box',
      worker_id: 'wb',
    });
    const workspaces = join(root, 'workspaces.json');
    writeFileSync(workspaces, JSON.stringify([{ id: 'app', path: repo.repo }]));
    const agent = {
      id: 'acpy',
      kind: 'coding',
      cli: 'acp',
      protocol: 'acp',
      executable: process.execPath,
      args: [script],
      skills: ['code'],
    };
    worker = startWorker(host.url, token.secret, 'wb', [agent], root, ['--workspaces', workspaces]);
    await eventually(
      async () => (await call<Agent[]>(a, 'agents.list', {})).some((x) => x.id === 'acpy'),
      30_000,
      'acpy registered',
    );
    await call(a, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          {
            task_id: 't',
            description: 'Answer.',
            required_skills: ['code'],
            attempts: 2,
            candidates: ['acpy', 'local'],
          },
        ],
      },
    });
    const run = (await call<{ run_id: string }>(a, 'runs.start', { plan_id: 'p' })).run_id;
    await eventually(
      async () => (await call<RunDetail>(a, 'runs.get', { run_id: run })).status !== 'executing',
      120_000,
      'the run to end',
    );
    const t = (await call<RunDetail>(a, 'runs.get', { run_id: run })).tasks[0]!;
    expect(t.status).toBe('failed');
    expect(t.error).toContain('names "local" in candidates, which is not a coding agent of worker wb');
  }, 300_000);
});
