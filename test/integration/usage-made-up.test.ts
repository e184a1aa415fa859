import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import type { BudgetStatus } from '../../src-shared/schemas/spend.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { call, eventually, setup, task } from '../kit/engine-kit.ts';

// Usage a model server or an agent makes up (1e308 tokens, an Infinity cost) once priced to
// Infinity: the task's cost read back as null, and the plan's budget stayed `over` for good.
let app: BatonApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  await app?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  app = undefined;
  server = undefined;
});

const ANSWER =
  '{"model":"m","choices":[{"message":{"content":"done"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1e308,"completion_tokens":1}}';
const CHUNKS = [
  '{"model":"m","choices":[{"delta":{"content":"done"}}]}',
  '{"model":"m","choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1e308,"completion_tokens":1}}',
];

/** What the run, its budget and its usage step read back as once the run has ended. */
async function spendOf(a: BatonApp, runId: string) {
  const runOf = () =>
    call<{ tasks: { status: string; cost: unknown; cost_unknown: number }[] }>(a, 'runs.get', {
      run_id: runId,
    });
  // The task has ended (done, failed or held), whatever became of its run.
  await eventually(async () => !['ready', 'in_progress'].includes((await runOf()).tasks[0]!.status));
  const run = await runOf();
  const budgets = await call<BudgetStatus[]>(a, 'spend.budgets', {});
  const steps = await call<Step[]>(a, 'runs.steps', { run_id: runId, task_id: 'first' });
  return { task: run.tasks[0]!, budgets, usage: steps.filter((s) => s.kind === 'usage') };
}

describe("a model's made-up usage", () => {
  it.each([
    ['a whole answer', false],
    ['a stream', true],
  ])(
    'in %s is not believed: the turn costs unknown, and spend and budgets stay numbers',
    async (_, streamed) => {
      server = createServer(async (req, res) => {
        for await (const _ of req);
        if (!streamed) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(ANSWER);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`${CHUNKS.map((c) => `data: ${c}\n\n`).join('')}data: [DONE]\n\n`);
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      app = createApp({ dataDir: ':memory:', log: () => {} });
      const agent = {
        id: 'sage',
        kind: 'llm',
        base_url: `http://127.0.0.1:${port}/v1`,
        model: 'm',
        skills: ['x'],
        tools: [{ kind: 'workspace' }],
        prices: { m: { prompt_per_1k: 5, completion_per_1k: 5 } },
      };
      const runId = await setup(app, [agent as never], { plan_id: 'p', budget: 10, tasks: [task('first')] });
      const { task: t, budgets, usage } = await spendOf(app, runId);
      expect(t).toMatchObject({ status: 'done', cost: 0, cost_unknown: 1 });
      expect(budgets[0]).toMatchObject({ spent: 0, unknown: 1, state: 'within' });
      expect(usage).toMatchObject([
        { input_tokens: 0, output_tokens: 0, cost_usd: null, cost_source: 'unknown' },
      ]);
    },
  );

  it("an executor's cost that is not a finite amount is taken as unknown, not summed into the budget", async () => {
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
        yield {
          type: 'usage',
          prompt_tokens: 1,
          completion_tokens: 1,
          cost: Number.POSITIVE_INFINITY,
          model: 'm',
        };
        yield {
          type: 'step',
          step: { ...usage, seq: 0, cost_usd: Number.POSITIVE_INFINITY, cost_source: 'reported' } as Step,
        };
        // Malformed (its row cannot be written): what it says was spent would still be charged.
        yield {
          type: 'step',
          step: { ...usage, seq: -1, cost_usd: Number.NaN, cost_source: 'reported' } as never,
        };
        yield { type: 'step', step: { ...usage, seq: 1, cost_usd: 0.5, cost_source: 'reported' } as Step };
        yield { type: 'result', output: 'ok' };
      },
    };
    app = createApp({ dataDir: ':memory:', log: () => {}, executors: { echo: executor } });
    await call(app, 'projects.save', { id: 'prj', name: 'Project', budget: 5 });
    const runId = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      project_id: 'prj',
      budget: 10,
      tasks: [task('first')],
    });
    const { task: t, budgets, usage: steps } = await spendOf(app, runId);
    expect(t).toMatchObject({ status: 'done', cost: 0.5, cost_unknown: 3 });
    expect(budgets.map((b) => [b.scope, b.spent, b.state]).sort()).toEqual([
      ['project', 0.5, 'within'],
      ['run', 0.5, 'within'],
    ]);
    expect(steps.map((s) => s.kind === 'usage' && [s.cost_usd, s.cost_source])).toEqual([
      [null, 'unknown'],
      [0.5, 'reported'],
    ]);
  });
});
