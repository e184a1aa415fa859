import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The release plan: `start` leads to a chain (`build` → `check` → `pack`) and to `publish`,
 * which also waits for the chain's end, so its arrow from `start` skips three levels. `gate`
 * waits for an approval, `sign` for the human agent ana, and `announce` for `gate`.
 */
const release = {
  plan_id: 'release',
  name: 'Release',
  tasks: [
    { task_id: 'start', description: 'Start', required_skills: ['x'] },
    { task_id: 'build', description: 'Build', required_skills: ['x'], depends_on: ['start'] },
    { task_id: 'check', description: 'Check', required_skills: ['x'], depends_on: ['build'] },
    { task_id: 'pack', description: 'Pack', required_skills: ['x'], depends_on: ['check'] },
    {
      task_id: 'publish',
      description: 'Publish',
      required_skills: ['x'],
      depends_on: ['start', 'pack'],
    },
    {
      task_id: 'gate',
      description: 'Go or no go',
      required_skills: ['x'],
      depends_on: ['start'],
      requires_approval: true,
      estimated_cost: 2,
      retry: { max_attempts: 3 },
    },
    { task_id: 'announce', description: 'Announce it', required_skills: ['x'], depends_on: ['gate'] },
    { task_id: 'sign', description: 'Sign the release', required_skills: ['sign'], depends_on: ['start'] },
  ],
};

/**
 * How far into a card's box any arrow of the graph passes: each arrow's path sampled every
 * 2 px on screen, against every card's box (2 px inside its border, where an arrow ends).
 */
function arrowsUnderCards(graph: Locator) {
  return graph.evaluate((el) => {
    const cards = [...el.querySelectorAll('.react-flow__node')].map((n) => ({
      id: (n as HTMLElement).dataset.id,
      box: n.getBoundingClientRect(),
    }));
    const hits: string[] = [];
    for (const path of el.querySelectorAll<SVGPathElement>('.react-flow__edge-path')) {
      const m = path.getScreenCTM()!;
      const length = path.getTotalLength();
      for (let at = 0; at <= length; at += 2) {
        const p = path.getPointAtLength(at);
        const x = m.a * p.x + m.c * p.y + m.e;
        const y = m.b * p.x + m.d * p.y + m.f;
        const under = cards.find(
          (c) => x > c.box.left + 2 && x < c.box.right - 2 && y > c.box.top + 2 && y < c.box.bottom - 2,
        );
        if (under) {
          hits.push(`${path.closest('.react-flow__edge')?.getAttribute('data-id')} under ${under.id}`);
          break;
        }
      }
    }
    return { arrows: el.querySelectorAll('.react-flow__edge-path').length, hits };
  });
}

/** Each card's box that is not wholly inside the graph's pane. */
function cardsOutside(graph: Locator) {
  return graph.evaluate((el) => {
    const pane = el.getBoundingClientRect();
    return [...el.querySelectorAll('.react-flow__node')]
      .filter((n) => {
        const b = n.getBoundingClientRect();
        return b.left < pane.left || b.top < pane.top || b.right > pane.right || b.bottom > pane.bottom;
      })
      .map((n) => (n as HTMLElement).dataset.id);
  });
}

