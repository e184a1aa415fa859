import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// A window of 1024 × 700: the sidebar folds to a rail and is shown over the screen on demand,
// the side panel is narrower, and no screen scrolls sideways or is cut off at the right.
describe.skipIf(skipE2e)('a narrow window', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('narrow', { width: 1024, height: 700 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'helper', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        name: 'Weekly digest',
        tasks: [
          { task_id: 'collect', description: 'Collect the news', required_skills: ['x'] },
          { task_id: 'send', description: 'Send it', required_skills: ['x'], depends_on: ['collect'] },
        ],
      },
    });
    // A task waiting for approval: the folded sidebar still says something waits.
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'gate',
        name: 'Gate',
        tasks: [{ task_id: 'ship', description: 'Ship', required_skills: ['x'], requires_approval: true }],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'gate' });
    for (let i = 0; i < 300; i++) {
      const pending = (await baton.rpc('approvals.list', { status: 'pending' }))
        .value as unknown as unknown[];
      if (pending.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.goto(baton.server.url);
    await page.getByRole('list', { name: 'Plans' }).or(rail()).first().waitFor();
    await rail().click();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /Weekly digest/ })
      .click();
    await page.getByRole('heading', { name: 'Weekly digest' }).waitFor();
  });
  afterAll(() => baton?.close());

  const sections = () => page.getByRole('navigation', { name: 'Sections' });
  const rail = () => page.getByRole('button', { name: 'Show the sidebar' });
  /** Nothing wider than the window: no sideways scroll, and main ends inside the window. */
  const fits = () =>
    page.evaluate(() => {
      const main = document.querySelector('main')!.getBoundingClientRect();
      return (
        document.documentElement.scrollWidth <= window.innerWidth &&
        main.right <= window.innerWidth + 1 &&
        document.querySelector('main')!.scrollWidth <= Math.ceil(main.width) + 1
      );
    });

  it('folds the sidebar to a rail that shows it over the screen, and folds it again once a section is chosen', async () => {
    expect(await sections().count()).toBe(0);
    // The plan's screen has the room the sidebar gave up.
    const main = (await page.locator('main').boundingBox())!;
    expect(main.x).toBeLessThan(60);
    expect(await rail().getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => rail().getAttribute('aria-label')).toBe('Show the sidebar (1 waiting for you)');
    await rail().click();
    await sections().waitFor();
    await page.screenshot({ path: join(shots, 'narrow-sidebar-open.png') });
    await sections().getByRole('link', { name: 'Agents' }).click();
    await expect.poll(() => sections().count()).toBe(0);
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    // Escape folds it too.
    await rail().click();
    await sections().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => sections().count()).toBe(0);
  });

  it('fits every screen in the window', async () => {
    for (const name of ['Plans', 'Runs', 'Approvals', 'My tasks', 'Agents', 'Projects', 'Build logs']) {
      await rail().click();
      await sections()
        .getByRole('link', { name: new RegExp(`^${name}`) })
        .click();
      await page.waitForFunction(() => !/^Loading/.test(document.querySelector('main')?.textContent ?? ''));
      expect({ name, fits: await fits() }).toEqual({ name, fits: true });
    }
  });

  it('leaves the graph beside the side panel more room than the panel', async () => {
    await rail().click();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /Weekly digest/ })
      .click();
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const graph = (await page.getByRole('region', { name: 'Plan designer graph' }).boundingBox())!;
    expect(graph.width).toBeGreaterThan(560);
    expect(await fits()).toBe(true);
    await page.screenshot({ path: join(shots, 'narrow-designer.png') });
    await page.getByRole('button', { name: 'Discard' }).click();
  });

  it('hides the side panel for the graph on demand, and shows it again when a task is picked', async () => {
    await rail().click();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /Weekly digest/ })
      .click();
    const panel = page.getByRole('region', { name: 'Run result' });
    await panel.waitFor();
    await page.getByRole('button', { name: /Hide the side panel/ }).click();
    await expect.poll(() => panel.count()).toBe(0);
    const graph = page.locator('section.graph');
    await expect.poll(async () => (await graph.boundingBox())!.width).toBeGreaterThan(900);
    expect(await fits()).toBe(true);
    await page.screenshot({ path: join(shots, 'narrow-panel-hidden.png') });
    await graph.getByRole('article', { name: 'Task send' }).click();
    await panel.waitFor();
    expect(
      await page.getByRole('button', { name: /Hide the side panel/ }).getAttribute('aria-expanded'),
    ).toBe('true');
  });

  it('shows the whole sidebar again when the window is wide', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await sections().waitFor();
    expect(await rail().count()).toBe(0);
  });
});
