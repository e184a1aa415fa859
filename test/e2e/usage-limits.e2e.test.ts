import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// An http agent whose server answers 429 with `retry-after` (72 minutes): its task waits for
// quota, the Agents screen counts down to the reset, the task panel says until when; and the
// designer's field for what a task does at a limit.
describe.skipIf(skipE2e)('usage limits on screen', () => {
  let baton: Baton;
  let page: Page;
  let limiter: Server;
  let runId: string;

  beforeAll(async () => {
    limiter = createServer((req, res) => {
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(72 * 60) });
      res.end(
        JSON.stringify({
          error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' },
        }),
      );
    });
    await new Promise<void>((r) => limiter.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(limiter.address() as AddressInfo).port}/agent`;
    baton = await launchBaton('usage-limits', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [{ id: 'summarizer', kind: 'http', url, skills: ['summarize'] }],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        tasks: [{ task_id: 'summarize', description: 'Summarize the news', required_skills: ['summarize'] }],
      },
    });
    runId = ((await baton.rpc('runs.start', { plan_id: 'digest' })).value as { run_id: string }).run_id;
    await page.goto(baton.server.url);
  });
  afterAll(async () => {
    if (runId) await baton?.rpc('runs.cancel', { run_id: runId, actor: 'tester' });
    await baton?.close();
    await new Promise((r) => limiter?.close(r));
  });

  it('the Agents screen counts down to the reset of a limited agent', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /summarizer/ });
    // The reset 72 minutes on says its day too once it falls after midnight (a run late in the evening).
    await expect
      .poll(() => row.textContent(), { timeout: 30_000 })
      .toMatch(/limited until (\d{1,2} \w{3} )?\d\d:\d\d \(resets in 1 h (11|12) m\)/);
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(shots, `usage-limit-agents-${width}-${scheme}.png`) });
      }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('the task panel says it waits for quota until when, and the run’s row too', async () => {
    await page.goto(`${new URL(baton.server.url).origin}/runs/${runId}`);
    const why = /Waiting for quota until (\d{1,2} \w{3} )?\d\d:\d\d \(resets in 1 h (11|12) m\)/;
    await expect.poll(() => page.locator('main').textContent(), { timeout: 30_000 }).toMatch(why);
    await page.getByTitle('Show task summarize').click();
    await expect.poll(() => page.locator('.task-reason').first().textContent()).toMatch(why);
    // Not failed: no error box, the reason says the limit in the vendor's words.
    expect(await page.getByRole('note', { name: 'Error' }).count()).toBe(0);
    expect(await page.locator('.task-reason').first().textContent()).toContain('rate_limit_error');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(shots, `usage-limit-task-1440-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('the designer sets on_limit for the plan and for a task, the task offering the plan’s', async () => {
    await page.goto(`${new URL(baton.server.url).origin}/plans/digest`);
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const plan = page.getByRole('form', { name: 'Plan' });
    const planField = plan.getByLabel('When a usage limit is hit');
    expect(await planField.inputValue()).toBe('wait');
    await planField.selectOption('fail_over');
    await expect.poll(() => plan.textContent()).toContain('It goes at once to the next agent that can do it');
    await page.getByText('summarize', { exact: true }).first().click();
    const task = page.getByRole('form', { name: 'Task summarize' });
    const taskField = task.getByLabel('When a usage limit is hit');
    expect(await taskField.inputValue()).toBe('');
    await expect.poll(() => task.textContent()).toContain('As the plan says: hand it to another agent.');
    await taskField.selectOption('fail');
    await expect.poll(() => task.textContent()).toContain('It fails, naming the limit and when it resets.');
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await taskField.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, `usage-limit-designer-${width}-${scheme}.png`) });
      }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
