import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src-main/store/db.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** The site plan at version n: v2 adds `copy` and renames it, v3 replaces `launch` and edits `build`. */
export function sitePlan(n: 1 | 2 | 3) {
  return {
    plan_id: 'site',
    name: n === 1 ? 'Website' : 'Website relaunch',
    tasks: [
      { task_id: 'design', description: 'Design the pages', required_skills: ['design'] },
      {
        task_id: 'build',
        description: n === 3 ? 'Build the pages in React' : 'Build the pages',
        required_skills: ['code'],
        depends_on: ['design'],
      },
      ...(n >= 2 ? [{ task_id: 'copy', description: 'Write the copy', required_skills: ['write'] }] : []),
      n === 3
        ? { task_id: 'ship', description: 'Ship it', depends_on: ['build', 'copy'], requires_approval: true }
        : { task_id: 'launch', description: 'Launch the site', depends_on: ['build'] },
    ],
  };
}

describe.skipIf(skipE2e)('plan versions', () => {
  let baton: Baton;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    baton = await launchBaton('versions', { width: 1400, height: 860 });
    page = baton.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await baton.rpc('agents.import', { agents: [{ id: 'maker', skills: ['design', 'code', 'write'] }] });
    await baton.rpc('plans.import', { plan: sitePlan(1) });
    await baton.rpc('plans.import', { plan: sitePlan(2) });
    await baton.rpc('runs.start', { plan_id: 'site' });
    await baton.rpc('plans.import', { plan: sitePlan(3) });
    await baton.rpc('plans.import', {
      plan: { plan_id: 'solo', name: 'Solo', tasks: [{ task_id: 'only', description: 'The one task' }] },
    });
    await page.goto(baton.server.url);
    await page.getByRole('link', { name: /Website relaunch/ }).click();
  });
  afterAll(() => baton?.close());

  const versions = () => page.getByRole('list', { name: 'Saved versions' }).getByRole('button');
  const diff = () => page.getByRole('complementary', { name: /^Changes from/ });

  it('lists versions newest first, with time, task and run counts, and what changed', async () => {
    await page.getByRole('tab', { name: 'Versions (3)' }).click();
    await expect.poll(() => versions().count()).toBe(3);
    const names = await versions().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(names[0]).toMatch(
      /^Version 3 \(current\), saved .+, 4 tasks, 0 runs, tasks 1 added, 1 removed, 1 changed$/,
    );
    expect(names[1]).toMatch(/^Version 2, saved .+, 4 tasks, 1 run, tasks 1 added, 1 plan field changed$/);
    expect(names[2]).toMatch(/^Version 1, saved .+, 3 tasks, 0 runs, first version$/);
    // The saved time is shown as a person says it ("just now"), the exact time on hover.
    expect(await versions().first().textContent()).toMatch(/(just now|\d+ min ago)/);
    expect(await versions().first().locator('time').getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    // Runs name the version they ran.
    expect(await page.getByLabel('Select run').textContent()).toContain('plan v2');
  });

  it('shows an earlier version read-only, with its graph and its differences from the current one', async () => {
    await versions().filter({ hasText: 'v1' }).click();
    await page.getByRole('heading', { name: 'v1 of 3 — read-only' }).waitFor();
    const view = page.getByRole('region', { name: 'Version 1 (read-only)' });
    const graph = view.getByRole('region', { name: 'Plan graph' });
    await expect.poll(() => graph.getByRole('article').count()).toBe(3);
    expect(await graph.getByRole('article', { name: 'Task launch' }).isVisible()).toBe(true);
    expect(await graph.getByRole('article', { name: 'Task ship' }).count()).toBe(0);
    // The graph marks what differs from the current version: build changed, launch gone since.
    expect(await graph.getByRole('article', { name: 'Task build, changed', exact: true }).count()).toBe(1);
    expect(
      await graph.getByRole('article', { name: 'Task launch, removed since', exact: true }).count(),
    ).toBe(1);
    expect(await graph.getByRole('article', { name: 'Task design', exact: true }).count()).toBe(1);

    expect(await diff().getAttribute('aria-label')).toBe('Changes from v1 to v3');
    expect(await diff().getByRole('heading', { level: 2 }).textContent()).toBe('From v1 to v3 (current)');
    expect(await diff().getByRole('list', { name: 'Tasks added' }).textContent()).toBe(
      'copy Write the copyship Ship it',
    );
    expect(await diff().getByRole('list', { name: 'Tasks removed' }).textContent()).toBe(
      'launch Launch the site',
    );
    // Each changed field with its old and new value.
    const build = diff().getByRole('list', { name: 'Changes to build' });
    expect(await build.getByRole('listitem').count()).toBe(1);
    expect(await build.textContent()).toMatch(
      /^description: “Build the pages” → ?changed to “Build the pages in React”$/,
    );
    expect(await diff().textContent()).toContain('Plan settings changed: name');
    expect(await diff().getByRole('list', { name: 'Plan settings changed' }).textContent()).toMatch(
      /^name: “Website” → ?changed to “Website relaunch”$/,
    );
    // The short marks in the list say what they mean.
    const list = page.getByRole('region', { name: 'Plan versions' });
    expect(await list.textContent()).toContain('+ added, − removed, ~ changed, ✎ plan settings');
    expect(await versions().first().locator('.version-changes').getAttribute('title')).toBe(
      'Since v2: tasks 1 added, 1 removed, 1 changed',
    );
    await page.screenshot({ path: join(shots, 'versions.png') });
  });

  it('fits an earlier version, its restore button and its changes at 1024 × 700', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      const heading = page.getByRole('heading', { name: 'v1 of 3 — read-only' });
      const restore = page.getByRole('button', { name: 'Restore as new version' });
      // The title is one line, not a word a line.
      await expect.poll(async () => (await heading.boundingBox())!.height).toBeLessThan(30);
      // Every corner of the button is the button: nothing covers it.
      const b = (await restore.boundingBox())!;
      const corners = [
        [b.x + 2, b.y + 2],
        [b.x + b.width - 2, b.y + 2],
        [b.x + 2, b.y + b.height - 2],
        [b.x + b.width - 2, b.y + b.height - 2],
      ];
      for (const [x, y] of corners) {
        expect(
          await restore.evaluate(
            (el, [px, py]) => el.contains(document.elementFromPoint(px!, py!)),
            [x!, y!],
          ),
        ).toBe(true);
      }
      const view = (await page.getByRole('region', { name: 'Version 1 (read-only)' }).boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(view.x + view.width);
      expect(await diff().getByRole('list', { name: 'Changes to build' }).isVisible()).toBe(true);
      await page.screenshot({ path: join(shots, 'versions-1024.png') });
    } finally {
      await page.setViewportSize({ width: 1400, height: 860 });
    }
  });

  it('restores the earlier version as the newest one, keeping every version', async () => {
    await page.getByRole('button', { name: 'Restore as new version' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Restored version 1' }).textContent())
      .toContain('Restored version 1 of site as version 4');
    await page.getByRole('heading', { name: 'v4 of 4 — current, read-only' }).waitFor();
    await expect.poll(() => versions().count()).toBe(4);
    expect(await versions().first().getAttribute('aria-label')).toMatch(
      /^Version 4 \(current\), same as version 1, saved .+, 3 tasks, 0 runs,/,
    );
    // The badge says it in words, and why.
    const same = versions().first().getByText('same as v1', { exact: true });
    expect(await same.isVisible()).toBe(true);
    expect(await same.getAttribute('title')).toBe(
      'Identical to version 1: restored from it, or saved again unchanged',
    );
    expect(await page.getByRole('tab', { name: 'Versions (4)' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Website');
    // The current version is compared with the one before: what the restore changed.
    expect(await diff().getByRole('heading', { level: 2 }).textContent()).toBe('From v3 to v4 (current)');
    expect(await diff().getByRole('list', { name: 'Tasks added' }).textContent()).toBe(
      'launch Launch the site',
    );
    expect(await page.getByRole('button', { name: 'Restore as new version' }).count()).toBe(0);
    const v4 = page.getByRole('region', { name: 'Version 4 (read-only)' });
    await expect
      .poll(() => v4.getByRole('article', { name: 'Task launch, new in this version', exact: true }).count())
      .toBe(1);

    // Version 3 is still there, unchanged.
    await versions().filter({ hasText: 'v3' }).click();
    const v3 = page.getByRole('region', { name: 'Version 3 (read-only)' });
    await expect.poll(() => v3.getByRole('article').count()).toBe(4);
    expect(await v3.getByRole('article', { name: 'Task ship' }).isVisible()).toBe(true);

    // The graph shows the open run as it ran (version 2), and says the latest is 4.
    await page.getByRole('tab', { name: 'Graph' }).click();
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await expect.poll(() => graph.getByRole('article').count()).toBe(4);
    expect(await page.locator('header.plan-head').textContent()).toContain(
      "version 2 (the open run's; the latest is 4) · 4 tasks",
    );
    // And the plan that runs now is version 1's.
    await page.getByRole('button', { name: 'Run plan' }).click();
    await expect
      .poll(() => page.locator('header.plan-head').textContent())
      .toContain('· version 4 · 3 tasks');
    await expect.poll(() => graph.getByRole('article').count()).toBe(3);
    expect(await graph.getByRole('article', { name: /^Task launch/ }).isVisible()).toBe(true);
  });

  it('tells a plan with one version how to make another', async () => {
    await page.getByRole('link', { name: /Solo/ }).click();
    await page.getByRole('tab', { name: 'Versions (1)' }).click();
    const list = page.getByRole('region', { name: 'Plan versions' });
    await expect.poll(() => list.textContent()).toContain('Edit the plan and save it to make another');
    expect(await page.getByRole('heading', { name: 'v1 of 1 — current, read-only' }).isVisible()).toBe(true);
    expect(await page.getByRole('complementary', { name: 'Changes' }).textContent()).toContain(
      'nothing to compare it with yet',
    );
  });

  it('says why when a version cannot be read, and offers to try again', async () => {
    for (const n of [1, 2, 3] as const)
      await baton.rpc('plans.import', { plan: { ...sitePlan(n), plan_id: 'gone' } });
    // This plan by its address: the list holds another "Website relaunch" at v3 ('site'), and
    // which of the two comes first there is no part of this test.
    const u = new URL(baton.server.url);
    u.pathname = '/plans/gone/versions';
    await page.goto(u.href);
    await page.getByRole('heading', { name: 'v2 of 3 — read-only' }).waitFor();
    // Gone from the file under this window, which heard nothing of it (a deletion through Baton
    // would tell the window, which then leaves the plan: no version to click).
    const db = new Database(join(baton.dataDir, DB_FILE));
    db.prepare("DELETE FROM plan_versions WHERE plan_id = 'gone' AND version = 1").run();
    db.close();
    await versions().filter({ hasText: 'v1' }).click();
    const alert = page.getByRole('region', { name: 'Version 1 (read-only)' }).getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toContain('Could not read version 1: plan "gone" has no version 1');
    expect(await alert.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Restore as new version' }).isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the user where they are when the open plan gets a new version elsewhere', async () => {
    await page.getByRole('link', { name: /Solo/ }).click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'solo',
        name: 'Solo',
        tasks: [{ task_id: 'only', description: 'The one task, again' }],
      },
    });
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: 'Plans' })
          .getByRole('link', { name: /Solo.*v2/ })
          .count(),
      )
      .toBe(1);
    expect(await page.getByRole('heading', { name: 'Agents', level: 1 }).isVisible()).toBe(true);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Plans' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Versions (2)' }).isVisible()).toBe(true);
  });
  it('opens a plan on its graph after a save, not on the tab it was edited from', async () => {
    await baton.rpc('plans.import', {
      plan: { plan_id: 'tabbed', name: 'Tabbed', tasks: [{ task_id: 'a', description: 'A' }] },
    });
    await page.getByRole('link', { name: /Tabbed/ }).click();
    await page.getByRole('tab', { name: 'Versions (1)' }).click();
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const goal = page.getByRole('form', { name: 'Plan' }).getByLabel('Goal');
    await goal.fill('Say hello once more');
    await goal.press('Tab');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.getByRole('tab', { name: 'Versions (2)' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected')).toBe('true');
  });
});
