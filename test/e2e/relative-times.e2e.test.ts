import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// A time in a list says how long ago ("5 min ago", as GitHub and Airflow do), with the
// exact time on hover, and keeps saying it right as time passes without a reload. The page's clock
// is Playwright's (installed at the real time, then moved on), so "later" needs no waiting.
describe.skipIf(skipE2e)('relative times in lists', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('relative-times', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        name: 'Release',
        tasks: [
          { task_id: 'build', description: 'Build it', required_skills: ['x'] },
          {
            task_id: 'deploy',
            description: 'Deploy',
            required_skills: ['x'],
            requires_approval: true,
            depends_on: ['build'],
          },
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'release' });
    await page.clock.install({ time: Date.now() });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const nav = (name: string | RegExp) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });

  /** The element's words and its title (the exact time). */
  const timeOf = async (time: Locator) => ({
    text: (await time.textContent()) ?? '',
    title: (await time.getAttribute('title')) ?? '',
    iso: (await time.getAttribute('datetime')) ?? '',
  });

  it('the Runs table says when each run started, relative, with the exact time as its title', async () => {
    await nav('Runs').click();
    const started = page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first().locator('time');
    await expect.poll(() => started.count()).toBe(1);
    const t = await timeOf(started);
    expect(t.text).toBe('just now');
    expect(t.title).toContain(String(new Date().getFullYear()));
    expect(t.title).toMatch(/\d:\d\d:\d\d/);
    expect(Date.parse(t.iso)).not.toBeNaN();
  });

  it('the approvals inbox says when it was asked, and the words move on as time passes', async () => {
    await nav(/^Approvals/).click();
    // The list's row says it in a word; the approval's detail beside it says what happened then.
    const inbox = page.getByRole('region', { name: 'Pending approvals' });
    const row = inbox.getByRole('listitem', { name: 'Approval for deploy' }).locator('time');
    const asked = inbox.getByRole('region', { name: 'Approval for deploy' }).locator('time');
    await expect.poll(() => row.textContent()).toBe('just now');
    await expect.poll(() => asked.textContent()).toBe('asked just now');
    expect(await asked.getAttribute('title')).toBe(await row.getAttribute('title'));
    await page.clock.fastForward('06:10');
    await expect.poll(() => asked.textContent()).toBe('asked 6 min ago');
    await expect.poll(() => row.textContent()).toBe('6 min ago');
    await page.screenshot({ path: join(shots, 'relative-times-approvals.png') });
    // The Runs table moved on with it, without a reload.
    await nav('Runs').click();
    const started = page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first().locator('time');
    await expect.poll(() => started.textContent()).toBe('6 min ago');
    await page.clock.fastForward('02:00:00');
    await expect.poll(() => started.textContent()).toBe('2 h ago');
  });

  it('the run panel and the build log list say it the same way', async () => {
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^Release/ })
      .click();
    const facts = page.locator('.run-facts time');
    await expect.poll(() => facts.first().textContent()).toBe('started 2 h ago');
    expect(await facts.first().getAttribute('title')).toMatch(/\d:\d\d:\d\d/);
    await nav('Build logs').click();
    const written = page.locator('main time').first();
    await expect.poll(() => written.textContent()).toMatch(/2 h ago$/);
  });
});
