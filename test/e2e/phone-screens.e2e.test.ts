import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { controlsOffScreen } from './off-screen.ts';

/**
 * Each screen of a new Baton on a 390 × 844 phone: nothing scrolls the page sideways, and every
 * control (a field, a button, a tab) is on the screen, none cut at its right edge, except in a
 * part that scrolls sideways by itself (a wide table, a row of tabs: its open tab is shown).
 */
const SCREENS: [path: string, drawn: (page: Page) => ReturnType<Page['getByText']>][] = [
  ['/runs', (p) => p.getByText('No runs yet')],
  ['/approvals', (p) => p.getByRole('heading', { name: 'Approvals' })],
  ['/my-tasks', (p) => p.getByRole('heading', { name: 'My tasks' })],
  ['/agents', (p) => p.getByText('No agents yet')],
  ['/workspaces', (p) => p.getByText('No workspaces yet.')],
  ['/projects', (p) => p.getByText('No projects yet.')],
  ['/spend', (p) => p.getByRole('heading', { name: 'Spend' })],
  ['/spend/prices', (p) => p.getByRole('form', { name: 'Set a price' })],
  ['/logs', (p) => p.getByRole('tab', { name: 'Memory', selected: true })],
  ['/logs/audit', (p) => p.getByRole('tab', { name: 'Audit log', selected: true })],
  ['/settings/people', (p) => p.getByRole('button', { name: 'Make the owner account' })],
  ['/settings/notifications', (p) => p.getByRole('heading', { name: 'Push to your phone' })],
  // The last of Settings' tabs: its row scrolls to show it.
  ['/settings/worktrees', (p) => p.getByText('No worktree is kept on disk.')],
];

describe.skipIf(skipE2e)('each screen on a phone', () => {
  let baton: Baton;

  beforeAll(async () => {
    baton = await launchBaton('phone-screens', { width: 390, height: 844 });
    await baton.page.goto(baton.server.url);
    await baton.page.getByRole('heading', { name: 'No plans yet' }).waitFor();
  });
  afterAll(() => baton?.close());

  for (const [path, drawn] of SCREENS) {
    it(`${path}: nothing past the right edge, every control on the screen`, async () => {
      const page = baton.page;
      await page.goto(new URL(path, baton.server.url).href);
      await drawn(page).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await controlsOffScreen(page)).toEqual([]);
      await page.screenshot({ path: join(shots, `phone${path.replaceAll('/', '-')}.png`), fullPage: true });
    });
  }
});
