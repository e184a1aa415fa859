import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { Conversation, ModelServer } from '../kit/model-servers/scripted-server.ts';
import { faultyServer } from './connect.ts';
import {
  detail,
  eventually,
  oneTask,
  openApp,
  pendingApprovals,
  removeAll,
  startRun,
  stepsOf,
  tempDir,
  toolAgent,
} from './loop-kit.ts';

let app: BatonApp | null = null;
let model: ModelServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = null;
  await model?.close();
  model = null;
  await removeAll(dirs);
});

const faulty = (mode: string, extra: Record<string, unknown> = {}) => ({
  kind: 'mcp_stdio',
  name: 'faulty',
  command: process.execPath,
  args: [faultyServer, mode],
  ...extra,
});
const allowAll = [{ tools: '*', policy: 'allow' }];

/** Runs one task of an agent with `tools` against a scripted conversation; returns the run's task and the model. */
async function runLoop(
  turns: Conversation['turns'],
  agentExtra: Record<string, unknown>,
  planExtra: Record<string, unknown> = {},
) {
  model = await startChatServer({ conversations: [{ name: 'c', match: () => true, turns }] });
  app = openApp(tempDir('baton-faults-', dirs));
  const run = await startRun(app, toolAgent(model.url, { tool_policy: allowAll, ...agentExtra }), {
    ...oneTask(),
    ...planExtra,
  });
  await app.engine.whenSettled(run);
  const d = await detail(app, run);
  const texts = (i: number) => model!.modelCalls('c')[i]?.request?.texts.join('\n') ?? '';
  return { task: d.tasks[0]!, run, texts, steps: stepsOf(app, run) };
}

describe('tool sources that fail', () => {
  it('an MCP server that is not installed fails the attempt with an error naming the command', async () => {
    const { task } = await runLoop([{ text: 'never asked' }], {
      tools: [{ kind: 'mcp_stdio', name: 'nope', command: 'baton-no-such-mcp-server' }],
    });
    expect(task.status).toBe('failed');
    expect(task.error).toBe(
      'MCP server "nope" (command "baton-no-such-mcp-server") could not start: spawn baton-no-such-mcp-server ENOENT',
    );
    expect(model!.modelCalls('c')).toHaveLength(0);
  });

  it('a server that exits at start: the error says how it ended and what it said on stderr', async () => {
    const { task } = await runLoop([{ text: 'never asked' }], { tools: [faulty('crash-at-start')] });
    expect(task.status).toBe('failed');
    expect(task.error).toContain('MCP server "faulty"');
    expect(task.error).toContain('could not start');
    expect(task.error).toContain('the server exited with code 3');
    expect(task.error).toContain('faulty-server: crashing at start');
  });

  it('a server that crashes during a call: the model is told, and the server is started again for the next call', async () => {
    const { task, texts, steps } = await runLoop(
      [
        { tools: [{ name: 'faulty__boom', input: {} }] },
        { tools: [{ name: 'faulty__echo', input: { message: 'still here' } }] },
        { text: 'recovered' },
      ],
      { tools: [faulty('crash-on-call')] },
    );
    expect(task).toMatchObject({ status: 'done', output: { text: 'recovered' } });
    expect(texts(1)).toContain('failed during the call');
    expect(texts(1)).toContain('the server exited with code 3');
    expect(texts(1)).toContain('faulty-server: crashing during a call');
    expect(texts(2)).toContain('still here');
    expect(
      steps.filter((s) => s.kind === 'tool_call').map((s) => (s.kind === 'tool_call' ? s.status : '')),
    ).toEqual(['failed', 'done']);
  });

  it('a server that hangs on a call: the call fails after the source timeout, the loop goes on', async () => {
    const { task, texts } = await runLoop(
      [
        { tools: [{ name: 'faulty__wait', input: {} }] },
        { tools: [{ name: 'faulty__echo', input: { message: 'after the hang' } }] },
        { text: 'ok' },
      ],
      { tools: [faulty('hang-on-call', { timeout_s: 1 })] },
    );
    expect(task.status).toBe('done');
    expect(texts(1)).toContain('MCP server "faulty" (command');
    expect(texts(1)).toContain('did not answer within 1 s');
    expect(texts(2)).toContain('after the hang');
  });

  it('a server that prints garbage on stdout: its calls still work', async () => {
    const { task, texts } = await runLoop(
      [{ tools: [{ name: 'faulty__echo', input: { message: 'through the garbage' } }] }, { text: 'ok' }],
      { tools: [faulty('garbage')] },
    );
    expect(task.status).toBe('done');
    expect(texts(1)).toContain('through the garbage');
  });
});

