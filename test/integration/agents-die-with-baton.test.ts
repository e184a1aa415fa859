import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import { startServe } from '../e2e/serve-process.ts';
import { launchAttemptChild } from '../kit/attempt-child-kit.ts';
import { attemptProcesses, until, watcherOf } from '../kit/baton-processes.ts';
import { call } from '../kit/engine-kit.ts';
import { http } from '../kit/host-kit.ts';
import { CLI } from '../kit/worker-process.ts';

// No process Baton starts for an agent outlives the Baton process that started it: `baton
// serve`, `baton run` and the app (createApp in a child process) are each SIGKILLed while their
// attempt runs a command agent that left a `setsid` grandchild, or a coding agent's CLI (a
// script the real coding executor runs) that does the same; every process carrying the
// attempt's marker must be gone soon after, with no Baton left to stop it. A Baton that exits
// normally leaves no watcher behind. Caps only bound a wait.

const CAP = 60_000;
const TOKEN = 'a-fixed-token-for-the-agents-die-test-0123456789';
const tags = sleepTags();
const root = mkdtempSync(join(tmpdir(), 'baton-agents-die-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A coding CLI that starts, prints its session, leaves `sleep $TAG_A` in a session of its own and becomes `sleep $TAG_B`. */
const fakeCli = join(root, 'claude');
writeFileSync(
  fakeCli,
  `#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s-1","model":"m"}'
setsid sleep "$TAG_A" &
exec sleep "$TAG_B"
`,
);
chmodSync(fakeCli, 0o755);

type Kind = 'command' | 'coding';

/**
 * A data directory, and what to register in it: a workspace, one agent of `kind`, a one-task
 * plan. A command agent runs `script` in `sh` (by default: `sleep <a>` in a session of its own,
 * then `sleep <b>`).
 */
function scene(kind: Kind, script = (a: string, b: string) => `setsid sleep ${a} & exec sleep ${b}`) {
  const [a, b] = [tags.next(), tags.next()];
  const dir = mkdtempSync(join(root, 'data-'));
  const agent =
    kind === 'command'
      ? { id: 'sh', kind, command: 'sh', args: ['-c', script(a, b)], skills: ['x'] }
      : {
          id: 'cli',
          kind,
          cli: 'claude',
          protocol: 'stream',
          executable: fakeCli,
          env: { TAG_A: a, TAG_B: b },
          skills: ['x'],
        };
  const repo = makeRepo();
  onTestFinished(repo.cleanup);
  const plan = {
    plan_id: `p-${kind}`,
    ...(kind === 'coding' ? { workspace: 'app' } : {}),
    tasks: [{ task_id: 't', description: 'Keep running', required_skills: ['x'] }],
  };
  return { dir, a, b, workspace: { id: 'app', path: repo.repo }, agents: [agent], plan };
}
type Scene = ReturnType<typeof scene>;

/** A Baton process running the scene's run: its pid, the run, and how it exits. */
interface Started {
  pid: number;
  run: string;
  exited: Promise<unknown>;
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r(child.exitCode);
    else child.once('exit', (code) => r(code));
  });

/** Registers the workspace (and agents) as another Baton process on the data directory would have. */
async function register(s: Scene, agents: boolean): Promise<void> {
  const app = createApp({ dataDir: s.dir, resume: false, log: () => {} });
  try {
    await call(app, 'workspaces.add', s.workspace);
    if (agents) await call(app, 'agents.import', { agents: s.agents });
  } finally {
    await app.close();
  }
}

async function viaServe(s: Scene): Promise<Started> {
  await register(s, false);
  process.env.BATON_TOKEN = TOKEN;
  const server = await startServe(s.dir).finally(() => delete process.env.BATON_TOKEN);
  onTestFinished(() => server.stop());
  const port = Number(new URL(server.url).port);
  const rpc = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await http(port, `/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(input),
    });
    const parsed = JSON.parse(r.body) as { ok: boolean; value: T; error?: { message: string } };
    if (!parsed.ok) throw new Error(`${method}: ${parsed.error!.message}`);
    return parsed.value;
  };
  await rpc('agents.import', { agents: s.agents });
  await rpc('plans.import', { plan: s.plan });
  const { run_id } = await rpc<{ run_id: string }>('runs.start', { plan_id: s.plan.plan_id });
  return { pid: server.child.pid!, run: run_id, exited: exitOf(server.child) };
}

/** `baton run plan.json --agents agents.json` as a user types it; resolves once it names its run. */
async function viaRun(s: Scene): Promise<Started & { code: Promise<number | null> }> {
  await register(s, false);
  const planFile = join(s.dir, 'plan.json');
  const agentsFile = join(s.dir, 'agents.json');
  writeFileSync(planFile, JSON.stringify(s.plan));
  writeFileSync(agentsFile, JSON.stringify(s.agents));
  const child = spawn(process.execPath, [CLI, 'run', planFile, '--agents', agentsFile, '--data-dir', s.dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const code = exitOf(child);
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await code;
  });
  let err = '';
  const run = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d;
      const m = /^Run (\S+) of /m.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`baton run exited (${c}) before starting its run:\n${err}`)));
  });
  return { pid: child.pid!, run, exited: code, code };
}

async function viaApp(s: Scene): Promise<Started> {
  writeFileSync(
    join(s.dir, 'setup.json'),
    JSON.stringify({ workspace: s.workspace, agents: s.agents, plan: s.plan }),
  );
  const owner = launchAttemptChild(s.dir, 30_000, CAP);
  const run = await owner.line('RUN ');
  return { pid: owner.pid, run, exited: owner.exited };
}

const HOSTS = { 'baton serve': viaServe, 'baton run': viaRun, 'the app': viaApp } as const;

describe.skipIf(process.platform !== 'linux')(
  "an agent's processes when the Baton process that started them is SIGKILLed",
  { timeout: 3 * CAP },
  () => {
    describe.each(Object.keys(HOSTS) as (keyof typeof HOSTS)[])('%s', (host) => {
      it.each(['command', 'coding'] as const)(
        'a %s agent: every process of its attempt is stopped, the setsid one too',
        async (kind) => {
          const s = scene(kind);
          const baton = await HOSTS[host](s);
          onTestFinished(() => {
            for (const pid of attemptProcesses(baton.run)) process.kill(pid, 'SIGKILL');
          });
          await until(
            () => running(s.a).length === 1 && running(s.b).length === 1,
            CAP,
            "the attempt's two programs to run",
          );
          expect(attemptProcesses(baton.run).length).toBeGreaterThanOrEqual(2);
          process.kill(baton.pid, 'SIGKILL');
          await baton.exited;
          await until(() => attemptProcesses(baton.run).length === 0, CAP, "the attempt's processes to stop");
          expect(running(s.a).length + running(s.b).length).toBe(0);
          await until(() => watcherOf(baton.pid).length === 0, CAP, 'the watcher to exit');
        },
      );
    });

    it('a Baton process that exits normally leaves no watcher behind', async () => {
      const fifo = join(root, `go-${tags.next()}`);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      // Leaves a setsid sleep, and ends done once the test writes to the fifo.
      const s = scene('command', (a) => `setsid sleep ${a} & read x < '${fifo}'`);
      const baton = await viaRun(s);
      await until(() => running(s.a).length === 1, CAP, 'the attempt to run');
      await until(() => watcherOf(baton.pid).length === 1, CAP, "baton run's watcher");
      writeFileSync(fifo, 'go\n');
      expect(await baton.code).toBe(0);
      await until(() => watcherOf(baton.pid).length === 0, CAP, 'the watcher to exit');
      expect(attemptProcesses(baton.run)).toEqual([]);
    });
  },
);
