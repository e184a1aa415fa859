import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { protoKeyIssues } from './dispatch.ts';

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

  it('is found in arrays and at any depth, without recursion', () => {
    expect(protoKeyIssues(JSON.parse('[{"ok":1},{"__proto__":1}]'))).toEqual([
      { path: '[1].__proto__', message: '"__proto__" is not a name Baton accepts anywhere in an input' },
    ]);
    let deep = '{"__proto__":1}';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    expect(protoKeyIssues(JSON.parse(deep))).toHaveLength(1);
    // Keys that only look like it are plain keys.
    expect(protoKeyIssues({ constructor: {}, prototype: {}, proto: 1, '__proto__ ': 1 })).toEqual([]);
  });
});
