import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { chromiumFound, launchBaton, shots, skipE2e } from './harness.ts';
import { root } from './serve-process.ts';

const examples = join(root, 'resources', 'examples');

if (skipE2e && 'missing' in chromiumFound) {
  console.warn(`\n*** SKIPPING browser e2e: ${chromiumFound.missing}\n`);
}

describe.skipIf(skipE2e)('Baton in Chromium against browser mode', () => {
  let baton: Baton;
  let dataDir: string;
  let server: Baton['server'];
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    baton = await launchBaton('e2e', { width: 1400, height: 860 });
    ({ dataDir, server, page } = baton);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(() => baton?.close());
  // A failure leaves what the page showed (a screenshot, its notices and errors) for whoever reads the log.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const name = `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`;
    await page.screenshot({ path: join(shots, name), fullPage: true }).catch(() => {});
    const notices = await page
      .locator('[role=alert], [role=status]')
      .allTextContents()
      .catch(() => []);
    console.error(
      `browser e2e failed at ${page.url()}: screenshot test-results/${name}; notices: ${notices.join(' | ') || 'none'}; page errors: ${pageErrors.join(' | ') || 'none'}`,
    );
  });

  it('opens with the token, then says what to do when empty', async () => {
    await page.goto(server.url);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
  });

  it('imports the example agents and plan, runs it, and shows each task’s outcome', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    // The Agents screen's own input, once it is shown: on a busy machine the empty Plans page's
    // "Agents file (first steps)" could still be there, and be gone before its change fired.
    await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
    await page.getByLabel('Agents file', { exact: true }).setInputFiles(join(examples, 'agents.json'));
    await expect.poll(() => page.getByRole('table', { name: 'Agents' }).getByRole('row').count()).toBe(3);

    await page.getByLabel('Plan file', { exact: true }).setInputFiles(join(examples, 'onboarding-plan.json'));
    await expect.poll(() => page.getByRole('heading', { name: 'plan-87234' }).isVisible()).toBe(true);
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await expect.poll(() => graph.getByRole('article').count()).toBe(2);
    // Before it has run, a task shows how the plan defines it.
    await graph.getByRole('article', { name: 'Task task-001' }).click();
    const definition = page.getByRole('region', { name: 'Task task-001 definition' });
    await expect.poll(() => definition.textContent()).toContain('summarization, memory_search');
    expect(await definition.textContent()).toContain('nothing: starts at once');
    // Before running, the plan says which task no registered agent can take.
    const before = page.getByRole('note', { name: 'Before you run' });
    await expect
      .poll(() => before.textContent())
      .toContain('task-002: no agent has all of: reflection, context_analysis');
    await page.getByRole('button', { name: 'Run plan' }).click();

    const result = page.getByRole('region', { name: 'Run result' });
    await expect
      .poll(() => result.getByRole('status', { name: 'Run status: failed' }).isVisible())
      .toBe(true);
    const row1 = result.getByRole('row', { name: /task-001/ });
    await expect.poll(() => row1.textContent()).toContain('Done');
    expect(await row1.textContent()).toContain('ash');
    expect(await row1.textContent()).toContain('task-001-delegated');
    const row2 = result.getByRole('row', { name: /task-002/ });
    expect(await row2.textContent()).toContain('Unassigned');
    expect(await row2.textContent()).toContain(
      'No qualified agent found: Agent lacks required skills: context_analysis.',
    );
    await expect
      .poll(() => graph.getByRole('article', { name: 'Task task-001: Done' }).isVisible())
      .toBe(true);
    await expect
      .poll(() => graph.getByRole('article', { name: 'Task task-002: Unassigned' }).isVisible())
      .toBe(true);
    expect(await result.getByText(/of 2 done/).textContent()).toBe('1 of 2 done · 1 unassigned');
    // A count in the summary shows only those tasks in the table; again, all of them.
    const table = result.getByRole('table', { name: 'Task results' });
    await result.getByRole('button', { name: '1 unassigned' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.textContent()).toContain('task-002');
    await result.getByRole('button', { name: '1 unassigned' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    // From the keyboard: Enter on a focused card opens its details; the card shows focus and selection.
    const card = graph.locator('.react-flow__node[data-id="task-002"]');
    await card.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('region', { name: 'Task task-002 details' }).isVisible())
      .toBe(true);
    await expect.poll(() => card.getAttribute('class')).toContain('selected');
    expect(await card.locator('.task-node').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe(
      'solid',
    );
    const log = await result.getByLabel('Build log entry').textContent();
    expect(JSON.parse(log ?? '{}')).toMatchObject({
      type: 'build_log',
      agent_id: 'orchestrator',
      task_type: 'build',
    });
    await page.screenshot({ path: join(shots, 'e2e-run.png') });
  });

  it('finds the build log by full-text search', async () => {
    await page.getByRole('link', { name: 'Build logs', exact: true }).click();
    await page.getByLabel('Search memory').fill('context_analysis');
    const list = page.getByRole('list', { name: 'Memory entries' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(await list.locator('mark').first().textContent()).toMatch(/context|analysis/);
  });

  it('shows a readable error naming the field for a bad plan, and no blank page', async () => {
    const bad = join(dataDir, 'bad-plan.json');
    writeFileSync(
      bad,
      JSON.stringify({ plan_id: 'bad', tasks: [{ task_id: 'a', description: 'x', depends_on: ['ghost'] }] }),
    );
    await page.getByLabel('Plan file', { exact: true }).setInputFiles(bad);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not import bad-plan.json' });
    await expect.poll(() => alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toContain('tasks[0].depends_on[0]: unknown dependency "ghost"');
    expect(pageErrors).toEqual([]);
  });
});
