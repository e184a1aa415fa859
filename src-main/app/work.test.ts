import { afterEach, describe, expect, it } from 'vitest';
import type { AgentExecutionStats } from '../../src-shared/schemas/run.ts';
import { call, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

describe('work.stats time range', () => {
  it('counts an attempt however the range is written: whole seconds, an offset, or dates alone', async () => {
    // An attempt started within the second 12:00:00 (at .250) must fall in a range that starts at
    // that second: compared as text, "…12:00:00Z" sorts after "…12:00:00.250Z" and missed it.
    let now = Date.parse('2026-03-10T12:00:00.250Z');
    app = createApp({
      dataDir: ':memory:',
      clock: { now: () => now },
      executors: { echo: undefined },
      log: () => {},
    });
    const run = await setup(app, [{ id: 'd', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await call(app, 'work.execute', { agent_id: 'd', run_id: run, task_id: 't' });
    now += 2_000;
    await call(app, 'work.complete', {
      agent_id: 'd',
      run_id: run,
      task_id: 't',
      status: 'completed',
      output: {},
    });
    const stats = (range: Record<string, string>) =>
      call<AgentExecutionStats>(app, 'work.stats', { agent_id: 'd', ...range });

    expect(await stats({ start: '2026-03-10T12:00:00Z' })).toMatchObject({ total: 1, completed: 1 });
    expect(
      await stats({ start: '2026-03-10T14:00:00+02:00', end: '2026-03-10T14:00:01+02:00' }),
    ).toMatchObject({
      total: 1,
    });
    expect(await stats({ start: '2026-03-10', end: '2026-03-10' })).toMatchObject({ total: 1 });
    expect(await stats({ start: '2026-03-11' })).toMatchObject({ total: 0 });
    expect(await stats({ end: '2026-03-09' })).toMatchObject({ total: 0 });

    const bad = await app.dispatch('work.stats', { agent_id: 'd', start: 'last week' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(bad)).toContain('start');
  });
});