describe.skipIf(skipE2e)('the plan and run graphs', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('graph-cards', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        { id: 'ana', kind: 'human', skills: ['sign'] },
      ],
    });
    await baton.rpc('plans.import', { plan: release });
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^Release/ })
      .click();
  });
  afterAll(() => baton?.close());

  const graph = () => page.getByRole('region', { name: 'Plan graph' });
  const card = (id: string) => graph().getByRole('article', { name: new RegExp(`^Task ${id}(:|$)`) });

  it('shows a task’s approval gate, cost and retries on its card in the plan graph', async () => {
    const settings = card('gate').getByRole('list', { name: 'Settings of gate' });
    await settings.waitFor();
    expect(await settings.getByRole('listitem').allTextContents()).toEqual(['approval', 'cost 2', '3 tries']);
    expect(await settings.getByRole('listitem').first().getAttribute('title')).toBe(
      'Waits for a person to approve it before it starts',
    );
    // A task with no such setting has none.
    expect(await card('build').getByRole('list').count()).toBe(0);
  });

  it('draws no arrow under a card, even one that skips levels', async () => {
    await expect.poll(async () => (await arrowsUnderCards(graph())).arrows).toBe(8);
    expect((await arrowsUnderCards(graph())).hits).toEqual([]);
    await page.screenshot({ path: join(shots, 'graph-cards-plan-graph-1440-light.png') });
  });

  it('shows what waits for a person in its own colour and words, apart from what is blocked', async () => {
    await page.getByRole('button', { name: 'Run plan' }).click();
    await page.getByRole('status', { name: /^Run status/ }).waitFor();
    const gate = graph().getByRole('article', { name: 'Task gate: Awaiting approval' });
    const sign = graph().getByRole('article', { name: 'Task sign: Ready for a person' });
    const blocked = graph().getByRole('article', { name: 'Task announce: Blocked' });
    await gate.waitFor();
    await sign.waitFor();
    await blocked.waitFor();
    // The settings show on the run graph too.
    expect(await gate.getByRole('list', { name: 'Settings of gate' }).textContent()).toBe(
      'approvalcost 23 tries',
    );
    const edge = (l: Locator) => l.evaluate((el) => getComputedStyle(el).borderLeftColor);
    const pill = (l: Locator) => l.locator('.pill').evaluate((el) => getComputedStyle(el).color);
    expect(await sign.locator('.pill').textContent()).toBe('Ready for a person');
    expect(await edge(gate)).toBe(await edge(sign));
    expect(await edge(gate)).not.toBe(await edge(blocked));
    expect(await pill(gate)).not.toBe(await pill(blocked));
    const legend = graph().getByRole('list', { name: 'What the colours mean' });
    expect(await legend.getByRole('listitem').allTextContents()).toEqual([
      'Waits for a person',
      'Blocked or ready',
      'Running',
      'Done',
      'Failed',
    ]);
    // The task table says it too.
    const table = page.getByRole('table', { name: 'Task results' });
    expect(await table.getByRole('row', { name: /^sign/ }).getByRole('cell').first().textContent()).toBe(
      'Ready for a person',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, { width: 1440 });
      await page.screenshot({ path: join(shots, `graph-cards-run-graph-1440-${scheme}.png`) });
    }
    await page.setViewportSize({ width: 1024, height: 768 });
    try {
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { width: 1024 });
        await page.screenshot({ path: join(shots, `graph-cards-run-graph-1024-${scheme}.png`) });
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('shows a task’s whole Why in the task table, from the mouse or the keyboard', async () => {
    const runs = await baton.runsOf('release');
    const detail = (await baton.rpc('runs.get', { run_id: runs[0]!.id })).value as {
      tasks: { task_id: string; reason: string | null }[];
    };
    const why = detail.tasks.find((t) => t.task_id === 'gate')!.reason!;
    const table = page.getByRole('table', { name: 'Task results' });
    // Cut to two lines in its narrow column; the whole text is the button's name and tooltip.
    const text = table.getByRole('button', { name: why, exact: true });
    expect(await text.getAttribute('aria-expanded')).toBe('false');
    expect(await text.getAttribute('title')).toBe(why);
    const cut = () => text.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
    expect(await cut()).toBe(true);
    await text.click();
    expect(await text.getAttribute('aria-expanded')).toBe('true');
    expect(await cut()).toBe(false);
    // The row grows to hold it: the next row starts below the whole text.
    const box = (await text.boundingBox())!;
    const next = (await table.getByRole('row', { name: /^announce/ }).boundingBox())!;
    expect(next.y).toBeGreaterThanOrEqual(box.y + box.height);
    await page.screenshot({ path: join(shots, 'graph-cards-run-why-open-1440-light.png') });
    // From the keyboard: Enter folds it again.
    await text.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => text.getAttribute('aria-expanded')).toBe('false');
    expect(await cut()).toBe(true);
  });

  it('fits the version shown whole in its pane, at 1440 and at 1024', async () => {
    // A second version: one task more.
    await baton.rpc('plans.import', {
      plan: {
        ...release,
        tasks: [
          ...release.tasks,
          {
            task_id: 'thank',
            description: 'Thank everyone',
            required_skills: ['x'],
            depends_on: ['publish'],
          },
        ],
      },
    });
    await page.getByRole('tab', { name: /^Versions/ }).click();
    const versions = page.getByRole('list', { name: 'Saved versions' }).getByRole('button');
    /** Version v's graph shows every card, each wholly inside the pane. */
    const fitted = async (v: number) => {
      const pane = page.getByRole('region', { name: `Version ${v} (read-only)` }).getByRole('region', {
        name: 'Plan graph',
      });
      // Only cards in view are drawn: all of them are.
      await expect.poll(() => pane.getByRole('article').count()).toBe(v === 1 ? 8 : 9);
      await expect.poll(() => cardsOutside(pane)).toEqual([]);
    };
    let shown: number | null = null;
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: width === 1440 ? 900 : 768 });
      // The version already shown is fitted again to its pane's new size.
      if (shown !== null) await fitted(shown);
      for (const v of [1, 2]) {
        await versions.filter({ hasText: `v${v}` }).click();
        await fitted(v);
        shown = v;
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({ path: join(shots, `graph-cards-versions-v${v}-${width}-${scheme}.png`) });
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('draws no arrow under a card in the designer either, while its cards are where the layout put them', async () => {
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const designer = page.getByRole('region', { name: 'Plan designer graph' });
    await expect.poll(async () => (await arrowsUnderCards(designer)).arrows).toBe(9);
    expect((await arrowsUnderCards(designer)).hits).toEqual([]);
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: width === 1440 ? 900 : 768 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(shots, `graph-cards-designer-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