describe('limits of the loop', () => {
  const forever = Array.from({ length: 10 }, () => ({
    tools: [{ name: 'faulty__echo', input: { message: 'again' } }],
  }));

  it('max_steps: the loop stops after that many model turns, saying so', async () => {
    const { task, steps } = await runLoop(forever, { tools: [faulty('garbage')], max_steps: 3 });
    expect(task.status).toBe('failed');
    expect(task.error).toBe('stopped after 3 model turns (max_steps) without a final answer');
    expect(model!.modelCalls('c')).toHaveLength(3);
    expect(steps.at(-1)).toMatchObject({ kind: 'result', is_error: true, text: task.error });
  });

  it("max_cost_usd: usage priced as it streams stops the loop once the agent's limit is spent", async () => {
    // Each turn: 100 prompt + 20 completion tokens at 1 USD / 1k each = 0.12 USD.
    const { task } = await runLoop(forever, {
      tools: [faulty('garbage')],
      prices: { tiny: { prompt_per_1k: 1, completion_per_1k: 1 } },
      max_cost_usd: 0.3,
    });
    expect(task.status).toBe('failed');
    expect(task.error).toContain("stopped: the agent's max_cost_usd of 0.3 is spent");
    expect(model!.modelCalls('c')).toHaveLength(3);
    // What it spent is charged.
    expect(task.cost).toBeCloseTo(0.36, 9);
  });

  it("the plan's budget stops the loop too, and its task waits for a person's approval", async () => {
    model = await startChatServer({ conversations: [{ name: 'c', match: () => true, turns: forever }] });
    app = openApp(tempDir('baton-faults-', dirs));
    const agent = toolAgent(model.url, {
      tool_policy: allowAll,
      tools: [faulty('garbage')],
      prices: { tiny: { prompt_per_1k: 1, completion_per_1k: 1 } },
    });
    const run = await startRun(app, agent, { ...oneTask(), budget: 0.2 });
    await eventually(async () => (await pendingApprovals(app!)).length === 1);
    const [approval] = await pendingApprovals(app);
    const why =
      'the plan budget of 0.2 for this run is used up (spent 0.24: 0 charged, 0.24 by attempts still running)';
    expect(approval).toMatchObject({ kind: 'budget', reason: why });
    const task = (await detail(app, run)).tasks[0]!;
    expect(task).toMatchObject({ status: 'awaiting_approval', cost: 0.24 });
    expect(stepsOf(app, run).at(-1)).toMatchObject({
      kind: 'result',
      is_error: true,
      text: `stopped: ${why}`,
    });
    expect(model.modelCalls('c')).toHaveLength(2);
  });
});

describe('output_schema', () => {
  const schema = {
    type: 'object',
    properties: { answer: { type: 'number' } },
    required: ['answer'],
    additionalProperties: false,
  };

  it('sent as response_format; a mismatch is asked again once, and the JSON is the output', async () => {
    const { task, texts } = await runLoop(
      [{ text: '{"answer": "forty-two"}' }, { text: '```json\n{"answer": 42}\n```' }],
      {},
      { tasks: [{ ...oneTask().tasks[0]!, output_schema: schema }] },
    );
    expect(task).toMatchObject({ status: 'done', output: { answer: 42 } });
    const body = model!.modelCalls('c')[0]!.request!.body;
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'task_output', schema, strict: false },
    });
    expect(texts(1)).toContain('Your answer does not match the required JSON Schema');
  });

  it('a second mismatch fails the attempt naming it', async () => {
    const { task } = await runLoop(
      [{ text: 'not json' }, { text: '{"answer": 1, "extra": true}' }],
      {},
      { tasks: [{ ...oneTask().tasks[0]!, output_schema: schema }] },
    );
    expect(task.status).toBe('failed');
    expect(task.error).toContain("the answer does not match the task's output_schema:");
    expect(task.error).toContain('additional');
  });
});
