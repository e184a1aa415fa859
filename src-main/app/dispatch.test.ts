import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { inputShapeIssues, MAX_INPUT_DEPTH } from './dispatch.ts';

let app: BatonApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function open(): BatonApp {
  dir = mkdtempSync(join(tmpdir(), 'baton-dispatch-'));
  app = createApp({ dataDir: dir, log: () => {} });
  return app;
}

describe('a __proto__ key in any input', () => {
  it('is refused wherever it is, naming its path, and nothing is written', async () => {
    const a = open();
    // As it arrives over HTTP or a socket: JSON text parsed, the key an own one.
    const plan = JSON.parse(
      '{"plan_id":"p","tasks":[{"task_id":"t","description":"d","required_skills":["x"],"inputs":{"a":{"__proto__":{"admin":true}}}}]}',
    );
    const r = await a.dispatch('plans.import', { plan });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).toContain('plan.tasks[0].inputs.a.__proto__');
    expect(await a.dispatch('plans.list', {})).toMatchObject({ ok: true, value: [] });

    const note = JSON.parse('{"content":"x","tags":["a"],"__proto__":{"x":1}}');
    expect(JSON.stringify(await a.dispatch('memory.write', note))).toContain('__proto__');
  });

  it('is found in arrays and at any depth an input may have, without recursion', () => {
    expect(inputShapeIssues(JSON.parse('[{"ok":1},{"__proto__":1}]'))).toEqual([
      { path: '[1].__proto__', message: '"__proto__" is not a name Baton accepts anywhere in an input' },
    ]);
    let deep = '{"__proto__":1}';
    for (let i = 1; i < MAX_INPUT_DEPTH; i++) deep = `[${deep}]`;
    expect(inputShapeIssues(JSON.parse(deep))).toEqual([
      expect.objectContaining({ message: '"__proto__" is not a name Baton accepts anywhere in an input' }),
    ]);
    // Keys that only look like it are plain keys.
    expect(inputShapeIssues({ constructor: {}, prototype: {}, proto: 1, '__proto__ ': 1 })).toEqual([]);
  });
});

describe('an input nested deeper than any field of Baton reads', () => {
  it('is refused naming the field that holds it, once, without recursion', () => {
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    expect(inputShapeIssues(JSON.parse(`{"metadata":{"x":${deep}}}`))).toEqual([
      { path: 'metadata.x[0]', message: `must not nest more than ${MAX_INPUT_DEPTH} levels deep` },
    ]);
    let edge = '1';
    for (let i = 1; i < MAX_INPUT_DEPTH; i++) edge = `[${edge}]`;
    expect(inputShapeIssues(JSON.parse(`{"x":${edge}}`))).toEqual([]);
    expect(inputShapeIssues(JSON.parse(`{"x":[${edge}]}`))).toHaveLength(1);
  });
});

describe('a free-form value an input hands Baton to keep', () => {
  it('is refused at its field when it nests deeper than the store reads, before anything runs', async () => {
    const a = open();
    // 5,000 levels: the store's JSON.stringify ran out of stack on it (a 500, a connection closed
    // with no answer, or a worker's events answered "accepted" and then lost).
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    const held = { agent_id: 'pat', run_id: 'r1', task_id: 't1', attempt: 1 };
    const cases: [string, unknown, string][] = [
      ['work.progress', { ...held, progress: 5, metadata: { x: deep } }, 'metadata'],
      ['work.complete', { ...held, status: 'completed', output: deep }, 'output'],
      [
        'workers.claim',
        { worker_id: 'w1', slots: {}, results: [{ ...held, lease: 1, status: 'completed', output: deep }] },
        'results[0].output',
      ],
      ['memory.write', { agent_id: 'pat', content: { x: deep } }, 'content'],
      [
        'inbox.ask',
        { ...held, question: { kind: 'tool_call', call_id: 'c', tool: 't', input: { x: deep } } },
        'question.input',
      ],
    ];
    for (const [method, input, field] of cases) {
      const r = await a.dispatch(method, input);
      expect(r.ok, method).toBe(false);
      const said = JSON.stringify(r);
      expect(said, method).toContain('must not nest more than');
      expect(said, method).toContain(field);
    }
    // The edge: a value of 64 levels is a value like any other.
    const edge = JSON.parse(`${'['.repeat(64)}${']'.repeat(64)}`);
    const r = await a.dispatch('memory.write', { agent_id: 'pat', content: { x: edge.flat() } });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  });
});

describe('a field given as undefined (the Electron bridge and in-process clients keep such keys)', () => {
  it('is a field not given, as over JSON: it neither fails the call nor writes over what is saved', async () => {
    const a = open();
    const saved = await a.dispatch('slack.configure', { enabled: false, channel: 'C123' });
    expect(saved).toMatchObject({ ok: true, value: { enabled: false, channel: 'C123' } });
    // Once a NOT NULL failure said as `internal`, and `enabled: undefined` turned Slack off.
    const r = await a.dispatch('slack.configure', {
      channel: undefined,
      bot_token_secret: undefined,
      signing_secret: undefined,
      api_url: 'https://slack.example/api/',
    });
    expect(r).toMatchObject({ ok: true, value: { channel: 'C123', api_url: 'https://slack.example/api/' } });
    await a.dispatch('slack.configure', { enabled: true, bot_token_secret: 'slack.bot' });
    expect(await a.dispatch('slack.configure', { enabled: undefined, channel: 'C999' })).toMatchObject({
      ok: true,
      value: { enabled: true, channel: 'C999' },
    });
  });
});
