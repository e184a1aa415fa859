import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import type { BudgetStatus } from '../../src-shared/schemas/spend.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { call, eventually, setup, task } from '../kit/engine-kit.ts';

let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * Costs an agent reports that are finite but absurd (1e308 each) added up to Infinity: the task's
 * cost and its budget's spend read back as null. Past MOST_BELIEVED_USD a call's cost is unknown.
 */
describe('finite costs that overflow when summed', () => {
  it("two 1e308 costs leave the task's cost and its budget numbers", async () => {
    const at = () => new Date().toISOString();
    const usage = {
      kind: 'usage',
      at: at(),
      model: 'm',
      input_tokens: 1,
      output_tokens: 1,
      cached_input_tokens: 0,
    };
    const executor: Executor = {
      usesWorkspace: false,
      async *start() {
        yield { type: 'usage', prompt_tokens: 1, completion_tokens: 1, cost: 1e308, model: 'm' };
        yield { type: 'usage', prompt_tokens: 1, completion_tokens: 1, cost: 1e308, model: 'm' };
        yield { type: 'step', step: { ...usage, seq: 0, cost_usd: 1e308, cost_source: 'reported' } as Step };
        yield { type: 'step', step: { ...usage, seq: 1, cost_usd: 1e308, cost_source: 'reported' } as Step };
        yield { type: 'result', output: 'ok' };
      },
    };
    app = createApp({ dataDir: ':memory:', log: () => {}, executors: { echo: executor } });
    const runId = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      budget: 10,
      tasks: [task('first')],
    });
    const runOf = () =>
      call<{ tasks: { status: string; cost: unknown; cost_unknown: number }[] }>(app!, 'runs.get', {
        run_id: runId,
      });
    await eventually(async () => !['ready', 'in_progress'].includes((await runOf()).tasks[0]!.status));
    const t = (await runOf()).tasks[0]!;
    const budgets = await call<BudgetStatus[]>(app, 'spend.budgets', {});
    // Over the wire (JSON) Infinity is null: the very reading the fix meant to end.
    expect(JSON.parse(JSON.stringify(t)).cost).not.toBeNull();
    expect(JSON.parse(JSON.stringify(budgets[0])).spent).not.toBeNull();
  });
});
