import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localServers } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { sandboxStatus } from '../../src-main/sandbox/index.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

// A real `baton worker` runs a command agent in the OS sandbox of its own machine's agents file,
// narrowed by the plan it works for. The agent (trespass.mjs) writes its own file, tries one
// outside its folder and fetches two local servers its agent lists. The write outside never
// happens; with the plan's narrowing dropping the second server, that one is refused too; each
// refusal is a step of the attempt on the server.

const TOKEN = 'remote-worker-sandbox-token-0123456789abcdef';
const TRESPASS = join(import.meta.dirname, '..', '..', 'src-main', 'sandbox', 'testing', 'trespass.mjs');
const servers = localServers();
const available = process.platform === 'linux' && (await sandboxStatus()).available;

describe.runIf(available)("baton worker in its machine's OS sandbox", () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-sandbox-'));
    app = createApp({ dataDir: join(dir, 'server'), log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      port: 0,
      token: TOKEN,
      routes: createRestHandler(app.dispatch),
    });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    await host.close();
    await app.close();
    await removeDir(dir);
  });

  /** Runs one task on a worker whose agent lists both servers; the plan narrows with `narrowing`. */
  async function trespassOnWorker(planId: string, narrowing: unknown) {
    const kept = await servers((_req, res) => {
      res.end('from the kept server');
    });
    const dropped = await servers((_req, res) => {
      res.end('from the dropped server');
    });
    const keptHost = kept.url.replace('http://', '');
    const droppedHost = dropped.url.replace('http://', '');
    const outside = join(dir, `${planId}-outside.txt`);
    const agent = {
      id: 'intruder',
      kind: 'command',
      skills: ['x'],
      command: process.execPath,
      args: [TRESPASS, '--mine', 'mine.txt', '--outside', outside].concat([
        '--blocked',
        `${dropped.url}/dropped`,
        '--allowed',
        `${kept.url}/kept`,
      ]),
      sandbox: { network: { allow: [keptHost, droppedHost] } },
    };
    const w = startWorker(host.url, TOKEN, `w-${planId}`, [agent], dir);
    workers.push(w);
    await eventually(
      async () => (await call<Agent[]>(app, 'agents.list', {})).some((a) => a.id === 'intruder'),
      20_000,
      'the worker to register',
    );
    const sandbox = typeof narrowing === 'function' ? narrowing(keptHost) : narrowing;
    await call(app, 'plans.import', {
      plan: {
        plan_id: planId,
        ...(sandbox ? { sandbox } : {}),
        tasks: [{ task_id: 't', description: 'trespass', required_skills: ['x'] }],
      },
    });
    const { run } = await call<{ run: RunDetail }>(app, 'runs.start', { plan_id: planId });
    await eventually(
      async () => (await call<RunDetail>(app, 'runs.get', { run_id: run.id })).status !== 'executing',
      30_000,
      'the run to end',
    );
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run.id });
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run.id, task_id: 't' });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run.id, task_id: 't' });
    const refused = steps
      .filter((s) => s.kind === 'sandbox')
      .map((s) => s.kind === 'sandbox' && [s.blocked, s.text])
      .sort();
    return { detail, refused, attempts, kept, dropped, keptHost, droppedHost, outside, stderr: w.stderr };
  }

  it("refuses a write outside the attempt's folder under the worker's own policy", async () => {
    const r = await trespassOnWorker('own', undefined);
    expect(r.detail.status, r.stderr()).toBe('completed');
    const tried = r.detail.tasks[0]!.output as Record<string, string>;
    expect(tried.mine).toBe('ok');
    expect(tried.outside).toMatch(/^failed: /);
    // Both servers are the agent's own: with no narrowing, both are reached.
    expect(tried.allowed).toBe('ok from the kept server');
    expect(tried.blocked).toBe('ok from the dropped server');
    expect(existsSync(r.outside)).toBe(false);
    expect(r.refused).toEqual([['write', `sandbox: write outside the folder refused: ${r.outside}`]]);
    expect(r.attempts.map((a) => [a.attempt, a.outcome, a.sandbox_blocked])).toEqual([[1, 'done', 1]]);
  });

  it("applies the plan's narrowing: a host the plan drops is refused on the worker", async () => {
    const r = await trespassOnWorker('narrowed', (keptHost: string) => ({
      network: { allow: [keptHost] },
    }));
    expect(r.detail.status, r.stderr()).toBe('completed');
    const tried = r.detail.tasks[0]!.output as Record<string, string>;
    expect(tried.allowed).toBe('ok from the kept server');
    expect(tried.blocked).not.toBe('ok from the dropped server');
    expect(r.dropped.requests).toEqual([]);
    expect(r.kept.requests.map((q) => q.url)).toEqual(['/kept']);
    expect(existsSync(r.outside)).toBe(false);
    expect(r.refused).toEqual(
      [
        ['network', `sandbox: connection to ${r.droppedHost} blocked`],
        ['write', `sandbox: write outside the folder refused: ${r.outside}`],
      ].sort(),
    );
  });
});
