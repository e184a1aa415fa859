import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Dispatch } from '../../src-main/app/dispatch.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { buildAgent, killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const TOKEN = 'remote-worker-signal-test-token-0123456789';

describe('baton worker and the work signal (WebSocket)', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  const workers: WorkerProcess[] = [];
  /** How each claim the server was asked came, and its `wait_s`. */
  const looks: string[] = [];

  const serve = async (workerSignal: boolean) => {
    app = createApp({ dataDir: dir, log: () => {} });
    /** Claims over HTTP come through the REST routes, claims over the socket straight to the contract. */
    const seen =
      (via: string): Dispatch =>
      (method, input) => {
        if (method === 'workers.claim') looks.push(`${via} ${(input as { wait_s?: number }).wait_s ?? 0}`);
        return app.dispatch(method, input);
      };
    host = await startBrowserHost({
      dispatch: seen('socket'),
      bus: app.bus,
      rendererDir: dir,
      token: TOKEN,
      ...(workerSignal ? { workerSignal: app.workerPresence } : {}),
      routes: createRestHandler(seen('http')),
    });
  };
  /** Two tasks, the second ready only once the first is done: the server must tell the worker of it. */
  const runTwo = async () => {
    await eventually(
      async () => (await call<Agent[]>(app, 'agents.list', {})).some((a) => a.id === 'builder'),
      20_000,
      'the worker to register',
    );
    await eventually(() => looks.length > 0, 20_000, 'a first claim');
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'two',
        tasks: [
          { task_id: 'first', description: 'First', required_skills: ['remote_build'] },
          { task_id: 'then', description: 'Then', required_skills: ['remote_build'], depends_on: ['first'] },
        ],
      },
    });
    const { run } = await call<{ run: RunDetail }>(app, 'runs.start', { plan_id: 'two' });
    await eventually(
      async () => (await call<RunDetail>(app, 'runs.get', { run_id: run.id })).status !== 'executing',
      25_000,
      'the run to end',
    );
    return call<RunDetail>(app, 'runs.get', { run_id: run.id });
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-signal-'));
    looks.length = 0;
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    await host.close();
    await app.close();
    await removeDir(dir);
  });

  it('claims work when the server says there is some, holding no long-poll', async () => {
    await serve(true);
    // Without the signal it would look again only a minute after an empty look.
    const w = startWorker(host.url, TOKEN, 'ws', [buildAgent('builder')], dir, ['--poll-ms', '60000']);
    workers.push(w);
    await eventually(
      () => w.stderr().includes('listening for work over the WebSocket'),
      20_000,
      'the signal',
    );
    // It claims once, finds nothing, and waits (runTwo starts the run after that first claim):
    // only the server's word brings it back before a minute.
    const run = await runTwo();
    expect(run.status).toBe('completed');
    expect(looks.length).toBeGreaterThan(0);
    // Every claim answered at once: the signal, not a held request, told the worker when to claim.
    // They go over the socket; a result with files (this agent leaves one) goes over HTTP alone.
    expect(looks.every((l) => l.endsWith(' 0'))).toBe(true);
    expect(looks).toContain('socket 0');
  });

  it('long-polls when the server has no work signal', async () => {
    await serve(false);
    const w = startWorker(host.url, TOKEN, 'lp', [buildAgent('builder')], dir);
    workers.push(w);
    const run = await runTwo();
    expect(run.status).toBe('completed');
    expect(w.stderr()).toContain('work signal: not available (HTTP 404); long-polling');
    // Its claims with nothing to hand in wait on the server; one that hands a result in answers at once.
    expect(looks).toContain('http 20');
    expect(looks.every((l) => l.startsWith('http'))).toBe(true);
  });
});
