import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localServers } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const TOKEN = 'remote-worker-sandbox-ask-test-0123456789ab';

/** Fetches the URL it is given; prints what it got as `::result`. */
const FETCHER = `
try {
  const res = await fetch(process.argv[2], { signal: AbortSignal.timeout(20_000) });
  process.stdout.write('::result ' + JSON.stringify(res.ok ? 'ok ' + (await res.text()) : 'HTTP ' + res.status) + '\\n');
} catch (err) {
  process.stdout.write('::result ' + JSON.stringify('failed: ' + (err?.cause?.message ?? err?.message)) + '\\n');
}
`;

/**
 * The network policy `ask` on a remote worker (`baton worker`, a child process): a command agent
 * there, in the worker's sandbox, is refused a local server its policy does not list; the
 * question lands in the server's inbox (this process), a person allows it there, and the next
 * attempt the worker takes gets the host with its context and reaches it.
 */
describe.runIf(process.platform === 'linux')("a worker's refused host, asked in the server's inbox", () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-worker-sandbox-ask-'));
  const scripts = mkdtempSync(join(tmpdir(), 'baton-worker-sandbox-ask-scripts-'));
  const servers = localServers();
  let app: BatonApp | undefined;
  let host: BrowserHost | undefined;
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    if (worker) await killWorker(worker);
    await host?.close();
    await app?.close();
    await removeDir(dir);
    rmSync(scripts, { recursive: true, force: true });
  });

  it('asks once, and the next attempt on the worker reaches the allowed host', async () => {
    const a = createApp({ dataDir: dir, log: () => {} });
    app = a;
    host = await startBrowserHost({
      dispatch: a.dispatch,
      bus: a.bus,
      rendererDir: dir,
      port: 0,
      token: TOKEN,
      routes: createRestHandler(a.dispatch, { workerAgent: (id) => a.store.agents.get(id)?.worker }),
      workerTokens: a.workerTokens,
    });
    const script = join(scripts, 'fetcher.mjs');
    writeFileSync(script, FETCHER);
    const index = await servers((_req, res) => {
      res.end('index');
    });
    const indexHost = index.url.replace('http://', '');
    const token = await call<WorkerTokenCreated>(a, 'workers.tokens.create', {
      name: 'wa box',
      worker_id: 'wa',
    });
    worker = startWorker(
      host.url,
      token.secret,
      'wa',
      [
        {
          id: 'far',
          kind: 'command',
          skills: ['x'],
          command: process.execPath,
          args: [script, '{description}'],
          sandbox: { network: { unlisted: 'ask' } },
        },
      ],
      dir,
    );
    await eventually(
      async () => (await call<Agent[]>(a, 'agents.list', {})).some((x) => x.id === 'far'),
      20_000,
      'the worker agent registered',
    );
    const runOnce = async (planId: string) => {
      await call(a, 'plans.import', {
        plan: {
          plan_id: planId,
          tasks: [{ task_id: 't', description: `${index.url}/i`, required_skills: ['x'] }],
        },
      });
      const { run_id } = await call<{ run_id: string }>(a, 'runs.start', { plan_id: planId });
      await eventually(
        async () => (await call<RunDetail>(a, 'runs.get', { run_id })).status !== 'executing',
        30_000,
        'the run to end',
      );
      return call<RunDetail>(a, 'runs.get', { run_id });
    };
    const asked = async () =>
      (await call<ApprovalView[]>(a, 'approvals.list', {})).filter((x) => x.kind === 'sandbox_host');

    const first = await runOnce('first');
    expect(first.tasks[0]!.output).toMatch(/^(HTTP 403|failed)/);
    // The worker asks without waiting: the approval may land just after the attempt ended.
    await eventually(async () => (await asked()).length === 1, 20_000, 'the question in the inbox');
    const [question] = await asked();
    expect(question!.reason).toBe(`Allow ${indexHost} for agent "far"?`);
    expect(question!.sandbox_host?.scope).toBe('agent:far');
    await call(a, 'approvals.decide', { approval_id: question!.id, decision: 'approve', actor: 'ada' });

    const second = await runOnce('second');
    expect(second.tasks[0]!.output).toBe('ok index');
    expect(index.requests.map((q) => q.url)).toEqual(['/i']);
    expect((await asked()).map((x) => x.status)).toEqual(['approved']);
  });
});
