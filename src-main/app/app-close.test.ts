import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../test/kit/engine-kit.ts';
import type { Executor } from '../engine/executor.ts';
import { running, sleepTags, stubbornAgent } from '../processes/testing/processes.ts';
import { createApp } from './create-app.ts';

const dirs: string[] = [];
const tags = sleepTags();
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The names of this process's threads (Linux): Node's worker threads are "WorkerThread". */
const workerThreads = () =>
  readdirSync('/proc/self/task').filter(
    (t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === 'WorkerThread',
  ).length;

describe.skipIf(process.platform !== 'linux')('app.close()', () => {
  it("settles once the store's checkpoint worker has ended, so a removed data directory stays removed", async () => {
    const before = workerThreads();
    // Closed as soon as it is made, the store's checkpoint worker is often still starting (a
    // thread loading SQLite); before close waited for it, it went on after close() returned,
    // opening the database and writing the WAL files into a directory a test had just removed
    // (tests removed it twice to be sure). Five rounds: each one alone may find it done already.
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'baton-close-'));
      dirs.push(dir);
      const app = createApp({ dataDir: dir, log: () => {} });
      await app.close();
      expect(workerThreads()).toBe(before);
      // Every connection closed: the WAL was copied into the database and removed with its index.
      expect(readdirSync(dir)).toEqual(['baton.db']);
      rmSync(dir, { recursive: true, force: true });
      expect(existsSync(dir)).toBe(false);
    }
  });

  it('answers the same promise when called again, after the database was used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-close-'));
    dirs.push(dir);
    const app = createApp({ dataDir: dir, log: () => {} });
    await app.dispatch('agents.import', { agents: [{ id: 'ash', skills: ['x'] }] });
    const closing = app.close();
    expect(app.close()).toBe(closing);
    await closing;
    expect(readdirSync(dir)).toEqual(['baton.db']);
  });

  it("settles once the agents' programs have stopped: none is left to outlive it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-close-'));
    dirs.push(dir);
    const app = createApp({ dataDir: dir, log: () => {} });
    // A program that ignores SIGTERM: only the SIGKILL after its grace (2 s) ends it. Before
    // close waited for it, close settled while it still ran, and the app's next owner (a test,
    // the next app in the same process) found it going.
    const tag = tags.next();
    await call(app, 'agents.import', { agents: [stubbornAgent(tag)] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 't', description: 'Keep running', required_skills: ['x'] }] },
    });
    await call(app, 'runs.start', { plan_id: 'p' });
    await expect.poll(() => running(tag).length).toBe(1);
    await app.close();
    expect(running(tag)).toEqual([]);
  });

  it('goes on past its wait when an executor ignores its abort (a bug), saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-close-'));
    dirs.push(dir);
    const logged: string[] = [];
    let started = false;
    // An executor that never looks at its signal and never ends: without the cap, close() never settled.
    const deaf: Executor = {
      usesWorkspace: false,
      async *start() {
        started = true;
        await new Promise(() => {});
      },
    };
    const app = createApp({
      dataDir: dir,
      executors: { echo: deaf },
      closeWaitMs: 200,
      log: (err, where) => logged.push(`${where}: ${(err as Error).message}`),
    });
    await call(app, 'agents.import', { agents: [{ id: 'deaf', kind: 'echo', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 't', description: 'Never ends', required_skills: ['x'] }] },
    });
    await call(app, 'runs.start', { plan_id: 'p' });
    await expect.poll(() => started).toBe(true);
    await app.close();
    expect(logged).toEqual(['stopping the agents: attempts still running 0.2 s after close began']);
    // The store was closed all the same: the WAL copied in and removed.
    expect(readdirSync(dir)).toEqual(['baton.db']);
  });
});
