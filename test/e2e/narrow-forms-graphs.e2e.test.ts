import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

type Box = { x: number; y: number; width: number; height: number };
const inside = (b: Box, outer: Box) =>
  b.x >= outer.x - 0.5 &&
  b.y >= outer.y - 0.5 &&
  b.x + b.width <= outer.x + outer.width + 0.5 &&
  b.y + b.height <= outer.y + outer.height + 0.5;
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const boxes = async (l: Locator) => Promise.all((await l.all()).map(async (c) => (await c.boundingBox())!));

// The long forms (a coding agent, a workspace) in sections, and a small plan's graph at 1024 × 700:
// nothing of it past the right edge, and no control over a card.
describe.skipIf(skipE2e)('forms and graphs that fit', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('forms-graphs', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'report',
        name: 'Weekly report',
        tasks: [
          { task_id: 'write', description: 'Write the report with a chart', required_skills: ['x'] },
          {
            task_id: 'check',
            description: 'Check the numbers',
            required_skills: ['x'],
            depends_on: ['write'],
          },
          { task_id: 'publish', description: 'Publish it', required_skills: ['x'], depends_on: ['check'] },
        ],
      },
    });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const nav = (name: RegExp) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });
  it('says what a coding agent may do right under Kind, and folds what most leave as it is', async () => {
    await nav(/^Agents/).click();
    await page.getByRole('button', { name: 'Add agent…' }).click();
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('coding');
    const note = form.getByRole('note', { name: 'About coding agents' });
    const [kind, warning, id] = await Promise.all([
      form.getByLabel('Kind').boundingBox(),
      note.boundingBox(),
      form.getByLabel('Id', { exact: true }).boundingBox(),
    ]);
    // Between the choice it explains and the first field, not in the middle of the form.
    expect(warning!.y).toBeGreaterThanOrEqual(kind!.y + kind!.height);
    expect(id!.y).toBeGreaterThanOrEqual(warning!.y + warning!.height);
    // The essentials show; the rest is folded under a summary that names it.
    for (const label of ['CLI', 'Review', 'Tool calls'])
      expect(await form.getByLabel(label).isVisible()).toBe(true);
    const more = form.getByText(/^More coding settings/);
    expect(await more.textContent()).toContain('program, model, limits, arguments, environment');
    expect(await form.getByLabel('Model (optional)').isVisible()).toBe(false);
    // A wrong value in the fold opens it, so its error is seen.
    await more.click();
    await form.getByLabel('Most per attempt (USD)').fill('-2');
    await more.click();
    expect(await form.getByLabel('Most per attempt (USD)').isVisible()).toBe(false);
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => form.getByLabel('Most per attempt (USD)').isVisible()).toBe(true);
    expect(await form.textContent()).toContain('Most per attempt (USD) must be more than 0');
    await page.screenshot({ path: join(shots, 'coding-agent-form.png') });
    await form.getByLabel('Kind').selectOption('echo');
    // Fields were changed: Escape asks before it drops them.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Discard' }).click();
    await form.waitFor({ state: 'hidden' });
  });

  it('folds a workspace’s environment, and opens it when a line is wrong', async () => {
    await nav(/^Workspaces/).click();
    const form = page.getByRole('form', { name: 'Add a workspace' });
    expect(await page.getByRole('note', { name: 'No workspaces yet' }).textContent()).toContain(
      'a git repository on this machine',
    );
    const env = form.getByLabel('Environment', { exact: false });
    expect(await env.isVisible()).toBe(false);
    await form.getByText('Environment variables (optional)').click();
    await env.fill('NOEQUALS');
    await form.getByText('Environment variables (optional)').click();
    await form.getByRole('button', { name: 'Add workspace' }).click();
    await expect.poll(() => env.isVisible()).toBe(true);
    expect(await form.textContent()).toContain('needs NAME=value');
  });

  it('fits a small plan whole in the designer at 1024 × 700, beside the panel', async () => {
    // The plan is chosen in the wide window; the designer is opened in the narrow one.
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /Weekly report/ })
      .click();
    await page.getByRole('heading', { name: 'Weekly report' }).waitFor();
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const graph = page.getByRole('region', { name: 'Plan designer graph' });
    await graph.getByRole('article', { name: /^Task publish/ }).waitFor();
    const cards = await boxes(graph.getByRole('article'));
    const area = (await graph.boundingBox())!;
    expect(cards).toHaveLength(3);
    for (const c of cards) expect(inside(c, area)).toBe(true);
    // Readable, not shrunk to fit across: the chain stands top to bottom (each card under the one it
    // depends on, arrows into its top) at a zoom a person reads (before: 0.6 across, 7-8 px text).
    const zoom = await graph
      .locator('.react-flow__viewport')
      .evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
    expect(zoom).toBeGreaterThanOrEqual(0.95);
    const ys = cards.map((c) => c.y);
    expect(ys[0]! < ys[1]! && ys[1]! < ys[2]!).toBe(true);
    expect(await graph.locator('.react-flow__handle-top').count()).toBe(3);
    await page.screenshot({ path: join(shots, 'designer-1024.png') });
  });

  it('fits it again when the window narrows before the view was moved', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.reload();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /Weekly report/ })
      .click();
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const graph = page.getByRole('region', { name: 'Plan designer graph' });
    await graph.getByRole('article', { name: /^Task publish/ }).waitFor();
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect
      .poll(async () => {
        const area = (await graph.boundingBox())!;
        return (await boxes(graph.getByRole('article'))).every((c) => inside(c, area));
      })
      .toBe(true);
    await page.getByRole('button', { name: 'Discard' }).click();
  });

  it('shows the versions pane’s graph at 1024 with no control over a card', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('tab', { name: /^Versions/ }).click();
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await graph.getByRole('article', { name: /^Task publish/ }).waitFor();
    await page.setViewportSize({ width: 1024, height: 700 });
    const controls = graph.locator('.react-flow__controls');
    await expect
      .poll(async () => {
        const area = (await graph.boundingBox())!;
        const c = (await controls.boundingBox())!;
        const cards = await boxes(graph.getByRole('article'));
        return cards.every((card) => inside(card, area) && !overlaps(card, c));
      })
      .toBe(true);
    await page.screenshot({ path: join(shots, 'versions-1024.png') });
  });

  it('shows a plan’s graph over its side panel on a phone, and hides the panel', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(baton.at('/plans/report'));
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await graph.getByRole('article', { name: /^Task publish/ }).waitFor();
    // Before: the graph had 10 px beside a 380 px panel, and no task could be reached.
    expect((await graph.boundingBox())!.width).toBeGreaterThan(300);
    await expect
      .poll(async () => {
        const area = (await graph.boundingBox())!;
        return (await boxes(graph.getByRole('article'))).every((c) => inside(c, area));
      })
      .toBe(true);
    const toggle = page.getByRole('button', { name: 'Hide the side panel ›' });
    expect(inside((await toggle.boundingBox())!, { x: 0, y: 0, width: 390, height: 844 })).toBe(true);
    await page.screenshot({ path: join(shots, 'plan-graph-390.png') });
    await toggle.click();
    await expect.poll(() => page.getByRole('region', { name: 'Run result' }).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'plan-graph-390-no-panel.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps a run graph’s legend clear of the button that hides the side panel and of the cards, on a phone and at 1024', async () => {
    await baton.rpc('runs.start', { plan_id: 'report' });
    for (const [width, height] of [
      [390, 844],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(baton.at('/plans/report'));
      const legend = page.getByRole('list', { name: 'What the colours mean' });
      await legend.waitFor();
      const toggle = page.getByRole('button', { name: 'Hide the side panel ›' });
      await expect
        .poll(async () => overlaps((await legend.boundingBox())!, (await toggle.boundingBox())!))
        .toBe(false);
      // The plan is fitted below the legend, as first shown and after Fit View.
      const graph = page.getByRole('region', { name: 'Plan graph' });
      const cards = graph.locator('.react-flow__node');
      const clear = async () => {
        const l = (await legend.boundingBox())!;
        return (await boxes(cards)).filter((c) => overlaps(c, l)).length;
      };
      await expect.poll(async () => (await cards.count()) > 0 && (await clear())).toBe(0);
      await page.screenshot({ path: join(shots, `run-graph-legend-${width}.png`) });
      await graph.getByRole('button', { name: 'Fit View' }).click();
      await expect.poll(clear).toBe(0);
      await page.screenshot({ path: join(shots, `run-graph-legend-${width}-fit.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
