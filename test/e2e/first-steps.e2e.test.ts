import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// The first open: an empty Baton says what to do, and one click loads an example that works.
describe.skipIf(skipE2e)('the first open', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('first-steps', { width: 1440, height: 900 });
    page = baton.page;
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const steps = () => page.getByRole('region', { name: 'No plans yet' }).getByRole('listitem');

  it('lists the three steps to a first run, none done yet', async () => {
    await expect.poll(() => steps().count()).toBe(3);
    expect(await steps().evaluateAll((items) => items.map((li) => li.getAttribute('aria-label')))).toEqual([
      'Register agents',
      'Make a plan',
      'Run it',
    ]);
    expect(await page.getByRole('button', { name: 'Import agents…' }).isVisible()).toBe(true);
    // "Start a plan…" opens the same dialog as the sidebar's New plan….
    await page.getByRole('button', { name: 'Start a plan…' }).click();
    await page.getByRole('dialog', { name: 'New plan' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog', { name: 'New plan' }).count()).toBe(0);
    await page.getByRole('button', { name: 'New plan…' }).click();
    await page.getByRole('dialog', { name: 'New plan' }).waitFor();
    await page.keyboard.press('Escape');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [w, h] of [
        [1440, 900],
        [1024, 700],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.screenshot({ path: join(shots, `first-steps-${w}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('opens the new-plan dialog from "Start a plan…" in a narrow window too, and keeps it and its goal as the window is resized', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByRole('button', { name: 'Start a plan…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    await dialog.waitFor();
    await dialog.getByLabel('Goal').fill('plan the offsite');
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      expect(await dialog.isVisible()).toBe(true);
      expect(await dialog.getByLabel('Goal').inputValue()).toBe('plan the offsite');
    }
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog
      .getByRole('group', { name: 'Discard your changes?' })
      .getByRole('button', { name: 'Discard' })
      .click();
    await expect.poll(() => dialog.count()).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('loads a working example in one click, and its plan runs to the end', async () => {
    await page.getByRole('button', { name: 'Load a working example' }).click();
    await page.getByRole('heading', { name: 'Welcome tour' }).waitFor();
    const plans = page.getByRole('list', { name: 'Plans' }).getByRole('link');
    // Newest first, as the sidebar lists plans (once the host's plan.updated events are in too).
    await expect
      .poll(() => plans.allTextContents())
      .toEqual([expect.stringContaining('Welcome tour'), expect.stringContaining('Release with a gate')]);
    expect(await page.getByRole('status').filter({ hasText: 'Loaded the example' }).textContent()).toContain(
      'Agents: ana, ash, hal',
    );
    // Every task has an agent: nothing to fix before running.
    expect(await page.getByRole('note', { name: 'Before you run' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Run plan' }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: completed' }).isVisible())
      .toBe(true);
    await page.screenshot({ path: join(shots, 'first-steps-example-run.png') });
    // The example's agents are on the Agents screen, with no reload: the list the first screen
    // asked for before the example was loaded does not undo them when it comes.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    const rows = page.getByRole('table', { name: 'Agents' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.locator('main').textContent()).not.toContain('No agents yet');
  });
});
