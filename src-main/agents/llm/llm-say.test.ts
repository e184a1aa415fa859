import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../../src-shared/schemas/step.ts';
import { call, eventually, task } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { delta, finish, streamAll } from '../testing/chat-server.ts';
import { localServers } from '../testing/local-server.ts';
import { loopHistory } from './loop/history.ts';

// A person's words to a running `llm` agent (runs.say), through the app on a real SQLite file and
// a real chat server on 127.0.0.1: they reach the model in its next call, after what it was
// answering, and are a step in the person's name; words that come while the model gives its final
// answer make the loop ask it once more; once it has its answer, it takes none.
const serve = localServers();
let dir: string;
let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

interface ChatBody {
  messages: { role: string; content: string | null }[];
}

describe('an llm agent told something while it runs', () => {
  it('gets the words in its next model call, as a step in the person’s name, and takes none once it has answered', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-llm-say-'));
    // The first call is held until the test lets it answer: the person speaks meanwhile.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const bodies: ChatBody[] = [];
    const model = await serve(async (req, res) => {
      const body = JSON.parse(req.body) as ChatBody;
      bodies.push(body);
      if (bodies.length === 1) {
        await held;
        return streamAll(res, [delta('{"answer":"hello"}'), finish()]);
      }
      streamAll(res, [delta('{"answer":"bonjour"}'), finish()]);
    });
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'agents.import', {
      agents: [{ id: 'sage', kind: 'llm', skills: ['x'], base_url: `${model.url}/v1`, model: 'tiny-model' }],
    });
    // A task with an answer's schema runs in the tool loop (an agent with tools does too).
    const output_schema = { type: 'object', required: ['answer'] };
    await call(app, 'plans.import', { plan: { plan_id: 'p', tasks: [task('t', { output_schema })] } });
    const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await eventually(() => bodies.length === 1);

    expect(await call(app, 'runs.listening', { run_id: run, task_id: 't' })).toEqual({
      delivery: 'this_turn',
      says: 'LLM agent: sent into this turn (at its next model call)',
    });
    const said = await call<{ delivery: string }>(app, 'runs.say', {
      run_id: run,
      task_id: 't',
      text: 'Answer in French, please.',
      actor: 'Ana',
    });
    expect(said.delivery).toBe('this_turn');
    release();

    const detail = async () => call<RunDetail>(app!, 'runs.get', { run_id: run });
    await eventually(async () => (await detail()).tasks[0]!.status === 'done');
    // Its final answer came with the words waiting: it was asked again, with them last.
    expect(bodies).toHaveLength(2);
    expect(bodies[1]!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: '{"answer":"hello"}' },
      { role: 'user', content: 'Answer in French, please.' },
    ]);
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    const person = steps.filter((s) => s.kind === 'message' && s.role === 'user' && s.by !== undefined);
    expect(person).toMatchObject([{ text: 'Answer in French, please.', by: 'Ana' }]);
    expect((await detail()).tasks[0]!.output).toEqual({ answer: 'bonjour' });

    // Once done, it takes none: said so, nothing recorded.
    const late = await app.dispatch('runs.say', { run_id: run, task_id: 't', text: 'More?', actor: 'Ana' });
    expect(late.ok ? '' : late.error.message).toContain('is not running: it is done');
    expect(await call(app, 'runs.listening', { run_id: run, task_id: 't' })).toBeNull();
  });

  it("a later attempt's loop goes on with what people said, in its place", () => {
    const at = '2026-11-26T00:00:00.000Z';
    const base = { run_id: 'r', task_id: 't', attempt: 1, at };
    const history = loopHistory([
      { ...base, seq: 0, kind: 'message', role: 'user', text: 'The task.' },
      { ...base, seq: 1, kind: 'message', role: 'assistant', text: 'Working.' },
      { ...base, seq: 2, kind: 'message', role: 'user', text: 'Use French.', by: 'Ana' },
      { ...base, seq: 3, kind: 'message', role: 'assistant', text: 'D’accord.' },
    ] as StoredStep[]);
    expect(history.turns.map((t) => t.said)).toEqual([['Use French.'], []]);
  });
});
