import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { gate, installed, type openBaton, talkingBaton, worktreeOf } from './baton-kit.ts';

// A person talks to the real opencode while it works (runs.say): Baton drives it over its own
// server (`opencode serve`, through Baton's bridge in the OS sandbox), and the words are one more
// `prompt_async`. The scripted model holds its first answer until the message is sent; opencode
// puts the message in its very next request, after the answer's tool result, and the model
// (which writes bananas.txt only when asked to) acts on it. A done task refuses a message.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let close: (() => Promise<void>) | undefined;
const SAID = 'Please also write bananas.txt.';
const { held, release } = gate();
const asked = (req: ModelRequest) => req.texts.some((t) => t.includes(SAID));

beforeAll(async () => {
  if (!installed) return;
  ({ servers, baton, close } = await talkingBaton('opencode', [
    { plan: 'steer', task: 'talk', description: 'Run a command.' },
  ]));
  servers.script('opencode', [
    {
      name: 'steer',
      turns: [
        {
          before: () => held,
          tools: [{ name: 'bash', input: { command: 'echo first', description: 'Run a command' } }],
        },
        {
          text: 'Writing what I was asked.',
          tools: [
            {
              name: 'write',
              input: (req) => ({
                filePath: `${worktreeOf(req)}/${asked(req) ? 'bananas.txt' : 'plain.txt'}`,
                content: 'bananas\n',
              }),
            },
          ],
        },
        { text: 'Done, with bananas.' },
      ],
    },
  ]);
}, 120_000);

afterAll(async () => {
  release();
  await close?.();
});

const steps = (runId: string) =>
  call<StoredStep[]>(baton.app, 'runs.steps', { run_id: runId, task_id: 'talk' });

describe.skipIf(!installed)('a person talks to opencode mid-task', () => {
  it('reaches the model in its next request and the agent acts on it; a done task refuses', async () => {
    const { app } = baton;
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'steer' })).run_id;
    const ref = { run_id: runId, task_id: 'talk' };
    // The model holds its first answer: the turn is open, and the attempt listens.
    await expect.poll(() => servers.calls('opencode', 'steer').length, { timeout: 120_000 }).toBe(1);
    await expect
      .poll(() => call(app, 'runs.listening', ref), { timeout: 60_000 })
      .toEqual({ delivery: 'this_turn', says: 'opencode: sent into this turn (at its next model request)' });
    const answer = await call<{ delivery: string; says: string }>(app, 'runs.say', {
      ...ref,
      text: SAID,
      actor: 'ana',
    });
    expect(answer).toMatchObject({ delivery: 'this_turn' });
    // Recorded at once, with the person's name, while the model still holds its answer.
    await expect
      .poll(async () => (await steps(runId)).some((s) => s.kind === 'message' && s.by === 'ana'), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(servers.calls('opencode', 'steer')).toHaveLength(1);
    release();
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');

    const calls = servers.calls('opencode', 'steer');
    expect(calls).toHaveLength(3);
    expect(asked(calls[0]!.request!)).toBe(false);
    // The very next request: the command's output, then the person's words.
    const next = calls[1]!.request!.texts;
    const output = next.findIndex((t) => t.includes('first'));
    expect(output).toBeGreaterThan(-1);
    expect(next.findIndex((t) => t.includes(SAID))).toBeGreaterThan(output);
    // It acted on them: bananas.txt is on the task's branch.
    const out = task.output as CodingOutput;
    expect(out.files.map((f) => f.path)).toEqual(['bananas.txt']);
    expect(baton.repo.git(['show', `${out.commit}:bananas.txt`])).toBe('bananas');

    // Over its own server, in the OS sandbox.
    const logs = (await call<{ text: string }[]>(app, 'runs.taskLogs', ref)).map((l) => l.text);
    expect(logs.some((t) => t.startsWith('opencode runs over its own server (opencode serve'))).toBe(true);
    expect(logs.some((t) => t.startsWith('opencode runs in the OS sandbox:'))).toBe(true);
    const message = (await steps(runId)).find((s) => s.kind === 'message' && s.by === 'ana');
    expect(message).toMatchObject({ role: 'user', text: SAID, by: 'ana' });
    await expect(call(app, 'runs.say', { ...ref, text: 'too late', actor: 'ana' })).rejects.toThrow(
      'task "talk" is not running: it is done',
    );
  }, 300_000);
});
