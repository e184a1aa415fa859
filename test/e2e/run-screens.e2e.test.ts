import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { flowViewport, launchBaton, NODE, shots, skipE2e } from './harness.ts';

/**
 * The run screens at the bar of their peers: the run table's duration column (live, as
 * Airflow's grid), a task panel with a header and tabs (Airflow's task instance, GitHub's check
 * run), the timeline's one-line legend, outputs compared per key (GitHub's compare), and a small
 * graph that fills its pane.
 */

/** Answers with a short value, a long text, a list and a stamp that differs from run to run. */
const WRITER = `
const items = Array.from({ length: 12 }, (_, i) => ({ item: i, note: 'checked' }));
console.log('::result ' + JSON.stringify({
  summary: 'wrote four files',
  stamp: Date.now() + '-' + process.pid,
  story: 'A long paragraph of what the agent did, told at length so that it needs more than a line. '.repeat(4),
  items,
  ok: true,
}));
`;

describe.skipIf(skipE2e)('the run screens', () => {
  let baton: Baton;
  let page: Page;
  let slowRun = '';

  const waitEnded = async (runId: string) => {
    for (let i = 0; i < 150; i++) {
      const r = (await baton.rpc('runs.get', { run_id: runId })).value as { status: string };
      if (r.status !== 'executing') return;
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  beforeAll(async () => {
    baton = await launchBaton('run-screens', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'writer', kind: 'command', skills: ['write'], command: process.execPath, args: ['-e', WRITER] },
        {
          id: 'flaky',
          kind: 'command',
          skills: ['check'],
          command: process.execPath,
          args: ['-e', 'console.log("checking"); console.log("::error the service answered 503")'],
        },
        {
          id: 'sleeper',
          kind: 'command',
          skills: ['sleep'],
          command: process.execPath,
          args: ['-e', 'setTimeout(() => {}, 120000)'],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'report',
        tasks: [
          { task_id: 'write', description: 'Write the report', required_skills: ['write'] },
          {
            task_id: 'check',
            description: 'Check it',
            required_skills: ['check'],
            depends_on: ['write'],
            retry: { max_attempts: 2, backoff: { initial_ms: 0, jitter: 0 } },
          },
          {
            task_id: 'publish',
            description: 'Publish it',
            required_skills: ['write'],
            depends_on: ['check'],
          },
        ],
      },
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'slow',
        tasks: [{ task_id: 'nap', description: 'Take long', required_skills: ['sleep'] }],
      },
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'twice',
        tasks: [{ task_id: 'stamp', description: 'Stamp', required_skills: ['write'] }],
      },
    });
    const report = (await baton.rpc('runs.start', { plan_id: 'report' })).value as { run_id: string };
    for (let i = 0; i < 2; i++) {
      const twice = (await baton.rpc('runs.start', { plan_id: 'twice' })).value as { run_id: string };
      await waitEnded(twice.run_id);
    }
    await waitEnded(report.run_id);
    slowRun = ((await baton.rpc('runs.start', { plan_id: 'slow' })).value as { run_id: string }).run_id;
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Bo', agentId: null })),
    );
    await page.goto(baton.server.url);
  });
  afterAll(async () => {
    if (slowRun) await baton?.rpc('runs.cancel', { run_id: slowRun });
    await baton?.close();
  });

  const openPlan = async (plan: string) => {
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: new RegExp(`^${plan}`) })
      .click();
    await page.getByRole('status', { name: /^Run status/ }).waitFor();
  };
  const table = () => page.getByRole('table', { name: 'Task results' });
  const duration = (task: string) =>
    table()
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: task, exact: true }) })
      .locator('.task-cell-duration');

  it('gives each task of the run table its duration, counting up while the task runs', async () => {
    await openPlan('report');
    expect(await table().getByRole('columnheader', { name: 'Duration' }).isVisible()).toBe(true);
    // Ended tasks: how long they ran; a task that never started: a dash.
    await expect.poll(() => duration('write').textContent()).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(await duration('check').textContent()).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(await duration('publish').textContent()).toBe('—');
    await openPlan('slow');
    const nap = duration('nap');
    await expect.poll(() => nap.textContent()).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(await nap.getAttribute('class')).toContain('live');
    // Live: it grows while the task runs, without the page being reloaded.
    const first = await nap.textContent();
    await expect.poll(() => nap.textContent()).not.toBe(first);
  });

  it('shows a task with a header of its facts and actions, and its sections as tabs', async () => {
    await openPlan('report');
    await table().getByRole('button', { name: 'write', exact: true }).click();
    const write = page.getByRole('region', { name: 'Task write details' });
    await write.waitFor();
    expect(await write.getByRole('heading', { level: 2 }).textContent()).toContain('Done');
    expect(await write.locator('dt:text-is("Agent") + dd').textContent()).toBe('writer');
    expect(await write.locator('dt:text-is("Duration") + dd').textContent()).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(await write.getByRole('button', { name: 'Re-run from here' }).isVisible()).toBe(true);
    // One section open at a time, the output first for a task that is done.
    const tabs = write.getByRole('tablist', { name: 'Sections of write' });
    expect(await tabs.getByRole('tab').allTextContents()).toEqual([
      'Output',
      'Log',
      'Why this agent',
      'History',
    ]);
    expect(await tabs.getByRole('tab', { selected: true }).textContent()).toBe('Output');
    expect(await write.getByRole('tabpanel').count()).toBe(1);
    // The output per key: short values beside their key, long ones folded until asked.
    const output = write.getByRole('region', { name: 'Output of write' });
    const field = (key: string) => output.locator(`dt:text-is("${key}") + dd`);
    expect(await field('summary').textContent()).toBe('wrote four files');
    expect(await field('ok').textContent()).toBe('true');
    expect(await field('story').locator('p').getAttribute('class')).toContain('clamped');
    const items = field('items');
    const lines = () => items.locator('pre').evaluate((el) => (el.textContent ?? '').split('\n').length);
    expect(await lines()).toBe(6);
    await items.getByRole('button', { name: 'Show all of items' }).click();
    expect(await lines()).toBeGreaterThan(40);
    // Nothing runs off the panel sideways.
    expect(await output.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await output.getByRole('button', { name: 'Copy the output of write' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(copied)).toMatchObject({ summary: 'wrote four files', ok: true });
    await output.getByRole('button', { name: 'View as JSON' }).click();
    await expect
      .poll(() => write.getByRole('region', { name: 'Output of write' }).locator('pre').textContent())
      .toContain('"summary": "wrote four files"');
    await page.screenshot({ path: join(shots, 'task-panel-tabs.png') });

    // A failed task opens on its log, its error in the header, its attempts one tab away.
    await table().getByRole('button', { name: 'check', exact: true }).click();
    const check = page.getByRole('region', { name: 'Task check details' });
    await check.waitFor();
    const checkTabs = check.getByRole('tablist', { name: 'Sections of check' });
    expect(await checkTabs.getByRole('tab', { selected: true }).textContent()).toBe('Log');
    await expect.poll(() => check.locator('pre.log').textContent()).toContain('checking');
    expect(await check.getByRole('note', { name: 'Error' }).textContent()).toBe('the service answered 503');
    expect(await check.getByRole('button', { name: 'Retry in a new run' }).isVisible()).toBe(true);
    await checkTabs.getByRole('tab', { name: 'Attempts (2)' }).click();
    await expect
      .poll(() => check.getByRole('table', { name: 'Attempts of check' }).locator('tbody tr').count())
      .toBe(2);
    await checkTabs.getByRole('tab', { name: 'Why this agent' }).click();
    expect(await check.getByRole('tabpanel').textContent()).toContain('flaky: total');
  });

  it('says what the timeline draws on one line', async () => {
    await openPlan('report');
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const legend = page.getByRole('list', { name: 'Timeline legend' });
    await legend.waitFor();
    const oneRow = async () => {
      const tops = await legend
        .getByRole('listitem')
        .evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
      return tops.length > 1 && new Set(tops).size === 1;
    };
    expect(await oneRow()).toBe(true);
    // It names what this run draws (done, failed, a retry, a task that did not run) and no more.
    expect(await legend.getByRole('listitem').allTextContents()).toEqual([
      'waited',
      'done',
      'failed',
      'retried',
      'did not run',
    ]);
    // Every mark in full, on asking.
    await page.getByText('Key', { exact: true }).click();
    expect(await page.getByRole('list', { name: 'Timeline key' }).textContent()).toContain(
      'waiting for a person (an approval)',
    );
    await page.getByText('Key', { exact: true }).click();
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await expect.poll(oneRow).toBe(true);
      // Not under the narrow window's side-panel button: a click reaches it.
      await page.getByText('Key', { exact: true }).click();
      expect(await page.getByRole('list', { name: 'Timeline key' }).isVisible()).toBe(true);
      await page.getByText('Key', { exact: true }).click();
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    await page.getByRole('tab', { name: 'Graph' }).click();
  });

  it('compares outputs key by key, the keys that changed marked, long values opened on asking', async () => {
    await openPlan('twice');
    await page.getByRole('tab', { name: 'Compare runs' }).click();
    const output = page.locator('dl[aria-label="Output of stamp in the first run"]');
    const keys = () => output.locator('dt').allTextContents();
    await expect.poll(keys).toEqual(['summary', 'stamp ≠ (changed)', 'story', 'items', 'ok']);
    const line = (key: string) =>
      output.locator('.output-key').filter({ has: page.locator(`dt:text-is("${key}")`) });
    expect(await line('summary').getAttribute('class')).toBe('output-key');
    expect(await output.locator('.output-key.changed').count()).toBe(1);
    // A long value is cut to a line, and whole on asking.
    const story = output.locator('dd').nth(2);
    expect(await story.textContent()).toMatch(/…more$/);
    await story.getByRole('button', { name: 'All of story' }).click();
    expect(await story.locator('pre').textContent()).toContain('told at length');
    expect((await story.locator('pre').textContent())?.length).toBeGreaterThan(300);
    await page.screenshot({ path: join(shots, 'run-compare-keys.png') });
    await page.getByRole('tab', { name: 'Graph' }).click();
  });

  it('fits a small graph to its pane at a readable zoom', async () => {
    await openPlan('report');
    const graph = page.getByRole('region', { name: 'Plan graph' });
    const cards = graph.getByRole('article');
    await expect.poll(() => cards.count()).toBe(3);
    /** The pane and its cards' boxes, and whether every card is drawn whole in the pane. */
    const look = async () => {
      const area = (await graph.boundingBox())!;
      // A card React Flow has not measured yet is hidden: no box.
      const all = await Promise.all([0, 1, 2].map((i) => cards.nth(i).boundingBox()));
      const boxes = all.filter((b) => b !== null);
      const whole =
        boxes.length === 3 &&
        boxes.every(
          (b) =>
            b.x >= area.x &&
            b.y >= area.y &&
            b.x + b.width <= area.x + area.width &&
            b.y + b.height <= area.y + area.height,
        );
      return { pane: area, boxes, whole };
    };
    // Every card whole on screen (once the graph is fitted: the cards are drawn, then measured
    // and fitted), at a zoom at which it reads as designed.
    await expect.poll(async () => (await look()).whole).toBe(true);
    const { pane, boxes } = await look();
    expect((await flowViewport(page)).zoom).toBeGreaterThanOrEqual(0.95);
    // The chain fills the pane's height rather than floating in a band across it.
    const top = Math.min(...boxes.map((b) => b.y));
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    expect(bottom - top).toBeGreaterThan(pane.height / 2);
    expect(boxes[0]!.width).toBeGreaterThanOrEqual(NODE.width * 0.95);
    // A narrower window fits it again (the person has not moved the view): every card still whole.
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await expect.poll(async () => (await look()).whole).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });
  it('brings the task header into view after a table click in a short window', async () => {
    await openPlan('report');
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      const panel = page.getByRole('region', { name: 'Run result' });
      // One task's details open above the table, and the panel scrolled down to the table, as
      // after reading it: the next task is picked from there.
      await table().getByRole('button', { name: 'write', exact: true }).click();
      await page.getByRole('region', { name: 'Task write details' }).waitFor();
      await table().scrollIntoViewIfNeeded();
      expect(await panel.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
      await table().getByRole('button', { name: 'check', exact: true }).click();
      const heading = page
        .getByRole('region', { name: 'Task check details' })
        .getByRole('heading', { level: 2 });
      await heading.waitFor();
      const inView = async (l: Locator) => {
        const box = (await l.boundingBox())!;
        const area = (await panel.boundingBox())!;
        return box.y >= area.y - 1 && box.y + box.height <= area.y + area.height + 1;
      };
      // Once what it shows has loaded (its log), the header is still in view.
      await expect
        .poll(() => page.getByRole('region', { name: 'Task check details' }).locator('pre.log').textContent())
        .toContain('checking');
      expect(await inView(heading)).toBe(true);
      await page.screenshot({ path: join(shots, 'task-panel-1024.png') });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });
});
