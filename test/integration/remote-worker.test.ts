import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Artifact, RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { alive, buildAgent, CLI, killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const TOKEN = 'remote-worker-test-token-0123456789abcdef';
/** Short leases, so a worker that disappears is noticed within the test. */
const LEASE_MS = 1_500;

describe('baton worker', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  const workers: WorkerProcess[] = [];
  const pids: number[] = [];

  const serve = async (port = 0) => {
    app = createApp({ dataDir: dir, workerLeaseMs: LEASE_MS, log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      port,
      token: TOKEN,
      routes: createRestHandler(app.dispatch),
    });
  };
  const worker = (id: string, agentId: string, extra: string[] = []) => {
    const w = startWorker(host.url, TOKEN, id, [buildAgent(agentId)], dir, extra);
    workers.push(w);
    return w;
  };
  const agents = () => call<Agent[]>(app, 'agents.list', {});
  const registered = (agentId: string) =>
    eventually(async () => (await agents()).some((a) => a.id === agentId), 20_000, `${agentId} registered`);
  const startRun = async (tasks: unknown[]) => {
    await call(app, 'plans.import', { plan: { plan_id: 'remote', tasks } });
    const { run } = await call<{ run: RunDetail }>(app, 'runs.start', { plan_id: 'remote' });
    return run.id;
  };
  const run = (id: string) => call<RunDetail>(app, 'runs.get', { run_id: id });
  const ended = (id: string, timeout = 30_000) =>
    eventually(async () => (await run(id)).status !== 'executing', timeout, 'the run to end');
  const pidOf = async (task: string, attempt: number) => {
    const file = join(dir, 'pids', `${task}-${attempt}.pid`);
    await eventually(
      () => existsSync(file) && readFileSync(file, 'utf8') !== '',
      20_000,
      `${task} attempt ${attempt} to start`,
    );
    const pid = Number(readFileSync(file, 'utf8'));
    pids.push(pid);
    return pid;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-test-'));
    mkdirSync(join(dir, 'pids'));
    await serve();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await host.close();
    await app.close();
    await removeDir(dir);
  });

  it("runs a plan's tasks on the worker's agents, with their logs, progress and files on the server", async () => {
    // What a killed worker's session left in the same data dir (its process is gone).
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const earlier = join(dir, 'wa', 'tasks', `1-${dead}`);
    mkdirSync(join(earlier, 'r-old', 'build', '1'), { recursive: true });
    writeFileSync(join(earlier, 'owner.json'), JSON.stringify({ pid: dead, started: 1 }));
    writeFileSync(join(earlier, 'r-old', 'build', '1', 'half-done.txt'), 'left behind');
    const w = worker('wa', 'builder');
    await registered('builder');
    const listed = (await agents()).find((a) => a.id === 'builder')!;
    // Shown on the server as the worker's own agent: kind, skills, capacity, owner.
    expect(listed).toMatchObject({
      kind: 'command',
      skills: ['remote_build'],
      max_concurrency: 1,
      worker: 'wa',
    });
    const id = await startRun([
      { task_id: 'compile', description: 'Compile it', required_skills: ['remote_build'] },
      {
        task_id: 'package',
        description: 'Package it',
        required_skills: ['remote_build'],
        depends_on: ['compile'],
      },
    ]);
    await ended(id);
    const detail = await run(id);
    expect(detail.status).toBe('completed');
    for (const t of detail.tasks) {
      expect(t).toMatchObject({ status: 'done', agent_id: 'builder', attempt: 1, progress: 100 });
    }
    const pkg = detail.tasks.find((t) => t.task_id === 'package')!;
    // The dependency's output went to the worker and came back in the dependent's.
    expect(pkg.output).toEqual({
      task: 'package',
      by: 'builder',
      attempt: 1,
      deps: [{ task: 'compile', by: 'builder', attempt: 1, deps: [] }],
    });
    const logs = await call<{ text: string; stream: string }[]>(app, 'runs.taskLogs', {
      run_id: id,
      task_id: 'compile',
    });
    expect(logs.map((l) => [l.stream, l.text])).toEqual(
      expect.arrayContaining([
        ['stdout', 'working on compile, attempt 1, as builder'],
        ['stderr', 'a line on stderr'],
      ]),
    );
    const progress = await call<{ progress: number; message: string | null }[]>(app, 'runs.taskProgress', {
      run_id: id,
      task_id: 'compile',
    });
    expect(progress.map((p) => p.message)).toEqual(expect.arrayContaining(['starting', 'done']));
    const files = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id: id, task_id: 'compile' });
    expect(files.map((f) => f.name)).toEqual(['report.txt']);
    expect(readFileSync(files[0]!.path, 'utf8')).toBe('report of compile by builder\n');
    await eventually(() => w.stderr().includes('registered as worker wa with builder'), 10_000, 'its line');
    // The earlier session's folder went when the worker started; each task's folder once its
    // completion was acknowledged: only this session's own folder is left, with nothing in it.
    expect(existsSync(earlier)).toBe(false);
    const sessions = readdirSync(join(dir, 'wa', 'tasks'));
    expect(sessions).toHaveLength(1);
    await eventually(
      () => readdirSync(join(dir, 'wa', 'tasks', sessions[0]!)).join() === 'owner.json',
      10_000,
      'the task folders to be removed',
    );
    // SIGTERM with nothing held: it stops and exits 0, and its session's folder goes.
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(readdirSync(join(dir, 'wa', 'tasks'))).toEqual([]);
  });

  it('queues the task of a worker killed mid-task again as a new attempt once its lease lapses, and a second worker finishes it', async () => {
    const a = worker('wa', 'builder-a');
    await registered('builder-a');
    const id = await startRun([
      {
        task_id: 'compile',
        description: 'Compile it',
        required_skills: ['remote_build'],
        inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 600_000 },
      },
    ]);
    const agent = await pidOf('compile', 1);
    a.child.kill('SIGKILL');
    await a.exited;
    // The killed worker's agent does not go on running on its machine (its parent watch stops it).
    await eventually(() => !alive(agent), 15_000, "the killed worker's agent to be stopped");
    const b = worker('wb', 'builder-b');
    await ended(id);
    const detail = await run(id);
    expect(detail.status).toBe('completed');
    expect(detail.tasks[0]).toMatchObject({ status: 'done', agent_id: 'builder-b', attempt: 2 });
    expect(detail.tasks[0]!.output).toMatchObject({ by: 'builder-b', attempt: 2 });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: id, task_id: 'compile' });
    expect(attempts.map((t) => [t.attempt, t.agent_id, t.outcome])).toEqual([
      [1, 'builder-a', 'interrupted'],
      [2, 'builder-b', 'done'],
    ]);
    expect(attempts[0]!.error).toMatch(/worker wa stopped answering \(its lease of 1\.5 s lapsed\)/);
    await eventually(() => b.stderr().includes('took compile (run'), 10_000, 'the second worker to say so');
  });

  it('tells a worker that comes back with a stale task to drop it, and it kills the agent', async () => {
    const a = worker('wa', 'builder-a');
    await registered('builder-a');
    const id = await startRun([
      {
        task_id: 'compile',
        description: 'Compile it',
        required_skills: ['remote_build'],
        inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 600_000 },
      },
      {
        task_id: 'package',
        description: 'Package it',
        required_skills: ['remote_build'],
        depends_on: ['compile'],
        inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 600_000 },
      },
    ]);
    const first = await pidOf('compile', 1);
    // The worker stops answering (paused, as a laptop lid or a network partition), its agent runs on.
    a.child.kill('SIGSTOP');
    worker('wb', 'builder-b');
    const compile = async () => (await run(id)).tasks.find((t) => t.task_id === 'compile')!;
    await eventually(
      async () => (await compile()).status === 'done',
      30_000,
      'compile done by the second worker',
    );
    expect(await compile()).toMatchObject({ agent_id: 'builder-b', attempt: 2 });
    // The run goes on (package holds its first attempt) when the first worker comes back.
    await pidOf('package', 1);
    expect(alive(first)).toBe(true);
    a.child.kill('SIGCONT');
    // Back, it is told attempt 1 is no longer its own and stops its agent.
    await eventually(() => !alive(first), 20_000, 'the stale attempt to be stopped');
    const dropped = /dropping compile \(run \S+, attempt 1\): attempt 1 of compile was given up/;
    await eventually(() => dropped.test(a.stderr()), 10_000, 'the worker to say it drops it');
    // It went on working (only the task was dropped), and nothing it sent changed the task.
    expect(a.child.exitCode).toBeNull();
    expect(await compile()).toMatchObject({ status: 'done', agent_id: 'builder-b', attempt: 2 });
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  });

  it('gives its tasks back when stopped with SIGTERM: the agent is stopped and the task queued again at once', async () => {
    const a = worker('wa', 'builder-a');
    await registered('builder-a');
    const id = await startRun([
      {
        task_id: 'compile',
        description: 'Compile it',
        required_skills: ['remote_build'],
        inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 600_000 },
      },
    ]);
    const first = await pidOf('compile', 1);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(alive(first)).toBe(false);
    expect(a.stderr()).toContain('gave back 1 task(s)');
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: id, task_id: 'compile' });
    expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'interrupted' });
    expect(attempts[0]!.error).toMatch(/worker wa stopped and gave it back/);
    expect((await run(id)).tasks[0]!.status).toBe('ready');
  });

  it('goes on through a restart of the server: it reconnects, and the task it held completes once', async () => {
    const a = worker('wa', 'builder-a');
    await registered('builder-a');
    const id = await startRun([
      {
        task_id: 'compile',
        description: 'Compile it',
        required_skills: ['remote_build'],
        inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 3_000 },
      },
    ]);
    await pidOf('compile', 1);
    const port = host.port;
    await host.close();
    await app.close();
    await eventually(() => /heartbeat: server unreachable/.test(a.stderr()), 20_000, 'the worker to notice');
    await serve(port);
    await ended(id);
    const detail = await run(id);
    expect(detail.status).toBe('completed');
    expect(detail.tasks[0]).toMatchObject({ status: 'done', agent_id: 'builder-a', attempt: 1 });
    await eventually(() => a.stderr().includes('the server answers again'), 10_000, 'the worker to say so');
    expect(a.child.exitCode).toBeNull();
  });

  it('goes on after a task its agent cannot run: the task fails on the server, the worker takes the next', async () => {
    const missing = join(dir, 'no-such-program');
    const w = startWorker(
      host.url,
      TOKEN,
      'wa',
      [{ id: 'broken', kind: 'command', skills: ['remote_build'], command: missing }],
      dir,
    );
    workers.push(w);
    await registered('broken');
    const first = await startRun([
      { task_id: 'compile', description: 'Compile it', required_skills: ['remote_build'] },
    ]);
    await ended(first);
    const failed = (await run(first)).tasks[0]!;
    expect(failed).toMatchObject({ status: 'failed', agent_id: 'broken' });
    expect(failed.error).toContain(missing);
    await eventually(() => w.stderr().includes('failed: compile (run'), 10_000, 'the worker to say so');
    // Still pulling: the next run's task goes to it too.
    const second = await startRun([
      { task_id: 'compile', description: 'Compile it', required_skills: ['remote_build'] },
    ]);
    await ended(second);
    expect((await run(second)).tasks[0]).toMatchObject({ status: 'failed', agent_id: 'broken' });
    expect(w.child.exitCode).toBeNull();
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('refuses bad flags with an error naming the flag', () => {
    const baton = (args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, 'worker', ...args], { encoding: 'utf8', timeout: 30_000 });
      return { code: r.status, stderr: r.stderr };
    };
    const agentsFile = join(dir, 'agents.json');
    writeFileSync(agentsFile, JSON.stringify([{ id: 'p', kind: 'human', skills: ['x'] }]));
    expect(baton(['--token', TOKEN, '--agents', agentsFile])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--server is required'),
    });
    expect(baton(['--server', 'ftp://x', '--token', TOKEN, '--agents', agentsFile]).stderr).toContain(
      '--server must be an http or https URL, got "ftp://x"',
    );
    expect(baton(['--server', host.url, '--agents', agentsFile]).stderr).toContain('--token is required');
    expect(baton(['--server', host.url, '--token', TOKEN]).stderr).toContain('--agents is required');
    expect(baton(['--server', host.url, '--token', TOKEN, '--agents', agentsFile]).stderr).toContain(
      `--agents ${agentsFile}: [0].kind: a worker runs echo, command, http, llm, coding agents, not human`,
    );
    expect(
      baton(['--server', host.url, '--token', TOKEN, '--agents', join(dir, 'none.json')]).stderr,
    ).toContain('cannot read agents file');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ id: 'e', kind: 'echo', skills: ['x'] }]));
    expect(
      baton(['--server', host.url, '--token', TOKEN, '--agents', good, '--poll-ms', 'often']).stderr,
    ).toContain('--poll-ms must be a whole number');
    expect(baton(['--server', host.url, '--workers', '2']).stderr).toContain("'--workers'");
  });
});
