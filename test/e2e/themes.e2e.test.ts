import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { readability } from './readability.ts';

const night = (version: 1 | 2) => ({
  plan_id: 'night',
  name: 'Night release',
  budget: 50,
  tasks: [
    { task_id: 'draft', description: 'Write the draft', required_skills: ['write'] },
    { task_id: 'review', description: 'Review it', required_skills: ['review'], depends_on: ['draft'] },
    {
      task_id: 'ship',
      description: 'Ship it',
      required_skills: ['write'],
      depends_on: ['draft'],
      requires_approval: true,
      priority: 'HIGH',
    },
    { task_id: 'art', description: 'Paint the cover', required_skills: ['paint'] },
    ...(version === 2
      ? [
          {
            task_id: 'tests',
            description: 'Run the tests',
            required_skills: ['test'],
            retry: { max_attempts: 2, backoff: { initial_ms: 50, jitter: 0 } },
          },
        ]
      : []),
  ],
});

/**
 * Every view in the dark theme, and again in the light one (the OS preference, as a person's
 * desktop sets it): none is blank or crashed, the page really follows the theme, and every
 * visible piece of text is readable against what is behind it.
 */
describe.skipIf(skipE2e).each(['dark', 'light'] as const)('every view in the %s theme', (scheme) => {
  let baton: Baton;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    baton = await launchBaton(`theme-${scheme}`, { width: 1400, height: 860 });
    page = baton.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.emulateMedia({ colorScheme: scheme });
  });
  afterAll(() => baton?.close());

  /** The view follows the theme, is not blank or crashed, and its text is readable; a screenshot to look at. */
  async function expectReadable(view: string, minText = 40) {
    await page.waitForTimeout(150); // let colour transitions and layout settle
    await page.screenshot({ path: join(shots, `${scheme}-${view}.png`) });
    const r = await readability(page);
    expect({ view, crashed: r.crashed, lowContrast: r.lowContrast }).toEqual({
      view,
      crashed: [],
      lowContrast: [],
    });
    if (scheme === 'dark') expect(r.pageLuminance, `${view}: the page is dark`).toBeLessThan(0.05);
    else expect(r.pageLuminance, `${view}: the page is light`).toBeGreaterThan(0.8);
    expect(r.mainText, `${view}: the main area shows text`).toBeGreaterThanOrEqual(minText);
    expect(r.checked, `${view}: text elements checked`).toBeGreaterThan(5);
  }

  it('the first start, with no plans: says what to do', async () => {
    await page.goto(baton.server.url);
    await page.getByRole('heading', { name: 'No plans yet' }).waitFor();
    await expectReadable('empty');
  });

  it('a plan with a run: graph, run panel, task details', async () => {
    await baton.rpc('agents.import', {
      agents: [
        { id: 'writer', name: 'Writer', skills: ['write'], max_concurrency: 2, cost_per_task: 1 },
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
        {
          id: 'tester',
          kind: 'command',
          skills: ['test'],
          command: process.execPath,
          args: ['-e', "console.error('2 tests failed'); process.exit(1)"],
        },
      ],
    });
    await baton.rpc('projects.save', { id: 'launch', name: 'Launch', goal: 'Ship 2.0', budget: 100 });
    await baton.rpc('plans.import', { plan: night(1) });
    await baton.rpc('runs.start', { plan_id: 'night' });
    await baton.rpc('plans.import', { plan: night(2) });
    await baton.rpc('runs.start', { plan_id: 'night' });
    await page.reload();
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await expect
      .poll(() => graph.getByRole('article', { name: 'Task tests: Failed' }).isVisible())
      .toBe(true);
    await expectReadable('plan');
    await graph.getByRole('article', { name: /^Task draft/ }).click();
    await page.getByRole('region', { name: 'Task draft details' }).waitFor();
    await expectReadable('task-details');
  });

  it('the run timeline, with its legend', async () => {
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const legend = page.getByRole('list', { name: 'Timeline legend' });
    await legend.waitFor();
    expect(await legend.textContent()).toContain('retried');
    expect(
      await page
        .getByRole('region', { name: 'Run timeline' })
        .getByRole('img', { name: /^tests: .*, attempt 2,/ })
        .count(),
    ).toBe(1);
    await expectReadable('timeline');
  });

  it('run comparison and plan versions', async () => {
    await page.getByRole('tab', { name: 'Compare runs' }).click();
    await page.getByRole('table', { name: 'Run comparison' }).waitFor();
    await expectReadable('compare');
    await page.getByRole('tab', { name: 'Versions (2)' }).click();
    await page.getByRole('heading', { name: 'v1 of 2 — read-only' }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Tasks added' }).textContent()).toContain('tests');
    await expectReadable('versions');
  });

  it('the plan designer and the new-plan dialog', async () => {
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await page.getByRole('region', { name: 'Plan designer graph' }).getByRole('article').first().waitFor();
    await expectReadable('designer');
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('button', { name: 'New plan…' }).click();
    await page.getByRole('dialog', { name: 'New plan' }).waitFor();
    await expectReadable('new-plan');
    await page.keyboard.press('Escape');
  });

  it('the runs of every plan', async () => {
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Runs' }).getByRole('row').count()).toBe(3);
    await expectReadable('runs');
  });

  it('approvals, agents, projects, spend and build logs', async () => {
    await page.getByRole('link', { name: /^Approvals/ }).click();
    await page.getByRole('listitem', { name: 'Approval for ship' }).first().waitFor();
    await expectReadable('approvals');
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByRole('table', { name: 'Agents' }).waitFor();
    await expectReadable('agents');
    await page.getByRole('link', { name: 'Projects', exact: true }).click();
    await page.getByRole('table', { name: 'Projects' }).waitFor();
    await expectReadable('projects');
    await page.getByRole('link', { name: 'Spend', exact: true }).click();
    await page.getByRole('region', { name: 'Totals' }).waitFor();
    await expectReadable('spend');
    await page.getByRole('link', { name: 'Build logs', exact: true }).click();
    const entries = page.getByRole('list', { name: 'Memory entries' });
    await entries.getByRole('button').first().click();
    await page.getByRole('region', { name: 'Entry details' }).waitFor();
    await expectReadable('build-logs');
    expect(pageErrors).toEqual([]);
  });
});
