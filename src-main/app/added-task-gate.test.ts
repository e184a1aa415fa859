import { afterEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

/**
 * `inputs.baton_gate` marks the engine's own escalations (a person's decision, outside the cap
 * on added tasks and the loop check). A caller of `runs.addTask` (a member, an agent's `add_task`
 * over MCP) that set it added tasks past the cap, the same words again and again, each waiting as
 * a fake escalation in the inbox with the agent's words as its reason.
 */
let app: BatonApp;
afterEach(() => app?.close());

describe("runs.addTask and Baton's own inputs", () => {
  it('refuses inputs.baton_gate, naming it; nothing is added, and the cap still counts', async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 10 }], {
      plan_id: 'p',
      decider: { kind: 'rules', max_created_tasks: 2 },
      tasks: [task('a')],
    });
    await eventually(() => exec.running.has('a'), 2_000, 'a running');
    const add = (id: string, inputs: Record<string, unknown>) =>
      app.dispatch('runs.addTask', {
        run_id: run,
        actor: 'scout (MCP)',
        task: { task_id: id, description: `do ${id}`, required_skills: ['x'], inputs },
      });
    const refused = await add('g0', { baton_gate: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(refused)).toContain('task.inputs.baton_gate');
    expect((await call<RunDetail>(app, 'runs.get', { run_id: run })).added_tasks).toEqual([]);
    // Plain added tasks count against the cap as before.
    expect((await add('b1', { note: 1 })).ok).toBe(true);
    expect((await add('b2', { note: 2 })).ok).toBe(true);
    expect((await add('b3', { note: 3 })).ok).toBe(false);
  });
});
