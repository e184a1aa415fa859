import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import type { Step, StoredStep } from '../../src-shared/schemas/step.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The step trace of a task's detail. No agent on main records steps yet (the coding executor is
 * being built), so the host runs in this process and the test records steps as the engine's
 * Attempts does for an executor's `step` event: stored through the real store, then `task.step`
 * on the real bus, which the browser host pushes to the page. The task is a command agent's
 * that waits, so it stays in progress while steps arrive.
 */
describe.skipIf(skipE2e)('the step trace', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let runId: string;
  const t0 = Date.UTC(2026, 10, 22, 9, 0, 0);
  const at = (ms: number) => new Date(t0 + ms).toISOString();

  /** Records steps of task `work` as Attempts does: the store, then the event. */
  const record = (attempt: number, steps: Step[]) => {
    const stored: StoredStep[] = steps.map((s) => ({ ...s, run_id: runId, task_id: 'work', attempt }));
    app.store.tx(() => app.store.steps.upsert(stored.map((s) => ({ ...s, agent_id: 'coder' }))));
    for (const s of stored) app.bus.emit('task.step', s);
  };
  const message = (seq: number, text: string): Step => ({
    seq,
    at: at(seq * 1000),
    kind: 'message',
    role: 'assistant',
    text,
  });
  const write = (seq: number, status: 'running' | 'done', output: string | null = null): Step => ({
    seq,
    at: at(seq * 1000),
    kind: 'tool_call',
    call_id: `toolu_${seq}`,
    name: 'Write',
    server: null,
    input: { file_path: 'src/app.ts', content: 'export const answer = 42;\n' },
    status,
    output,
    error: null,
    ended_at: status === 'done' ? at(seq * 1000 + 1500) : null,
    duration_ms: status === 'done' ? 1500 : null,
  });

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = mkdtempSync(join(tmpdir(), 'baton-steps-e2e-'));
    ({ app, host, rpc } = await serveApp(dir));
    await rpc('agents.import', {
      agents: [
        {
          id: 'coder',
          kind: 'command',
          skills: ['code'],
          command: process.execPath,
          args: ['-e', 'setTimeout(() => {}, 600000)'],
        },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'trace',
        tasks: [{ task_id: 'work', description: 'Write the app', required_skills: ['code'] }],
      },
    });
    runId = ((await rpc('runs.start', { plan_id: 'trace' })).value as { run_id: string }).run_id;
    for (let i = 0; i < 300; i++) {
      const r = (await rpc('runs.get', { run_id: runId })).value as { tasks: { status: string }[] };
      if (r.tasks[0]?.status === 'in_progress') break;
      await new Promise((done) => setTimeout(done, 100));
    }
    record(1, [
      {
        seq: 0,
        at: at(0),
        kind: 'session',
        session_id: 'sess-1',
        agent: 'claude 2.1.330',
        model: 'claude-sonnet',
      },
      message(1, 'I will write the app.'),
      write(2, 'done', 'File created successfully at: src/app.ts'),
      {
        seq: 3,
        at: at(3500),
        kind: 'usage',
        model: 'claude-sonnet',
        input_tokens: 1200,
        output_tokens: 340,
        cached_input_tokens: 800,
        cost_usd: 0.0123,
        cost_source: 'reported',
        duration_ms: 2100,
      },
    ]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(host.openUrl);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^trace/ })
      .click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task work/ })
      .click();
  });
  afterAll(async () => {
    if (runId) await rpc('runs.cancel', { run_id: runId, actor: 'test' });
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
  });

  const trace = () => page.getByRole('region', { name: 'Steps of work' });

  it('shows what was recorded: the session, messages, tool calls folded, usage and totals', async () => {
    await trace().waitFor();
    const list = trace().getByRole('list', { name: 'Steps, attempt 1' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(4);
    expect(await list.textContent()).toContain('sess-1');
    expect(await list.textContent()).toContain('I will write the app.');
    const call = list.getByRole('listitem').filter({ has: page.getByText('Write', { exact: true }) });
    expect(await call.textContent()).toContain('done');
    expect(await call.textContent()).toContain('1.5 s');
    // Input and output are folded until asked for.
    expect(await call.getByText('export const answer').isVisible()).toBe(false);
    await call.getByText('Input').click();
    expect(await call.getByText('export const answer').isVisible()).toBe(true);
    expect(await trace().getByLabel('Step totals').textContent()).toBe(
      '4 steps · 1 tool call · 1.2k in / 340 out (800 cached) · $0.0123 · 3.5 s',
    );
  });

  it('shows steps as they are recorded; a tool call that answers replaces its running version', async () => {
    const list = trace().getByRole('list', { name: 'Steps, attempt 1' });
    const sent = Date.now();
    record(1, [message(4, 'Now the tests.'), write(5, 'running')]);
    await list.getByText('Now the tests.').waitFor();
    // How long a step took to show, for the report (not asserted: timings vary with load).
    console.log(`step shown ${Date.now() - sent} ms after its event`);
    const call = list.getByRole('listitem').filter({ hasText: 'running' });
    await call.waitFor();
    record(1, [write(5, 'done', 'File created')]);
    await expect.poll(() => list.getByRole('listitem').nth(5).textContent()).toContain('done');
    expect(await list.getByRole('listitem').count()).toBe(6);
    expect(await trace().getByLabel('Step totals').textContent()).toMatch(/^6 steps · 2 tool calls ·/);
    await page.screenshot({ path: join(shots, 'step-trace.png') });
  });

  it('is readable in the light and the dark theme', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme);
    }
  });

  it('keeps thousands of steps of another attempt fast: only the rows on screen are drawn', async () => {
    const many: Step[] = [];
    for (let i = 0; i < 5_000; i++)
      many.push(i % 2 === 0 ? message(i, `thinking about part ${i}`) : write(i, 'done', `wrote part ${i}`));
    record(2, many);
    // The newest attempt is shown, followed to its end.
    const list = trace().getByRole('list', { name: 'Steps, attempt 2' });
    await list.getByText('wrote part 4999', { exact: false }).first().waitFor({ state: 'attached' });
    expect(await list.getByRole('listitem').count()).toBeLessThan(60);
    expect(await list.getByRole('listitem').first().getAttribute('aria-setsize')).toBe('5000');
    expect(await trace().getByLabel('Step totals').textContent()).toMatch(
      /^5,?000 steps · 2,?500 tool calls/,
    );
    // The earlier attempt is a pick away, as it was.
    await trace()
      .getByRole('combobox', { name: /^Attempt/ })
      .selectOption('1');
    await expect
      .poll(() => trace().getByRole('list', { name: 'Steps, attempt 1' }).getByRole('listitem').count())
      .toBe(6);
  });
});
