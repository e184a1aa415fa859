import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TurnState } from '../../src-shared/steering.ts';
import { call, eventually, setup } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

// Stop this turn, Pause and Resume are refused, saying how the task stands, where there is no turn
// to stop: a task not running, an agent of another kind (a command: a process, no turns), an
// unknown run or task, a Resume of an agent nobody holds. Nothing is recorded for a refusal.
const WAITS =
  "const t = setInterval(() => require('fs').existsSync(process.argv[1]) && clearInterval(t), 50)";
let app: BatonApp | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a person’s hold on an agent’s turns, refused', () => {
  it('names the task’s state; an agent with no turns is said; nothing is stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-turns-refused-'));
    dirs.push(dataDir);
    app = createApp({ dataDir, log: () => {} });
    const a = app;
    const run = await setup(
      a,
      [
        {
          id: 'runner',
          kind: 'command',
          command: process.execPath,
          // Runs until the test writes its file.
          args: ['-e', WAITS, join(dataDir, 'stop')],
          skills: ['x'],
          sandbox: { mode: 'off' },
        },
      ],
      {
        plan_id: 'p',
        tasks: [
          { task_id: 'busy', description: 'Run.', required_skills: ['x'] },
          { task_id: 'later', description: 'After.', required_skills: ['x'], depends_on: ['busy'] },
        ],
      },
    );
    const busy = { run_id: run, task_id: 'busy', actor: 'ana' };
    await eventually(() => a.store.runs.task(run, 'busy')?.status === 'in_progress');
    for (const method of ['runs.interrupt', 'runs.pause'])
      await expect(call(a, method, busy)).rejects.toThrow(
        'task "busy" is running, but agent "runner" (kind command) has no turn Baton can stop now',
      );
    await expect(call(a, 'runs.resume', busy)).rejects.toThrow(
      'task "busy" is not paused and its turn was not stopped: its agent is not between turns',
    );
    await expect(call(a, 'runs.pause', { ...busy, task_id: 'later' })).rejects.toThrow(
      'task "later" is not running: it is blocked',
    );
    await expect(call(a, 'runs.interrupt', { ...busy, task_id: 'nope' })).rejects.toThrow(
      `task "nope" not found in run "${run}"`,
    );
    await expect(call(a, 'runs.interrupt', { ...busy, run_id: 'run-nope' })).rejects.toThrow(
      'run "run-nope" not found',
    );
    await expect(call(a, 'runs.resume', { ...busy, task_id: 'nope' })).rejects.toThrow(
      `task "nope" not found in run "${run}"`,
    );
    expect(await call<TurnState>(a, 'runs.turns', { run_id: run, task_id: 'busy' })).toEqual({
      held: null,
      by: null,
      since: null,
      kept_by: null,
      can_stop: false,
      between_turns: false,
    });
    expect(a.store.pauses.list()).toEqual([]);
    const audit = await call<{ actor: string }[]>(a, 'audit.list', { run_id: run, task_id: 'busy' });
    expect(audit.filter((e) => e.actor === 'ana')).toEqual([]);
    writeFileSync(join(dataDir, 'stop'), '');
    await a.engine.whenSettled(run);
  }, 30_000);
});
