import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

const CHAIN = 7;

const zoomOf = (graph: Locator) =>
  graph.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);

// A chain of seven tasks in the designer at 1024 × 700: read at a zoom a
// person reads, top to bottom, and the side panel folds on its edge so the graph takes the width,
// as the designer is left.
describe.skipIf(skipE2e)('the designer’s panel folds', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('designer-fold', { width: 1024, height: 700 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'chain',
        name: 'Long chain',
        tasks: Array.from({ length: CHAIN }, (_, i) => ({
          task_id: `step-${i + 1}`,
          description: `Step ${i + 1} of the chain`,
          required_skills: ['x'],
          depends_on: i === 0 ? [] : [`step-${i}`],
        })),
      },
    });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const graph = () => page.getByRole('region', { name: 'Plan designer graph' });
  const panel = () => page.getByRole('complementary', { name: 'Designer panel' });

  const openDesigner = async () => {
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await graph()
      .getByRole('article', { name: /^Task step-1/ })
      .waitFor();
  };

  it('stands a long chain top to bottom at a readable zoom', async () => {
    await page.getByRole('heading', { name: 'Long chain' }).waitFor();
    await openDesigner();
    const zoom = await zoomOf(graph());
    expect(zoom).toBeGreaterThanOrEqual(0.6);
    const first = (await graph()
      .getByRole('article', { name: /^Task step-1/ })
      .boundingBox())!;
    const second = (await graph()
      .getByRole('article', { name: /^Task step-2/ })
      .boundingBox())!;
    expect(second.y).toBeGreaterThan(first.y + first.height);
    await page.screenshot({ path: join(shots, 'designer-chain-1024.png') });
  });

  it('folds the panel from a button on its edge: the graph takes the width', async () => {
    const fold = page.getByRole('button', { name: 'Fold the designer panel' });
    const [button, side, before] = await Promise.all([
      fold.boundingBox(),
      panel().boundingBox(),
      graph().boundingBox(),
    ]);
    // On the edge: the button's middle on the panel's left border.
    expect(Math.abs(button!.x + button!.width / 2 - side!.x)).toBeLessThan(3);
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    await fold.click();
    await expect.poll(() => panel().isVisible()).toBe(false);
    const show = page.getByRole('button', { name: 'Show the designer panel' });
    expect(await show.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(async () => (await graph().boundingBox())!.width).toBeGreaterThan(before!.width + 300);
    // The chain stays where it stood, read at the same zoom: the width is the graph's to use.
    expect(await zoomOf(graph())).toBeGreaterThanOrEqual(0.6);
    expect(
      await graph()
        .getByRole('article', { name: /^Task step-1/ })
        .isVisible(),
    ).toBe(true);
    await page.screenshot({ path: join(shots, 'designer-folded-1024.png') });
  });

  it('opens folded the next time, as it was left, and unfolds with what the panel held', async () => {
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Long chain' }).waitFor();
    await openDesigner();
    const show = page.getByRole('button', { name: 'Show the designer panel' });
    await show.waitFor();
    expect(await panel().isVisible()).toBe(false);
    // A task selected while folded is the one the panel shows when unfolded.
    await graph()
      .getByRole('article', { name: /^Task step-2/ })
      .click();
    await show.click();
    await expect.poll(() => panel().isVisible()).toBe(true);
    expect(await panel().getByLabel('Task id').inputValue()).toBe('step-2');
    expect(
      await page.getByRole('button', { name: 'Fold the designer panel' }).getAttribute('aria-expanded'),
    ).toBe('true');
    await page.getByRole('button', { name: 'Discard' }).click();
  });
});
