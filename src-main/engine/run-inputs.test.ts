import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PreparedContext } from '../../src-shared/contract/domains/work.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let dir: string | null = null;
const apps: BatonApp[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const plan = {
  plan_id: 'report',
  run_inputs: {
    region: { type: 'string', required: true, description: 'where to report on' },
    days: { type: 'number', default: 7 },
  },
  tasks: [task('gather')],
};

describe('run inputs', () => {
  it('are checked against the plan and handed to every task as inputs.run, defaults filled in', async () => {
    const app = createApp({ dataDir: ':memory:', log: () => {} });
    apps.push(app);
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', { plan });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', {
      plan_id: 'report',
      inputs: { region: 'eu' },
    });
    await app.engine.whenSettled(run_id);
    const run = await call<RunDetail>(app, 'runs.get', { run_id });
    expect(run.tasks[0]!.output).toMatchObject({ inputs: { run: { region: 'eu', days: 7 } } });

    for (const [inputs, path] of [
      [{}, 'inputs.region: is required (string)'],
      [{ region: 3 }, 'inputs.region: must be string, got number'],
      [
        { region: 'eu', colour: 'red' },
        'inputs.colour: the plan declares no input "colour" (it takes: region, days)',
      ],
    ] as const) {
      const r = await app.dispatch('runs.start', { plan_id: 'report', inputs });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringContaining(path) },
      });
    }
    // A plan that declares none takes none.
    await call(app, 'plans.import', { plan: { plan_id: 'plain', tasks: [task('a')] } });
    expect(await app.dispatch('runs.start', { plan_id: 'plain', inputs: { x: 1 } })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('inputs.x: the plan declares no run inputs') },
    });
    expect((await call<{ run_id: string }[]>(app, 'runs.list', {})).length).toBe(1);
  });

  it('survive a restart: a resumed run still hands them to its tasks', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-run-inputs-'));
    // No executor for echo: the task waits for its agent to pull it, across the restart.
    const first = createApp({ dataDir: dir, executors: { echo: undefined }, log: () => {} });
    apps.push(first);
    await call(first, 'agents.import', { agents: [{ id: 'd', skills: ['x'] }] });
    await call(first, 'plans.import', { plan });
    const { run_id } = await call<{ run_id: string }>(first, 'runs.start', {
      plan_id: 'report',
      inputs: { region: 'us', days: 2 },
    });
    await first.close();
    apps.length = 0;
    const second = createApp({ dataDir: dir, executors: { echo: undefined }, log: () => {} });
    apps.push(second);
    const ctx = await call<PreparedContext>(second, 'work.context', {
      agent_id: 'd',
      run_id,
      task_id: 'gather',
    });
    expect(ctx.task.inputs).toEqual({ run: { region: 'us', days: 2 } });
  });
});
