import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, setup } from '../kit/engine-kit.ts';

let dir: string;
let app: BatonApp;
afterEach(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TASKS = 600;
/** What is measured is the matching: the agents' programs run without the sandbox's set-up, which would be most of each start. */
const OFF = { mode: 'off' } as const;

describe('matching counts how long agents take', () => {
  it('sends most instant work to the fast command agent, though it is at capacity most of the time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-speed-'));
    app = createApp({ dataDir: dir, log: () => {} });
    // Two real programs with the same skill: one that ends at once, one that takes three
    // seconds. Each has free slots at times while the other is full. Three seconds, so that the
    // fast one stays the faster however busy the machine (a CI run beside a CPU hog made its
    // start take a good part of half a second, and the slow one got 54 tasks).
    const run = await setup(
      app,
      [
        { id: 'fast', kind: 'command', skills: ['x'], command: 'true', max_concurrency: 4, sandbox: OFF },
        {
          id: 'slow',
          kind: 'command',
          skills: ['x'],
          command: 'sleep',
          args: ['3'],
          max_concurrency: 4,
          sandbox: OFF,
        },
      ],
      {
        plan_id: 'instant',
        tasks: Array.from({ length: TASKS }, (_, i) => ({
          task_id: `t${i}`,
          description: 'nothing to do',
          required_skills: ['x'],
        })),
      },
    );
    await app.engine.whenSettled(run);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(d.status).toBe('completed');
    const by = { fast: 0, slow: 0 };
    for (const t of d.tasks) by[t.agent_id as 'fast' | 'slow']++;
    // The slow agent takes what it is given before its time is known (its first slots), and then
    // nothing more: the fast one, once free, is expected to finish sooner.
    expect(by.fast + by.slow).toBe(TASKS);
    expect(by.slow).toBeLessThanOrEqual(TASKS * 0.03);
    // The breakdown shows why: the slow agent's expected time and its speed next to the fast one's.
    const lostOnSpeed = d.tasks.find((t) =>
      t.match?.rejected.some((r) => r.agent_id === 'slow' && r.score && r.score.speed < 0.5),
    );
    expect(lostOnSpeed?.agent_id).toBe('fast');
    expect(lostOnSpeed?.match?.score).toMatchObject({ speed: 1 });
    expect(lostOnSpeed?.match?.score?.expected_ms).toBeTypeOf('number');
  }, 180_000);
});
