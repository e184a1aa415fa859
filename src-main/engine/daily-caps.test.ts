import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { call, controlledExecutor, eventually, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

// Agents' daily caps, through the app on a real SQLite file and an injected clock: a task whose
// agent has spent its day's cap is not started (it waits for the day to turn, or for another
// qualified agent), a running attempt is told at its next model turn and not stopped mid-way,
// and a restart keeps what was spent today.

let dir: string;
let app: BatonApp | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-daily-caps-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Two seconds before local midnight, and a second after it. */
const LATE = new Date(2026, 10, 21, 23, 59, 58).getTime();
const NEXT_DAY = new Date(2026, 10, 22, 0, 0, 1).getTime();
const MIDNIGHT = new Date(2026, 10, 22).toISOString();

const usage = (seq: number, usd: number, tokens = 100): Step => ({
  kind: 'usage',
  seq,
  at: new Date(LATE).toISOString(),
  model: 'm',
  input_tokens: tokens,
  output_tokens: 0,
  cached_input_tokens: 0,
  cost_usd: usd,
  cost_source: 'priced',
  duration_ms: 5,
});
const llm = (id: string, daily_cap?: { usd?: number; tokens?: number }) => ({
  id,
  kind: 'llm' as const,
  skills: ['x'],
  base_url: 'http://127.0.0.1:9/v1',
  model: 'm',
  ...(daily_cap ? { daily_cap } : {}),
});

const clock = { at: LATE, now: () => clock.at };
const open = (exec: ReturnType<typeof controlledExecutor>) => {
  app = createApp({ dataDir: dir, executors: { llm: exec.executor }, log: () => {}, clock });
  return app;
};
const taskOf = async (run: string, id: string) =>
  (await call<RunDetail>(app!, 'runs.get', { run_id: run })).tasks.find((t) => t.task_id === id)!;

/** `bot` runs `a`, which spends `usd` (and `tokens`) and succeeds; `b` comes next. */
async function spendThenNext(exec: ReturnType<typeof controlledExecutor>, usd: number, tokens = 100) {
  const run = (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'p' })).run_id;
  await eventually(() => exec.running.has('a'));
  const a = exec.running.get('a')!;
  a.emit({ type: 'step', step: usage(0, usd, tokens) });
  await eventually(
    async () => (await call<Step[]>(app!, 'runs.steps', { run_id: run, task_id: 'a' })).length === 1,
  );
  return { run, a };
}

const plan = { plan_id: 'p', tasks: [task('a'), task('b', { depends_on: ['a'] })] };

