import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// The run timeline has a time axis with round ticks and a gridline under each, and a task that
// waits for a person (an approval) is drawn apart from one that waits for its dependencies.
describe.skipIf(skipE2e)('the run timeline', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('timeline', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'helper', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        name: 'Release',
        tasks: [
          { task_id: 'notes', description: 'Write the notes', required_skills: ['x'] },
          {
            task_id: 'ship',
            description: 'Ship it',
            required_skills: ['x'],
            depends_on: ['notes'],
            requires_approval: true,
          },
          { task_id: 'review', description: 'Review it', required_skills: ['x'], depends_on: ['ship'] },
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'release' });
    for (let i = 0; i < 300; i++) {
      const list = (await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as unknown[];
      if (list.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.goto(baton.server.url);
    await page.getByRole('tablist', { name: 'Plan views' }).getByRole('tab', { name: 'Timeline' }).click();
  });
  afterAll(() => baton?.close());

  const timeline = () => page.getByRole('region', { name: 'Run timeline' });

  it('has ticks at round times from 0, each with a gridline over the tracks', async () => {
    // The run goes on (its timeline grows as time passes): ticks and gridlines are read in one
    // look at the page, as one render drew them.
    const look = () =>
      timeline().evaluate((el) => ({
        ticks: [...el.querySelectorAll('.axis-tick')].map((e) => ({
          text: e.textContent ?? '',
          x: e.getBoundingClientRect().left,
        })),
        lines: [...el.querySelectorAll('.gridline')].map((e) => e.getBoundingClientRect().left),
      }));
    await expect.poll(async () => (await look()).ticks.length).toBeGreaterThanOrEqual(2);
    const { ticks, lines } = await look();
    expect(ticks[0]!.text).toBe('0');
    for (const t of ticks.slice(1)) expect(t.text).toMatch(/^\d+(\.\d)? (ms|s)$|^\d+ min \d\d s$/);
    expect(lines).toHaveLength(ticks.length);
    // Each gridline stands under its tick.
    expect(Math.abs(ticks[0]!.x - lines[0]!)).toBeLessThan(2);
  });

  it('draws a task waiting for an approval apart from one waiting for it', async () => {
    const ship = timeline().getByRole('img', { name: /^ship: Awaiting approval/ });
    await expect.poll(() => ship.getAttribute('aria-label')).toContain('waiting for a person to approve it');
    expect(await ship.getAttribute('class')).toContain('person');
    const review = timeline().getByRole('img', { name: /^review: / });
    expect(await review.getAttribute('aria-label')).toContain('still waiting');
    expect(await review.getAttribute('class')).not.toContain('person');
    // The two look different: a band for the person, a thin line for the dependency.
    const height = (l: typeof ship) => l.evaluate((el) => el.getBoundingClientRect().height);
    expect(await height(ship)).toBeGreaterThan(await height(review));
    // The legend names the band, its tooltip what it means.
    expect(await page.getByRole('list', { name: 'Timeline legend' }).textContent()).toContain('for a person');
    expect(
      await page
        .getByRole('list', { name: 'Timeline legend' })
        .locator('li', { hasText: 'for a person' })
        .getAttribute('title'),
    ).toBe('waiting for a person (an approval)');
    await page.screenshot({ path: join(shots, 'run-timeline-waiting.png') });
  });
});
