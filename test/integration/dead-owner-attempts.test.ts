import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import type { TaskAttempt } from '../../src-shared/schemas/run.ts';
import { launchAttemptChild } from '../kit/attempt-child-kit.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call, eventually } from '../kit/engine-kit.ts';

// A Baton process (attempt-child.ts) runs a command agent whose program leaves a `setsid`
// grandchild behind it, and is SIGKILLed mid-attempt together with its watcher (as a power cut
// would end both; the watcher alone is tested in agents-die-with-baton.test.ts); then another
// process on the same data directory takes responsibility for its run — to cancel it, or to go
// on with it. Whoever does stops what the dead process's attempt left running. Deadlines only
// bound a wait.

/** Renewed every second: a test sees the lease renewed after its attempt started. */
const TTL = 3_000;
const DEADLINE = 60_000;
const tags = sleepTags();

/** A data directory holding what attempt-child.ts sets up: one task for a command agent. */
function dataDir(agentArgs: string[], sandbox: 'off' | 'required' = 'off'): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-dead-owner-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  // Unsandboxed by default: what is left behind by a program outside the OS sandbox (a coding
  // CLI today, an agent whose sandbox is off) is what a later Baton must find and stop. A
  // sandboxed program's processes die with Baton anyway (the last test).
  const agent = {
    id: 'sh',
    kind: 'command',
    command: 'sh',
    args: agentArgs,
    skills: ['x'],
    sandbox: { mode: sandbox },
  };
  const plan = { plan_id: 'p', tasks: [{ task_id: 't', description: 'sleep', required_skills: ['x'] }] };
  writeFileSync(join(dir, 'setup.json'), JSON.stringify({ agents: [agent], plan }));
  return dir;
}

/**
 * A program that, in its first attempt, starts `sleep <a>` in a session of its own (`setsid`:
 * it leaves the attempt's process group) and becomes `sleep <b>`; a later attempt becomes `sleep <c>`.
 */
const sleeper = (a: string, b: string, c: string) => [
  '-c',
  `if [ "$1" = 1 ]; then setsid sleep ${a} & exec sleep ${b}; fi; exec sleep ${c}`,
  'sh',
  '{attempt}',
];

/** Reads the store as another process would (read-only, its own connection). */
function observe(dir: string) {
  const db = new Database(join(dir, 'baton.db'), { readonly: true, fileMustExist: true });
  onTestFinished(() => {
    db.close();
  });
  return {
    leaseExpires: (run: string) =>
      (db.prepare('SELECT lease_expires_at FROM runs WHERE id = ?').get(run) as { lease_expires_at: number })
        .lease_expires_at,
    startedAt: (run: string) =>
      Date.parse(
        (
          db.prepare("SELECT started_at FROM task_runs WHERE run_id = ? AND task_id = 't'").get(run) as {
            started_at: string;
          }
        ).started_at,
      ),
  };
}

/** Starts the run in a child Baton and waits until its attempt's two sleeps run. */
async function startAndWait(a: string, b: string, c: string, sandbox: 'off' | 'required' = 'off') {
  const dir = dataDir(sleeper(a, b, c), sandbox);
  const owner = launchAttemptChild(dir, TTL, DEADLINE);
  const run = await owner.line('RUN ');
  await eventually(
    () => running(a).length === 1 && running(b).length === 1,
    DEADLINE,
    "the attempt's two programs to run",
  );
  return { dir, owner, run };
}

describe.skipIf(process.platform !== 'linux')(
  'the run of a Baton killed mid-attempt',
  { timeout: 3 * DEADLINE },
  () => {
    it('cancelled from another process: the programs its attempt left are stopped, the setsid one too', async () => {
      const [a, b, c] = [tags.next(), tags.next(), tags.next()];
      const { dir, owner, run } = await startAndWait(a, b, c);
      await killWithWatcher(owner.pid, owner.exited);
      // Nothing stops them by itself: they outlive the Baton that started them.
      expect([running(a).length, running(b).length]).toEqual([1, 1]);

      const app = createApp({ dataDir: dir, resume: false, log: () => {} });
      onTestFinished(() => app.close());
      const r = await app.dispatch('runs.cancel', { run_id: run, actor: 'ops' });
      expect(r).toMatchObject({ ok: true, value: { status: 'cancelled' } });
      await eventually(
        () => running(a).length + running(b).length === 0,
        DEADLINE,
        "the killed Baton's programs to stop",
      );
    });

    it('in the OS sandbox, the programs of its attempt die with it, even with its watcher killed first', async () => {
      const [a, b, c] = [tags.next(), tags.next(), tags.next()];
      const { owner } = await startAndWait(a, b, c, 'required');
      await killWithWatcher(owner.pid, owner.exited);
      // bubblewrap ends its sandbox when the Baton that started it dies (its parent-death signal).
      await eventually(
        () => running(a).length + running(b).length === 0,
        DEADLINE,
        'the sandboxed programs to die with their Baton',
      );
    });

    it('taken over by another process: what its attempt left is stopped while the task runs again, and the attempt is kept with how long it was seen running', async () => {
      const [a, b, c] = [tags.next(), tags.next(), tags.next()];
      const { dir, owner, run } = await startAndWait(a, b, c);
      const store = observe(dir);
      const started = store.startedAt(run);
      // The owner renews its lease after the attempt started: a sign that it still ran the attempt then.
      await eventually(() => store.leaseExpires(run) - TTL > started, DEADLINE, 'a renewal after the start');
      const renewed = store.leaseExpires(run) - TTL;
      await killWithWatcher(owner.pid, owner.exited);
      const killed = Date.now();

      const app = createApp({ dataDir: dir, leaseTtlMs: TTL, log: () => {} });
      onTestFinished(() => app.close());
      // Attempt 2 runs here, and what attempt 1 left goes while it does: not only when the run ends.
      await eventually(() => running(c).length === 1, DEADLINE, 'attempt 2 to run');
      await eventually(
        () => running(a).length + running(b).length === 0,
        DEADLINE,
        "the killed Baton's programs to stop",
      );
      expect(app.store.runs.get(run)!.status).toBe('executing');
      const [first, second] = await call<TaskAttempt[]>(app, 'runs.taskAttempts', {
        run_id: run,
        task_id: 't',
      });
      expect(second).toMatchObject({ attempt: 2, outcome: 'running' });
      expect(first).toMatchObject({ attempt: 1, outcome: 'interrupted' });
      // Not zero: it ran at least until the last renewal, and it cannot have run past the kill.
      expect(Date.parse(first!.started_at!)).toBe(started);
      expect(Date.parse(first!.finished_at!)).toBeGreaterThanOrEqual(renewed);
      expect(Date.parse(first!.finished_at!)).toBeLessThanOrEqual(killed);

      await call(app, 'runs.cancel', { run_id: run, actor: 'ops' });
      await eventually(() => running(c).length === 0, DEADLINE, 'attempt 2 to stop');
    });
  },
);