describe('a daily cap', () => {
  beforeEach(() => {
    clock.at = LATE;
  });

  it('stops the next start, not a running turn; the day turning lets it start', async () => {
    const exec = controlledExecutor();
    open(exec);
    await call(app!, 'agents.import', { agents: [llm('bot', { usd: 5 })] });
    await call(app!, 'plans.import', { plan });
    const { run, a } = await spendThenNext(exec, 5.02);
    // The attempt running is not stopped: it is told at its next model turn.
    expect(exec.aborted).toEqual([]);
    const why = 'agent bot spent $5.02 of its $5.00 a day; resets at 00:00';
    expect(a.ctx.budgetPassed?.(5.02)).toBe(why);
    a.finish();
    await eventually(async () => (await taskOf(run, 'b')).reason?.includes('a day') === true);
    const b = await taskOf(run, 'b');
    expect(b.status).toBe('ready');
    expect(b.reason).toBe(`Waiting for quota until ${MIDNIGHT}: bot limited (${why})`);
    expect(exec.started).toEqual(['a#1']);
    // The day turns: the timer armed for it matches the task again.
    clock.at = NEXT_DAY;
    await eventually(() => exec.started.includes('b#1'));
    expect((await taskOf(run, 'b')).agent_id).toBe('bot');
  });

  it('holds tokens too, and another qualified agent under its cap takes the task', async () => {
    const exec = controlledExecutor();
    open(exec);
    await call(app!, 'agents.import', { agents: [llm('bot', { tokens: 1_000 })] });
    await call(app!, 'plans.import', { plan });
    const { run, a } = await spendThenNext(exec, 0.01, 1_200);
    a.finish();
    await eventually(async () => (await taskOf(run, 'b')).reason?.includes('tokens a day') === true);
    expect((await taskOf(run, 'b')).reason).toContain('agent bot used 1,200 of its 1,000 tokens a day');
    await call(app!, 'agents.import', { agents: [llm('spare', { usd: 100 })] });
    await eventually(() => exec.started.includes('b#1'));
    const b = await taskOf(run, 'b');
    expect(b.agent_id).toBe('spare');
    expect(b.match?.rejected).toContainEqual(
      expect.objectContaining({ agent_id: 'bot', reason: expect.stringContaining('1,000 tokens a day') }),
    );
  });

  it('an agent under its cap, or without one, is not held', async () => {
    const exec = controlledExecutor();
    open(exec);
    await call(app!, 'agents.import', { agents: [llm('bot', { usd: 5 })] });
    await call(app!, 'plans.import', { plan });
    const { a } = await spendThenNext(exec, 4.99);
    expect(a.ctx.budgetPassed?.(4.99)).toBeNull();
    a.finish();
    await eventually(() => exec.started.includes('b#1'));
  });

  it('keeps what was spent today across a restart, and forgets it the next day', async () => {
    const exec = controlledExecutor();
    open(exec);
    await call(app!, 'agents.import', { agents: [llm('bot', { usd: 5 })] });
    await call(app!, 'plans.import', { plan });
    const { run, a } = await spendThenNext(exec, 6);
    a.finish();
    await eventually(async () => (await taskOf(run, 'b')).reason?.includes('a day') === true);
    await app!.close();

    // Opened again the same day: the total is read again, b still waits (a task of another
    // agent, started after it, shows the engine matched b first and passed over its agent).
    const again = controlledExecutor();
    open(again);
    await call(app!, 'agents.import', { agents: [{ ...llm('zed'), skills: ['z'] }] });
    await call(app!, 'plans.import', {
      plan: { plan_id: 'q', tasks: [task('z1', { required_skills: ['z'] })] },
    });
    await call(app!, 'runs.start', { plan_id: 'q' });
    await eventually(() => again.started.includes('z1#1'));
    expect(again.started).toEqual(['z1#1']);
    expect((await taskOf(run, 'b')).reason).toContain('agent bot spent $6.00 of its $5.00 a day');
    await app!.close();

    // Opened the next day: it starts.
    clock.at = NEXT_DAY;
    const third = controlledExecutor();
    open(third);
    await eventually(() => third.started.includes('b#1'));
  });

  it("a plan's daily cap holds all its runs' tasks until the day turns", async () => {
    const exec = controlledExecutor();
    open(exec);
    await call(app!, 'agents.import', { agents: [{ ...llm('bot'), max_concurrency: 4 }] });
    await call(app!, 'plans.import', { plan: { ...plan, daily_cap: { usd: 3 } } });
    const { run, a } = await spendThenNext(exec, 3.5);
    const why = 'plan p spent $3.50 of its $3.00 a day; resets at 00:00';
    expect(a.ctx.budgetPassed?.(3.5)).toBe(why);
    a.finish();
    await eventually(async () => (await taskOf(run, 'b')).reason?.includes('a day') === true);
    expect((await taskOf(run, 'b')).reason).toBe(`Waiting for quota until ${MIDNIGHT}: ${why}`);
    // Another run of the plan: its first task waits too.
    const other = (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'p' })).run_id;
    await eventually(async () => (await taskOf(other, 'a')).reason?.includes('a day') === true);
    expect(exec.started).toEqual(['a#1']);
    clock.at = NEXT_DAY;
    await eventually(
      () => exec.started.includes('b#1') && exec.started.filter((k) => k === 'a#1').length === 2,
    );
  });

  it("a project's daily cap holds its plans' runs together; raising it lets them go, and a restart keeps it", async () => {
    const exec = controlledExecutor();
    open(exec);
    await call(app!, 'agents.import', { agents: [{ ...llm('bot'), max_concurrency: 4 }] });
    await call(app!, 'projects.save', { id: 'web', name: 'Web', daily_cap: { usd: 3 } });
    await call(app!, 'plans.import', { plan: { ...plan, project_id: 'web' } });
    await call(app!, 'plans.import', {
      plan: { plan_id: 'q', project_id: 'web', tasks: [task('z1')] },
    });
    const { run, a } = await spendThenNext(exec, 3.5);
    const why = 'project web spent $3.50 of its $3.00 a day; resets at 00:00';
    expect(a.ctx.budgetPassed?.(3.5)).toBe(why);
    a.finish();
    await eventually(async () => (await taskOf(run, 'b')).reason?.includes('a day') === true);
    expect((await taskOf(run, 'b')).reason).toBe(`Waiting for quota until ${MIDNIGHT}: ${why}`);
    // Another plan of the project: its task waits on the same day's total.
    const other = (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'q' })).run_id;
    await eventually(
      async () => (await taskOf(other, 'z1')).reason === `Waiting for quota until ${MIDNIGHT}: ${why}`,
    );
    expect(exec.started).toEqual(['a#1']);

    // Opened again the same day: the project's total is read again from its plans' runs.
    await app!.close();
    const again = controlledExecutor();
    open(again);
    await eventually(async () => (await taskOf(other, 'z1')).reason?.includes('project web spent') === true);
    expect(again.started).toEqual([]);
    // Its cap raised: both go.
    await call(app!, 'projects.save', { id: 'web', name: 'Web', daily_cap: { usd: 10 } });
    await eventually(() => again.started.includes('b#1') && again.started.includes('z1#1'));
  });

  it('refuses bad values, naming the field', async () => {
    const exec = controlledExecutor();
    open(exec);
    const refused = async (daily_cap: unknown) => {
      const r = await app!.dispatch('agents.import', { agents: [{ ...llm('bot'), daily_cap }] });
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.message;
    };
    expect(await refused({ usd: -1 })).toMatch(/daily_cap\.usd.*must be more than 0/);
    expect(await refused({ usd: 'five' })).toMatch(/daily_cap\.usd.*must be a number of dollars/);
    expect(await refused({ tokens: 1.5 })).toMatch(/daily_cap\.tokens.*whole number of tokens/);
    expect(await refused({})).toMatch(/daily_cap.*needs usd, tokens or both/);
    expect(await refused({ usd: 5, dollars: 5 })).toMatch(/daily_cap.*dollars/);
    expect(await call<unknown[]>(app!, 'agents.list', {})).toEqual([]);
    const badPlan = await app!.dispatch('plans.import', {
      plan: { plan_id: 'p', daily_cap: { tokens: 0 }, tasks: [task('a')] },
    });
    expect(badPlan.ok ? '' : badPlan.error.message).toMatch(/daily_cap\.tokens.*whole number of tokens/);
    const badProject = await app!.dispatch('projects.save', {
      id: 'web',
      name: 'Web',
      daily_cap: { usd: 0 },
    });
    expect(badProject.ok ? '' : badProject.error.message).toMatch(/daily_cap\.usd.*must be more than 0/);
    expect(await call<unknown[]>(app!, 'projects.list', {})).toEqual([]);
  });
});
