import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('audit.list', () => {
  it('refuses a task id without its run, and a search over one task (it would drop the task filter)', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const noRun = await app.dispatch('audit.list', { task_id: 'a' });
    expect(noRun).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(noRun)).toContain('task_id: needs run_id');
    const both = await app.dispatch('audit.list', { run_id: 'r', task_id: 'a', query: 'approved' });
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(both)).toContain('query: cannot be combined with task_id');
    expect(await app.dispatch('audit.list', { run_id: 'r', task_id: 'a' })).toMatchObject({
      ok: true,
      value: [],
    });
  });
});
