import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit } from '../../test/kit/parts-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { ToStart } from './dispatcher.ts';

let app: BatonApp | undefined;
let kit: PartsKit | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  kit?.close();
  kit = undefined;
});

// The places an attempt holds (its agent's, the global limit's) while its task is in progress are
// given back however the task stops going on here.
describe('a tick whose write fails', () => {
  it('gives back the places of the attempts it assigned and never started: the agent and the global limit', async () => {
    const exec = controlledExecutor(() => 'hold');
    const logged: unknown[] = [];
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: (e) => logged.push(e) });
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 1 }], {
      plan_id: 'p',
      tasks: [task('t'), task('u', { depends_on: ['t'] })],
    });
    await eventually(() => exec.running.has('t'));
    // t's result readies u, which the same tick assigns to w; then u's row cannot be stored.
    app.store.db.exec(
      "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON task_runs WHEN new.task_id = 'u' AND new.status = 'in_progress' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
    );
    exec.running.get('t')!.finish();
    // The run is reloaded as stored: t was still running, so it runs again. w's one place, which
    // u took in the tick that rolled back, is free again (else t would wait for it forever).
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    expect(String(logged[0])).toContain('disk trouble');
    app.store.db.exec('DROP TRIGGER refuse');
    exec.running.get('t')!.finish();
    await eventually(() => exec.running.has('u'));
    exec.running.get('u')!.finish();
    expect(await app.engine.whenSettled(run)).toMatchObject({ status: 'completed' });
    // Nothing is held once the run is over: w takes work again.
    const agents = await call<Agent[]>(app, 'agents.list', {});
    expect(agents.find((a) => a.id === 'w')).toMatchObject({ status: 'ONLINE' });
  });
});

describe('a run that stops going on here', () => {
  it('gives back the places of attempts it assigned that hold no flight (not started, or their end still waiting)', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', kind: 'echo', skills: ['x'], max_concurrency: 3 }]);
    const run = kit.start({ plan_id: 'p', tasks: [task('a'), task('b')] });
    const toStart: ToStart[] = [];
    kit.parts.loader.tx(() => kit!.parts.dispatcher.fill(toStart, { spent: false, use() {} }));
    expect(toStart.map(([, t]) => t.task_id)).toEqual(['a', 'b']);
    expect([kit.rt.loadOf('w'), kit.rt.inFlight]).toEqual([2, 2]);
    // Another process took the run over before its attempts started here.
    kit.parts.holds.lose(run);
    expect([kit.rt.loadOf('w'), kit.rt.inFlight]).toEqual([0, 0]);
    // A handler that still holds the run (lost as its own transaction began) gives nothing back twice.
    kit.parts.holds.release(run, kit.task(run, 'a'));
    expect([kit.rt.loadOf('w'), kit.rt.inFlight]).toEqual([0, 0]);
  });
});
