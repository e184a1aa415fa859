import { afterEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

/**
 * Decider answers the decision schema accepts but a task spec would not take as they stand (a
 * description over 20,000 characters once its parts are joined, a skill over 64): the tick that
 * applies one must go on, add a task or an escalation, and leave every other attempt alone.
 */

let app: BatonApp;
afterEach(() => app?.close());

const DECIDER = {
  id: 'dec',
  kind: 'llm',
  skills: ['decide'],
  max_concurrency: 4,
  base_url: 'http://127.0.0.1:9/v1',
  model: 'm',
} as const;
const WORKER = { id: 'w', skills: ['x'], max_concurrency: 10 };
const WAIT = { action: 'wait_for_more_tasks', reasoning: 'nothing more', urgency: 'normal' };

/** An llm executor (the decider model) that answers `first`, then "wait"; `before` runs as it is asked. */
function deciderModel(first: unknown, before: () => void = () => {}) {
  let asked = 0;
  return {
    async *start() {
      before();
      yield { type: 'result', output: asked++ === 0 ? first : WAIT };
    },
  };
}

const detail = (run: string) => call<RunDetail>(app, 'runs.get', { run_id: run });

/** A run of tasks a and c with an llm decider answering `decision` once; a ends, c goes on running. */
async function decidedRun(decision: unknown) {
  const exec = controlledExecutor();
  app = createApp({
    dataDir: ':memory:',
    executors: { echo: exec.executor, llm: deciderModel(decision) as never },
    log: () => {},
  });
  const run = await setup(app, [WORKER, DECIDER as never], {
    plan_id: 'p',
    decider: { kind: 'llm', agent_id: 'dec' },
    tasks: [task('a'), task('c')],
  });
  await eventually(() => exec.running.has('a') && exec.running.has('c'), 5_000, 'a and c running');
  exec.running.get('a')!.finish('A');
  return { exec, run };
}

/** The run's task c is still its first attempt, running; the task the answer added is `added`. */
async function expectUndisturbed(exec: ReturnType<typeof controlledExecutor>, run: string) {
  const d = await detail(run);
  expect(d.tasks.find((t) => t.task_id === 'c')).toMatchObject({ status: 'in_progress', attempt: 1 });
  expect(exec.started).not.toContain('c#2');
  expect(exec.aborted).toEqual([]);
  return d;
}

describe('a decider answer that meets the decision schema', () => {
  it('with every field at its longest adds its task, its description cut to a task description’s limit', async () => {
    const { exec, run } = await decidedRun({
      action: 'create_task',
      reasoning: 'r',
      task_description: 'd'.repeat(10_000),
      context_to_pass: {
        files_to_reference: Array(50).fill('f'.repeat(500)),
        key_information: 'k'.repeat(5_000),
      },
      urgency: 'normal',
    });
    // Before, the tick applying the answer failed: no task was ever added, and a and c were reloaded.
    await eventually(async () => (await detail(run)).added_tasks.length === 1, 5_000, 'the decided task');
    const d = await expectUndisturbed(exec, run);
    const added = d.added_tasks[0]!;
    expect(added.task_id).toBe('decided-1');
    expect(added.description.length).toBeLessThanOrEqual(20_000);
    expect(added.description.startsWith('d'.repeat(10_000))).toBe(true);
    expect(added.description).toMatch(/…\n\n\(cut/);
    // The decided task runs, once; c was started once only.
    await eventually(() => exec.running.has('decided-1'), 5_000, 'decided-1 running');
    expect(exec.started).toEqual(['a#1', 'c#1', 'decided-1#1']);
  });

  it('with a next_agent_type longer than a skill may be adds its task asking no skill', async () => {
    const { exec, run } = await decidedRun({
      action: 'create_task',
      reasoning: 'r',
      task_description: 'write it',
      next_agent_type: 's'.repeat(80),
      urgency: 'normal',
    });
    await eventually(async () => (await detail(run)).added_tasks.length === 1, 5_000, 'the decided task');
    const d = await expectUndisturbed(exec, run);
    expect(d.added_tasks[0]).toMatchObject({
      task_id: 'decided-1',
      description: 'write it',
      required_skills: [],
    });
  });

  it("leaves another plan's run alone: its ended attempt keeps its result and its running one is not restarted", async () => {
    const exec = controlledExecutor();
    const decision = {
      action: 'create_task',
      reasoning: 'r',
      task_description: 'write it',
      next_agent_type: 's'.repeat(80),
      urgency: 'normal',
    };
    // z, of another plan's run, ends while the decider is asked: its end and the answer meet in one tick.
    const model = deciderModel(decision, () => exec.running.get('z')?.finish('Z'));
    app = createApp({
      dataDir: ':memory:',
      executors: { echo: exec.executor, llm: model as never },
      log: () => {},
    });
    const run = await setup(app, [WORKER, DECIDER as never], {
      plan_id: 'p',
      decider: { kind: 'llm', agent_id: 'dec' },
      tasks: [task('a')],
    });
    await call(app, 'plans.import', { plan: { plan_id: 'q', tasks: [task('z'), task('y')] } });
    const other = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'q' })).run_id;
    await eventually(() => ['a', 'z', 'y'].every((t) => exec.running.has(t)), 5_000, 'a, z and y running');
    exec.running.get('a')!.finish('A');
    await eventually(async () => (await detail(run)).added_tasks.length === 1, 5_000, 'the decided task');
    const d = await detail(other);
    expect(d.tasks.map((t) => [t.task_id, t.status, t.attempt])).toEqual([
      ['z', 'done', 1],
      ['y', 'in_progress', 1],
    ]);
    expect(exec.started).not.toContain('z#2');
    expect(exec.started).not.toContain('y#2');
  });

  it('is asked for after a task whose description is long (within the plan schema)', async () => {
    const exec = controlledExecutor();
    let asked = 0;
    const model = {
      async *start() {
        asked++;
        yield { type: 'result', output: WAIT };
      },
    };
    app = createApp({
      dataDir: ':memory:',
      executors: { echo: exec.executor, llm: model as never },
      log: () => {},
    });
    const run = await setup(app, [WORKER, DECIDER as never], {
      plan_id: 'p',
      decider: { kind: 'llm', agent_id: 'dec' },
      tasks: [task('a', { description: 'd'.repeat(19_500) }), task('b', { depends_on: ['a'] })],
    });
    await eventually(() => exec.running.has('a'), 5_000, 'a running');
    exec.running.get('a')!.finish('A');
    await eventually(() => exec.running.has('b'), 5_000, 'b running');
    exec.running.get('b')!.finish('B');
    // Before, the prompt with a's description passed a task description's limit: the model was
    // never asked, and "The decider failed" escalation held the run open.
    await eventually(async () => (await detail(run)).status === 'completed', 5_000, 'the run completed');
    expect((await detail(run)).added_tasks).toEqual([]);
    expect(asked).toBe(2);
  });
});
