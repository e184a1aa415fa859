import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { startServe } from '../e2e/serve-process.ts';
import { http } from '../kit/host-kit.ts';

const root = join(import.meta.dirname, '..', '..');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `baton` command, as a person runs it, in its own process. */
function baton(args: string[]): Promise<Result> {
  const child = spawn(process.execPath, [join(root, 'src-main', 'cli', 'baton.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

type Serve = Awaited<ReturnType<typeof startServe>>;

/** A contract call to a running `baton serve` over its HTTP API, as the UI's token holder. */
async function rpc<T>(serve: Serve, method: string, input: unknown): Promise<T> {
  const url = new URL(serve.url);
  const reply = await http(Number(url.port), `/api/rpc/${method}`, {
    method: 'POST',
    // A connection each: the CLI's processes leave gaps longer than the host's keep-alive.
    headers: {
      authorization: `Bearer ${url.searchParams.get('token')}`,
      'content-type': 'application/json',
      connection: 'close',
    },
    body: JSON.stringify(input),
  });
  const body = JSON.parse(reply.body) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(body.error?.message);
  return body.value;
}

/** A run of a one-task plan needing `skill`, started in `serve`, once it has ended there. */
async function runInServe(serve: Serve, planId: string, skill: string): Promise<RunDetail> {
  await rpc(serve, 'plans.import', {
    plan: { plan_id: planId, tasks: [{ task_id: 't', description: 'do it', required_skills: [skill] }] },
  });
  const { run_id } = await rpc<{ run_id: string }>(serve, 'runs.start', { plan_id: planId });
  const ended = () => rpc<RunDetail>(serve, 'runs.get', { run_id });
  await expect.poll(async () => (await ended()).status).not.toBe('executing');
  return ended();
}

/** Two tasks, the second gated by a person's approval. */
const GATED = {
  plan_id: 'gated',
  tasks: [
    { task_id: 'build', description: 'build', required_skills: ['x'] },
    {
      task_id: 'deploy',
      description: 'deploy',
      required_skills: ['x'],
      depends_on: ['build'],
      requires_approval: true,
    },
  ],
};

describe('the CLI and a running baton serve on one data directory', () => {
  let dir: string;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-host-'));
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const serveOn = async (port = 0) => {
    const serve = await startServe(dir, port);
    stops.push(serve.stop);
    return serve;
  };

  it('serve runs an agent the CLI imports at once, and as the CLI last edited it', async () => {
    const serve = await serveOn();
    await rpc(serve, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    // serve has matched a task already: it has read its agents.
    expect((await runInServe(serve, 'warm', 'x')).status).toBe('completed');
    // An attempt takes two seconds; its agent's own limit decides whether that is too long.
    const slow = (timeout_s: number) => ({
      id: 'slow',
      kind: 'command',
      skills: ['y'],
      command: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 2000)'],
      timeout_s,
    });
    const imported = await baton(['agents', 'import', file('slow.json', [slow(0.5)]), '--data-dir', dir]);
    expect(imported).toEqual({ code: 0, stdout: 'Imported 1 agent: slow\n', stderr: '' });
    const limited = await runInServe(serve, 'slow-work', 'y');
    expect(limited.tasks[0]).toMatchObject({ agent_id: 'slow', status: 'failed' });
    expect(limited.tasks[0]!.error).toContain('timed out after 0.5 s');

    expect((await baton(['agents', 'import', file('slow.json', [slow(60)]), '--data-dir', dir])).code).toBe(
      0,
    );
    const done = await runInServe(serve, 'slow-work', 'y');
    expect(done.tasks[0]).toMatchObject({ agent_id: 'slow', status: 'done' });
  });

  it('answers the same whichever way a command goes, errors naming the field', async () => {
    const agents = file('agents.json', [{ id: 'w', skills: ['x'] }]);
    const plan = file('plan.json', { ...GATED, tasks: GATED.tasks.slice(0, 1) });
    expect((await baton(['run', plan, '--agents', agents, '--data-dir', dir])).code).toBe(0);
    const runId = (
      JSON.parse((await baton(['runs', '--json', '--data-dir', dir])).stdout) as { id: string }[]
    )[0]!.id;
    const bad = file('bad.json', [{ id: 'b', kind: 'command', skills: ['x'] }]);
    const commands = [
      ['agents', 'list'],
      ['runs', '--json'],
      ['show', runId],
      ['show', 'run-nope'],
      ['approvals'],
      ['agents', 'import', bad],
      ['approve', 'apr-nope'],
    ];
    // Everything but the line saying that a run would go on in the host.
    const each = async () => {
      const out: Result[] = [];
      for (const c of commands) {
        const r = await baton([...c, '--data-dir', dir]);
        out.push({ ...r, stderr: r.stderr.replace(/^Through the Baton host at .*\n/, '') });
      }
      return out;
    };
    const alone = await each();
    expect(alone.at(-2)).toMatchObject({ code: 2, stderr: expect.stringContaining('agents[0].command') });
    await serveOn();
    expect(await each()).toEqual(alone);
  }, 180_000);

  it('baton approve answers for a run baton serve executes, and the run goes on there', async () => {
    const agents = file('agents.json', [{ id: 'w', skills: ['x'] }]);
    const r = await baton([
      'run',
      file('gated.json', GATED),
      '--agents',
      agents,
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(r.code).toBe(3);
    const approval = JSON.parse(r.stdout).waiting_for[0].approval_id as string;
    // serve takes the run over as it starts.
    const serve = await serveOn();
    const approved = await baton(['approve', approval, '--as', 'ana', '--data-dir', dir]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain(`Through the Baton host at ${new URL(serve.url).origin}/`);
    expect(approved.stderr).toMatch(/Approved deploy of run \S+ as ana/);
    expect(approved.stderr).toContain('✔ deploy done → w');
    expect(approved.stdout).toContain('Run completed: 2/2 tasks done');
    const runId = JSON.parse(r.stdout).run_id as string;
    expect(await rpc(serve, 'runs.get', { run_id: runId })).toMatchObject({ status: 'completed' });
  });

  // (A host that goes away under a command already talking to it, server.json read once more:
  // src-main/cli/host-socket.test.ts.)
  it('a command whose plan comes through a pipe goes through the host that serves once it is read: one restarted with a new token meanwhile', async () => {
    const first = await serveOn();
    const port = Number(new URL(first.url).port);
    await rpc(first, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    // The plan comes through a pipe: the command reads it before it looks for its host.
    const fifo = join(dir, 'plan.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const command = baton(['run', fifo, '--data-dir', dir, '--json']);
    const pipe = await open(fifo, 'w');
    await first.stop();
    // The same port, a new launch with a new token: the token the command holds is refused now.
    const again = await startServe(dir, port, ['--new-token']);
    stops.push(again.stop);
    await pipe.writeFile(JSON.stringify(GATED));
    await pipe.close();
    const r = await command;
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`Through the Baton host at http://127.0.0.1:${port}/`);
    const runId = JSON.parse(r.stdout).run_id as string;
    expect(await rpc(again, 'runs.waiting', { run_id: runId })).toMatchObject({ executing_here: true });
  });

  it('without a host (one killed left its server.json), commands work on the data directory and say so', async () => {
    const serve = await serveOn();
    serve.child.kill('SIGKILL');
    await serve.stop();
    const agents = file('agents.json', [{ id: 'w', skills: ['x'] }]);
    const imported = await baton(['agents', 'import', agents, '--data-dir', dir]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('Imported 1 agent: w\n');
    expect(imported.stderr).toMatch(
      /^No Baton host answers at http:\/\/127\.0\.0\.1:\d+\/ \(named in server\.json\): working on .* in this process\.\n$/,
    );
    const ran = await baton(['run', file('gated.json', GATED), '--data-dir', dir]);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('✔ build done → w');
    // Reading says nothing about where it went.
    expect(await baton(['agents', 'list', '--json', '--data-dir', dir])).toMatchObject({
      code: 0,
      stderr: '',
    });
  });
});
