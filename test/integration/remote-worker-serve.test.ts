import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { startServe } from '../e2e/serve-process.ts';
import { eventually } from '../kit/engine-kit.ts';
import { http } from '../kit/host-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { alive, buildAgent, CLI, killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const TOKEN = 'a-fixed-token-for-the-serve-test-0123456789';

/** `baton serve` as a user starts it, with a fixed token and a 2 s worker lease. */
async function serve(dir: string, port = 0) {
  process.env.BATON_TOKEN = TOKEN;
  try {
    return await startServe(dir, port, ['--worker-lease', '2']);
  } finally {
    delete process.env.BATON_TOKEN;
  }
}

/** The contract over HTTP on `port`, with the fixed token. */
function rpcOn(port: number) {
  return async <T>(method: string, input: unknown): Promise<T> => {
    const r = await http(port, `/api/rpc/${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        connection: 'close',
      },
      body: JSON.stringify(input),
    });
    const parsed = JSON.parse(r.body) as { ok: boolean; value: T; error?: { message: string } };
    if (!parsed.ok) throw new Error(parsed.error!.message);
    return parsed.value;
  };
}

describe('baton worker against baton serve', () => {
  let dir: string;
  const stops: (() => Promise<void>)[] = [];
  const workers: WorkerProcess[] = [];
  const pids: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-serve-'));
    mkdirSync(join(dir, 'pids'));
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const s of stops.splice(0)) await s();
    await removeDir(dir);
  });

  it('keeps its token across a restart of baton serve (BATON_TOKEN): the worker reconnects and its task completes once', async () => {
    let server = await serve(dir);
    stops.push(() => server.stop());
    const url = new URL(server.url);
    expect(url.searchParams.get('token')).toBe(TOKEN);
    const port = Number(url.port);
    const rpc = async <T>(method: string, input: unknown) => {
      const r = await http(port, `/api/rpc/${method}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          connection: 'close',
        },
        body: JSON.stringify(input),
      });
      const parsed = JSON.parse(r.body) as { ok: boolean; value: T; error?: { message: string } };
      if (!parsed.ok) throw new Error(parsed.error!.message);
      return parsed.value;
    };
    const w = startWorker(`http://127.0.0.1:${port}/`, TOKEN, 'wa', [buildAgent('builder')], dir);
    workers.push(w);
    await eventually(
      async () => (await rpc<{ id: string }[]>('agents.list', {})).length === 1,
      20_000,
      'registered',
    );
    await rpc('plans.import', {
      plan: {
        plan_id: 'remote',
        tasks: [
          {
            task_id: 'compile',
            description: 'Compile it',
            required_skills: ['remote_build'],
            inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 4_000 },
          },
        ],
      },
    });
    const { run_id } = await rpc<{ run_id: string }>('runs.start', { plan_id: 'remote' });
    const pidFile = join(dir, 'pids', 'compile-1.pid');
    await eventually(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '',
      20_000,
      'the agent to start',
    );
    pids.push(Number(readFileSync(pidFile, 'utf8')));
    // baton serve stops and starts again on the same port and data directory while the agent works.
    await server.stop();
    server = await serve(dir, port);
    await eventually(
      async () => (await rpc<RunDetail>('runs.get', { run_id })).status !== 'executing',
      30_000,
      'the run to end',
    );
    const run = await rpc<RunDetail>('runs.get', { run_id });
    expect(run.status).toBe('completed');
    expect(run.tasks[0]).toMatchObject({ status: 'done', agent_id: 'builder', attempt: 1 });
    expect(await rpc<TaskAttempt[]>('runs.taskAttempts', { run_id, task_id: 'compile' })).toHaveLength(1);
    expect(w.child.exitCode).toBeNull();
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it.runIf(process.platform === 'linux')(
    "hides the server's data directory from the agents of a worker on the server's machine",
    async () => {
      const data = join(dir, 'server');
      const server = await serve(data);
      stops.push(() => server.stop());
      const port = Number(new URL(server.url).port);
      const rpc = rpcOn(port);
      await rpc('secrets.set', { name: 'FORGE_TOKEN', value: 'ghp_not-for-agents' });
      // Another Baton's data where one is kept by default ($BATON_DATA_DIR as the worker sees it).
      const other = join(dir, 'other-baton');
      mkdirSync(other);
      writeFileSync(join(other, 'baton.db'), 'another Baton');
      const files = [join(data, 'server.json'), join(data, 'secrets.json'), join(data, 'baton.db')];
      for (const f of files) expect(existsSync(f), f).toBe(true);
      const reader = {
        id: 'reader',
        kind: 'command',
        skills: ['read'],
        command: process.execPath,
        // Each file's bytes, or the error (said on stderr too, as a program would).
        args: [
          '-e',
          "const fs = require('node:fs'); const r = {}; for (const f of process.argv.slice(1)) { try { r[f] = 'read ' + fs.readFileSync(f).length + ' bytes'; } catch (e) { r[f] = 'failed: ' + e.code; console.error(e.message); } } console.log('::result ' + JSON.stringify(r));",
          ...files,
          join(other, 'baton.db'),
        ],
      };
      const w = startWorker(`http://127.0.0.1:${port}/`, TOKEN, 'wr', [reader], dir, [], {
        BATON_DATA_DIR: other,
      });
      workers.push(w);
      await eventually(
        async () => (await rpc<{ id: string }[]>('agents.list', {})).length === 1,
        20_000,
        'registered',
      );
      // It says so: the defaults as it starts, the server's own directory once registered.
      expect(w.stderr()).toContain(`the server is on this machine: its agents never read ${other}`);
      await eventually(
        () => w.stderr().includes(`the server's data directory ${data} is hidden from its agents`),
        20_000,
        w.stderr(),
      );
      await rpc('plans.import', {
        plan: { plan_id: 'peek', tasks: [{ task_id: 't', description: 'read', required_skills: ['read'] }] },
      });
      const { run_id } = await rpc<{ run_id: string }>('runs.start', { plan_id: 'peek' });
      await eventually(
        async () => (await rpc<RunDetail>('runs.get', { run_id })).status !== 'executing',
        30_000,
        'the run to end',
      );
      const run = await rpc<RunDetail>('runs.get', { run_id });
      expect(run.status, w.stderr()).toBe('completed');
      expect(run.tasks[0]!.output).toEqual(
        Object.fromEntries([...files, join(other, 'baton.db')].map((f) => [f, 'failed: ENOENT'])),
      );
      // Each refused read is a step of the attempt (the program named the path on its stderr).
      const steps = await rpc<StoredStep[]>('runs.steps', { run_id, task_id: 't' });
      expect(steps.flatMap((s) => (s.kind === 'sandbox' ? [s.text] : [])).sort()).toEqual(
        [...files, join(other, 'baton.db')].map((f) => `sandbox: read of a hidden path refused: ${f}`).sort(),
      );
    },
  );

  it('refuses a bad BATON_TOKEN or --worker-lease, naming it', () => {
    const baton = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [CLI, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
        timeout: 30_000,
      });
    const short = baton(['serve', '--data-dir', dir, '--port', '0'], { BATON_TOKEN: 'short' });
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain('BATON_TOKEN must be 32 to 256 letters, digits, - or _');
    const lease = baton(['serve', '--data-dir', dir, '--port', '0', '--worker-lease', '0']);
    expect(lease.status).not.toBe(0);
    expect(lease.stderr).toContain('--worker-lease must be a number of seconds from 1 to 3600, got "0"');
  });
});
