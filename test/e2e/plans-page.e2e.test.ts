import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// The Plans page: every plan in a table with its tags, owner, last and next run and schedule;
// found by a search and a tag the address keeps; duplicated, archived and deleted from its row
// or from the plan's own page; and the sidebar, which keeps no plan highlighted behind a new draft.
describe.skipIf(skipE2e)('the Plans page', () => {
  let baton: Baton;
  let page: Page;
  let base: string;
  let token: string;
  let lastRunId: string;
  let nextFire: string;

  const path = () => {
    const url = new URL(page.url());
    return url.pathname + url.search;
  };
  const table = () => page.getByRole('table', { name: 'Plans' });
  const row = (name: string) => table().getByRole('row', { name: `Plan ${name}`, exact: true });
  const names = () => table().locator('tbody th[scope="row"] a').allTextContents();
  const sidebar = () => page.getByRole('list', { name: 'Plans' });
  /** A plan's link in the sidebar, by its name exactly. */
  const listed = (name: string) =>
    sidebar()
      .getByRole('link')
      .filter({ has: page.locator('.plan-name').getByText(name, { exact: true }) });
  const plan = (plan_id: string, name: string, more: Record<string, unknown> = {}) => ({
    plan: { plan_id, name, ...more, tasks: [{ task_id: 'a', description: 'A', required_skills: ['x'] }] },
  });

  beforeAll(async () => {
    baton = await launchBaton('plans-page', { width: 1440, height: 900 });
    page = baton.page;
    base = new URL('/', baton.server.url).href;
    token = new URL(baton.server.url).searchParams.get('token')!;
    await baton.rpc('agents.import', { agents: [{ id: 'quick', skills: ['x'] }] });
    await baton.rpc('plans.import', plan('scratch', 'Scratch'));
    await baton.rpc('plans.import', plan('docs-site', 'Docs site', { tags: ['web'], owner: 'Bo Chen' }));
    await baton.rpc(
      'plans.import',
      plan('nightly-report', 'Nightly report', { tags: ['reports', 'nightly'], owner: 'Ana Lima' }),
    );
    const started = await baton.rpc('runs.start', { plan_id: 'nightly-report' });
    lastRunId = started.value.run_id as string;
    await vi.waitFor(
      async () => expect((await baton.runsOf('nightly-report'))[0]?.status).toBe('completed'),
      { timeout: 20_000, interval: 50 },
    );
    const schedule = await baton.rpc('schedules.add', {
      id: 'weekday-docs',
      plan_id: 'docs-site',
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Paris',
    });
    nextFire = schedule.value.next_fire_at as string;
    await page.goto(`${base}plans?token=${token}`);
  });
  afterAll(async () => {
    await baton?.close();
  });

  it('lists every plan with its tags, owner, last run, next run in its zone and schedule in words', async () => {
    await row('Nightly report').waitFor();
    // One entry for plans: "All plans" heads the sidebar's plans, and Plans is marked meanwhile.
    const entry = page.getByRole('link', { name: 'All plans', exact: true });
    expect(await entry.getAttribute('href')).toBe('/plans');
    expect(await entry.getAttribute('aria-current')).toBe('page');
    const sections = page.getByRole('navigation', { name: 'Sections' });
    expect(
      await sections.getByRole('link', { name: 'Plans', exact: true }).getAttribute('aria-current'),
    ).toBe('page');
    expect(await sections.getByRole('link', { name: 'Plan list' }).count()).toBe(0);
    expect((await names()).sort()).toEqual(['Docs site', 'Nightly report', 'Scratch']);

    const nightly = row('Nightly report');
    expect(
      await nightly.getByRole('link', { name: 'Nightly report', exact: true }).getAttribute('href'),
    ).toBe('/plans/nightly-report');
    const last = nightly.getByRole('link', { name: 'Last run of Nightly report: completed' });
    await expect.poll(() => last.getAttribute('href')).toBe(`/runs/${lastRunId}`);
    expect(await nightly.textContent()).toContain('Ana Lima');
    expect(await nightly.getByRole('list', { name: 'Tags' }).getByRole('listitem').allTextContents()).toEqual(
      ['reports', 'nightly'],
    );

    const docs = row('Docs site');
    // The next run is the schedule's next fire, written in the schedule's zone.
    const next = docs.locator(`time[datetime="${nextFire}"]`).first();
    await next.waitFor();
    expect(await next.textContent()).toMatch(/GMT\+[12]|CES?T/);
    const schedule = docs.getByRole('link', { name: /Schedules of Docs site/ });
    expect(await schedule.textContent()).toContain('Every weekday at 09:00, Paris time');
    expect(await schedule.getAttribute('href')).toBe('/plans/docs-site/schedules');
    expect(await row('Scratch').textContent()).toContain('never run');
  });

  it('shows a schedule paused when every schedule of the plan is', async () => {
    await baton.rpc('schedules.setEnabled', { schedule_id: 'weekday-docs', enabled: false });
    await expect.poll(() => row('Docs site').textContent()).toContain('paused');
    expect(await row('Docs site').locator(`time[datetime="${nextFire}"]`).count()).toBe(0);
    await baton.rpc('schedules.setEnabled', { schedule_id: 'weekday-docs', enabled: true });
    await row('Docs site').locator(`time[datetime="${nextFire}"]`).first().waitFor();
  });

  it('finds plans by name, id, tag or owner and by a tag, and keeps both in the address across a reload', async () => {
    await page.getByLabel('Find a plan').fill('ana');
    await expect.poll(names).toEqual(['Nightly report']);
    expect(path()).toBe('/plans?q=ana');
    await page.getByLabel('Find a plan').fill('docs-');
    await expect.poll(names).toEqual(['Docs site']);
    await page.getByLabel('Find a plan').fill('');
    await page.getByRole('group', { name: 'Plan filters' }).getByLabel('Tag').selectOption('web');
    await expect.poll(names).toEqual(['Docs site']);
    expect(path()).toBe('/plans?tag=web');
    await page.reload();
    await expect.poll(names).toEqual(['Docs site']);
    expect(await page.getByRole('group', { name: 'Plan filters' }).getByLabel('Tag').inputValue()).toBe(
      'web',
    );
    // A tag on a row filters by it too.
    await page.getByRole('group', { name: 'Plan filters' }).getByLabel('Tag').selectOption('');
    await row('Nightly report').getByRole('button', { name: 'Show plans tagged reports' }).click();
    await expect.poll(names).toEqual(['Nightly report']);
    expect(path()).toBe('/plans?tag=reports');
    await page.getByRole('group', { name: 'Plan filters' }).getByLabel('Tag').selectOption('');
    await expect.poll(async () => (await names()).length).toBe(3);
  });

  it('duplicates a plan under a new readable id, tags and owner included', async () => {
    await page.getByRole('button', { name: 'Duplicate Nightly report' }).click();
    await row('Nightly report (copy)').waitFor();
    expect(await row('Nightly report (copy)').textContent()).toContain('nightly-report-copy');
    const copy = await baton.rpc('plans.get', { plan_id: 'nightly-report-copy' });
    expect(copy.value.plan).toMatchObject({ tags: ['reports', 'nightly'], owner: 'Ana Lima' });
  });

  it('archives a plan that has run (Delete offers it): hidden from the lists, its run refused', async () => {
    await page.getByRole('button', { name: 'Delete Nightly report', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Archive Nightly report instead?' });
    expect(await dialog.textContent()).toContain('has 1 run');
    await dialog.getByRole('button', { name: 'Archive instead' }).click();
    await expect.poll(names).not.toContain('Nightly report');
    await expect.poll(() => listed('Nightly report').count()).toBe(0);
    const refused = await baton.rpc('runs.start', { plan_id: 'nightly-report' });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused.error)).toContain(
      'plan \\"nightly-report\\" is archived: unarchive it to run it',
    );

    await page.getByLabel('Show archived (1)').check();
    await row('Nightly report').waitFor();
    expect(await row('Nightly report').textContent()).toContain('archived');
    expect(path()).toBe('/plans?archived=1');
    // Its page says so, and does not offer to run it.
    await row('Nightly report').getByRole('link', { name: 'Nightly report', exact: true }).click();
    await page.getByRole('note', { name: 'Archived' }).waitFor();
    expect(await page.getByRole('button', { name: 'Run plan' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Unarchive Nightly report' }).click();
    await expect.poll(() => page.getByRole('note', { name: 'Archived' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run plan' }).isDisabled()).toBe(false);
    await listed('Nightly report').waitFor();
  });

  it('deletes a plan that never ran, after a question that names it and what goes with it', async () => {
    await page.getByRole('link', { name: 'All plans', exact: true }).click();
    await page.getByRole('button', { name: 'Delete Scratch' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete plan Scratch?' });
    expect(await dialog.textContent()).toContain(
      'Scratch (scratch) and its only version are deleted for good',
    );
    await dialog.getByRole('button', { name: 'Delete plan' }).click();
    await expect.poll(names).not.toContain('Scratch');
    await expect.poll(() => listed('Scratch').count()).toBe(0);
    const stored = (await baton.rpc('plans.list', {})).value as unknown as { plan_id: string }[];
    expect(stored.map((p) => p.plan_id)).not.toContain('scratch');
  });

  it('deletes a plan from its own page, and goes to the Plans page', async () => {
    await listed('Nightly report (copy)').click();
    await page.getByRole('heading', { name: 'Nightly report (copy)', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete Nightly report (copy)' }).click();
    await page
      .getByRole('alertdialog', { name: 'Delete plan Nightly report (copy)?' })
      .getByRole('button', { name: 'Delete plan' })
      .click();
    // The Plans page as it was left (showing archived plans too).
    await expect.poll(path).toBe('/plans?archived=1');
    await expect.poll(names).not.toContain('Nightly report (copy)');
  });

  it('edits a plan’s owner and tags in the designer, and lists them', async () => {
    await page.goto(`${base}plans/docs-site/edit`);
    const form = page.getByRole('form', { name: 'Plan' });
    await form.getByLabel('Owner').fill('Cleo Park');
    await form.getByLabel('Plan tags').fill('handbook');
    await form.getByLabel('Plan tags').press('Enter');
    await form.getByRole('button', { name: 'Remove tag web' }).click();
    await page.getByRole('button', { name: 'Save plan' }).click();
    await expect
      .poll(async () => (await baton.rpc('plans.get', { plan_id: 'docs-site' })).value.plan)
      .toMatchObject({ owner: 'Cleo Park', tags: ['handbook'] });
    // The save opens the plan on its graph: once there, the page is done with it (clicked before,
    // All plans was left again for the plan's page when the save's answer came, on a busy machine).
    await expect.poll(path).toBe('/plans/docs-site');
    await page.getByRole('heading', { name: 'Docs site', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'All plans', exact: true }).click();
    await expect.poll(() => row('Docs site').textContent()).toContain('Cleo Park');
    expect(await row('Docs site').getByRole('list', { name: 'Tags' }).textContent()).toBe('handbook');
  });

  it('highlights no saved plan in the sidebar while a new plan’s draft is open', async () => {
    await listed('Docs site').click();
    await page.getByRole('heading', { name: 'Docs site', level: 1 }).waitFor();
    expect(await listed('Docs site').getAttribute('aria-current')).toBe('true');
    await page.getByRole('button', { name: 'New plan…' }).first().click();
    await page.getByRole('button', { name: 'Start empty' }).click();
    await expect.poll(path).toBe('/new-plan');
    expect(await sidebar().locator('[aria-current]').count()).toBe(0);
    expect(await sidebar().locator('.active').count()).toBe(0);
  });

  it('looks right at 1440 and 1024, light and dark', async () => {
    await page.goto(`${base}plans`);
    await row('Docs site').waitFor();
    for (const width of [1440, 1024]) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(shots, `plans-page-${width}-${scheme}.png`) });
      }
    }
    // A plan that has run: its header holds the run pickers beside the plan's own actions.
    await row('Nightly report').getByRole('link', { name: 'Nightly report', exact: true }).click();
    await page.getByRole('heading', { name: 'Nightly report', level: 1 }).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(shots, `plans-page-header-1024-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
