import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutGraph } from '../../src-renderer/src/graph/layout.ts';
import type { Baton } from './harness.ts';
import { flowViewport, launchBaton, layeredPlan, NODE, skipE2e } from './harness.ts';

// A plan too large to draw as cards when it fits the screen: 600 tasks in layers of 30.
const tasks = layeredPlan(600, 30);
/** Where the renderer lays the tasks out. */
const positions = layoutGraph({
  nodes: tasks.map((t) => ({ id: t.task_id, ...NODE })),
  edges: tasks.flatMap((t) => t.depends_on.map((d) => ({ source: d, target: t.task_id }))),
});

/** Where the page draws a task now: the renderer's layout through the graph's viewport. */
async function screenPoint(page: Page, id: string): Promise<{ x: number; y: number }> {
  const vp = await flowViewport(page);
  const p = positions[id]!;
  return {
    x: vp.left + vp.x + (p.x + NODE.width / 2) * vp.zoom,
    y: vp.top + vp.y + (p.y + NODE.height / 2) * vp.zoom,
  };
}

/** Wheel-zooms in over a point of the graph until it shows task cards (at most 20 steps). */
async function zoomInToCards(page: Page, graph: Locator, at: { x: number; y: number }) {
  await page.mouse.move(at.x, at.y);
  for (let i = 0; i < 20 && (await graph.getByRole('article').count()) === 0; i++) {
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(50);
  }
}

describe.skipIf(skipE2e)('a large plan', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('largeplan');
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 50 }] });
    await baton.rpc('plans.import', { plan: { plan_id: 'wide', tasks } });
    await baton.rpc('runs.start', { plan_id: 'wide' });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  it('is drawn as one overview when zoomed out, where clicking a task shows its details', async () => {
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: completed' }).isVisible())
      .toBe(true);
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await graph.getByRole('img', { name: /^Overview of 600 tasks/ }).waitFor();
    expect(await graph.getByRole('article').count()).toBe(0);

    const { x, y } = await screenPoint(page, 't95');
    await page.mouse.click(x, y);
    await expect
      .poll(() => page.getByRole('region', { name: 'Task t95 details' }).textContent())
      .toContain('Done');
  });

  it('lets a task be chosen from the task results too', async () => {
    await page
      .getByRole('table', { name: 'Task results' })
      .getByRole('button', { name: 't3', exact: true })
      .click();
    await page.getByRole('region', { name: 'Task t3 details' }).waitFor();
  });

  it('shows task cards again when zoomed in', async () => {
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await zoomInToCards(page, graph, await screenPoint(page, 't95'));
    await graph.getByRole('article', { name: 'Task t95: Done' }).waitFor();
    expect(await graph.getByRole('img', { name: /^Overview of/ }).count()).toBe(0);
  });

  it('finds a task by id in the task results, and brings it into view in the graph', async () => {
    const graph = page.getByRole('region', { name: 'Plan graph' });
    // Zoomed in on cards near t95 (the test before): t590 is far off screen.
    expect(await graph.getByRole('article', { name: 'Task t590: Done' }).count()).toBe(0);
    const result = page.getByRole('region', { name: 'Run result' });
    await result.getByLabel('Find a task').fill('t590');
    const table = result.getByRole('table', { name: 'Task results' });
    await expect.poll(() => table.getByRole('row').count()).toBe(2); // the header and t590
    await table.getByRole('button', { name: 't590' }).click();
    await graph.getByRole('article', { name: 'Task t590: Done' }).waitFor();
    await result.getByLabel('Find a task').fill('');
    await result.getByLabel('Show tasks').selectOption('failed');
    expect(await result.textContent()).toContain('No task of the 600 matches.');
    await result.getByLabel('Show tasks').selectOption('all');
  });

  it('fits the whole plan again from zoomed in, though most tasks were never drawn as cards', async () => {
    const graph = page.getByRole('region', { name: 'Plan graph' });
    // Zoomed in on cards (the tests before): most of the 600 tasks were never on screen.
    expect(await graph.getByRole('article').count()).toBeGreaterThan(0);
    const zoomedIn = (await flowViewport(page)).zoom;
    await graph.getByRole('button', { name: 'Fit View' }).click();
    await expect.poll(async () => (await flowViewport(page)).zoom).toBeLessThan(zoomedIn / 2);
    // The whole plan fits: the overview is back, and its first and last tasks are in the graph.
    await graph.getByRole('img', { name: /^Overview of 600 tasks/ }).waitFor();
    const area = (await graph.boundingBox())!;
    for (const id of ['t0', 't599']) {
      const p = await screenPoint(page, id);
      expect(p.x).toBeGreaterThan(area.x);
      expect(p.x).toBeLessThan(area.x + area.width);
      expect(p.y).toBeGreaterThan(area.y);
      expect(p.y).toBeLessThan(area.y + area.height);
    }
  });

  it('says when the audit log lists only its newest entries', async () => {
    await page.getByRole('link', { name: 'Build logs', exact: true }).click();
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await expect
      .poll(() => page.getByRole('group', { name: 'Filters' }).textContent())
      .toContain('the newest 500 entries: search or filter to narrow them');
    await page.getByRole('link', { name: 'Plans', exact: true }).click();
  });

  it('in the designer too: one overview when zoomed out, a click picks the task to edit, cards when zoomed in', async () => {
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const graph = page.getByRole('region', { name: 'Plan designer graph' });
    await graph.getByRole('img', { name: /^Overview of 600 tasks/ }).waitFor();
    expect(await graph.getByRole('article').count()).toBe(0);
    const point = await screenPoint(page, 't95');
    await page.mouse.click(point.x, point.y);
    const form = page.getByRole('form', { name: 'Task t95' });
    await form.waitFor();
    // With hundreds of tasks to choose from, a dependency is typed (with suggestions), not picked from a list.
    const deps = form.getByRole('group', { name: 'Depends on' });
    await deps.getByLabel('Add dependency').fill('t5');
    await deps.getByLabel('Add dependency').press('Enter');
    await expect.poll(() => deps.getByRole('listitem').allTextContents()).toEqual(['t65 ×', 't5 ×']);
    await deps.getByLabel('Add dependency').fill('t9999');
    await deps.getByLabel('Add dependency').press('Enter');
    await expect.poll(() => deps.textContent()).toContain('Not added: there is no task "t9999".');
    await zoomInToCards(page, graph, point);
    await graph.getByRole('article', { name: /^Task t95/ }).waitFor();
    expect(await graph.getByRole('img', { name: /^Overview of/ }).count()).toBe(0);
    // Edits were made: Discard asks first, and "Keep editing" keeps them.
    await page.getByRole('button', { name: 'Discard' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Discard your changes?' });
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    expect(await page.getByRole('heading', { name: /^Editing/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Discard' }).click();
    await ask.getByRole('button', { name: 'Discard the changes' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /^Editing/ }).count()).toBe(0);
  });
});
