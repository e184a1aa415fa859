import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** Whether a scrolled box shows its end. */
const atEnd = (box: Locator) =>
  box.evaluate(
    (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4 && el.scrollHeight > el.clientHeight,
  );
/** The colour a CSS variable of the page stands for, as computed styles give colours. */
const cssColour = (page: Page, variable: string) =>
  page.evaluate((v) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${v})`;
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }, variable);

// A run while it executes: its log followed live, a second run asked about, and the header and
// confirmations saying what they do.
describe.skipIf(skipE2e)('a run as it executes', () => {
  let baton: Baton;
  let page: Page;
  let stop: string;

  beforeAll(async () => {
    baton = await launchBaton('run-live', { width: 1440, height: 900 });
    page = baton.page;
    stop = baton.signalFile('stop');
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'talker',
          kind: 'command',
          skills: ['talk'],
          max_concurrency: 4,
          command: process.execPath,
          // A line every 40 ms until the test says stop.
          args: [
            '-e',
            `const fs = require('fs'); let i = 0;
            const t = setInterval(() => {
              console.log('line ' + ++i);
              if (fs.existsSync(${JSON.stringify(stop)})) { clearInterval(t); console.log('::result {"ok":true}'); }
            }, 40);`,
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'chatty',
        tasks: [{ task_id: 'talk', description: 'Talk a lot', required_skills: ['talk'] }],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'chatty' });
    await page.goto(baton.server.url);
  });
  afterAll(async () => {
    writeFileSync(stop, '');
    await baton?.close();
  });

  it('follows the live log to its end, stops following when scrolled up, and jumps back to the latest', async () => {
    await page.getByRole('status', { name: 'Run status: executing' }).waitFor();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task talk/ })
      .click();
    const details = page.getByRole('region', { name: 'Task talk details' });
    const log = details.locator('pre.log');
    // Enough lines to scroll, and it shows the newest as they come.
    await expect.poll(() => log.evaluate((el) => el.scrollHeight > el.clientHeight * 2)).toBe(true);
    const lines = () => log.evaluate((el) => (el.textContent ?? '').split('\n').length);
    const count = await lines();
    await expect.poll(lines).toBeGreaterThan(count + 5);
    expect(await atEnd(log)).toBe(true);
    // Scrolled up to read: it stays there while lines keep coming, and offers a way back.
    await log.hover();
    await page.mouse.wheel(0, -2_000);
    await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBe(0);
    const jump = details.getByRole('button', { name: /^Jump to latest/ });
    await jump.waitFor();
    const paused = await lines();
    await expect.poll(lines).toBeGreaterThan(paused + 5);
    expect(await log.evaluate((el) => el.scrollTop)).toBe(0);
    await expect.poll(() => jump.textContent()).toMatch(/\(\d+ new lines\)/);
    await page.screenshot({ path: join(shots, 'log-tail-paused.png') });
    await jump.click();
    await expect.poll(() => atEnd(log)).toBe(true);
    expect(await jump.count()).toBe(0);
    const again = await lines();
    await expect.poll(lines).toBeGreaterThan(again + 5);
    expect(await atEnd(log)).toBe(true);
  });

  it('asks before starting a second run while one executes', async () => {
    const head = page.locator('header.plan-head');
    await head.getByRole('button', { name: 'Run plan' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Start another run?' });
    await ask.waitFor();
    expect(await ask.textContent()).toContain('is still executing');
    await ask.getByRole('button', { name: "Don't start" }).click();
    expect(await baton.runsOf('chatty')).toHaveLength(1);
    await head.getByRole('button', { name: 'Run plan' }).click();
    await ask.getByRole('button', { name: 'Start another run' }).click();
    await expect.poll(async () => (await baton.runsOf('chatty')).length).toBe(2);
  });

  it('styles the yes of a confirmation that stops work as danger, not as the main action', async () => {
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Cancel this run?' });
    const yes = ask.getByRole('button', { name: 'Yes, cancel the run' });
    expect(await yes.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      await cssColour(page, '--failed'),
    );
    await page.screenshot({ path: join(shots, 'confirm-danger.png') });
    await ask.getByRole('button', { name: 'Keep the run' }).click();
    // With every run ended, Run plan starts one at once.
    writeFileSync(stop, '');
    // Once the page knows every run has ended (the run picker lists none executing).
    await expect.poll(() => page.getByLabel('Select run').textContent()).not.toContain('executing');
    await page.locator('header.plan-head').getByRole('button', { name: 'Run plan' }).click();
    await expect.poll(async () => (await baton.runsOf('chatty')).length).toBe(3);
    expect(await page.getByRole('alertdialog', { name: 'Start another run?' }).isVisible()).toBe(false);
  });

  it('says "1 task", and the tab bar ends where the page does', async () => {
    expect(await page.locator('header.plan-head').textContent()).toContain('· 1 task');
    expect(await page.locator('header.plan-head').textContent()).not.toContain('1 tasks');
    expect(
      await page
        .getByRole('list', { name: 'Plans' })
        .getByRole('link', { name: /chatty/ })
        .textContent(),
    ).toContain('1 task · v1');
    const bar = (await page.getByRole('tablist', { name: 'Plan views' }).boundingBox())!;
    const view = (await page.locator('.plan-view').boundingBox())!;
    expect(bar.x + bar.width).toBe(view.x + view.width);
  });

  it('shows the version the open run ran, saying which is the latest', async () => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'chatty',
        tasks: [
          { task_id: 'talk', description: 'Talk a lot', required_skills: ['talk'] },
          { task_id: 'listen', description: 'Listen too', required_skills: ['talk'], depends_on: ['talk'] },
        ],
      },
    });
    const head = page.locator('header.plan-head');
    // The open run ran version 1: the header and the graph are version 1's.
    await expect
      .poll(() => head.textContent())
      .toContain("version 1 (the open run's; the latest is 2) · 1 task");
    const graph = page.getByRole('region', { name: 'Plan graph' });
    // Laid out again for the version shown.
    await expect.poll(() => graph.getByRole('article').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'run-of-earlier-version.png') });
    // A run of version 2 shows version 2 (started at once once the run before has ended).
    await expect.poll(() => page.getByLabel('Select run').textContent()).not.toContain('executing');
    await head.getByRole('button', { name: 'Run plan' }).click();
    await expect.poll(() => head.textContent()).toContain('· version 2 · 2 tasks');
    await expect.poll(() => graph.getByRole('article').count()).toBe(2);
  });
});
