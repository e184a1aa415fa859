import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../kit/engine-kit.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

const AGENT = 'breaker-with-a-really-long-agent-identifier-name';

/**
 * A run whose agent has a long id, beside its timeline: each task's row in the run panel keeps the
 * agent's id inside the row (on one line, whole in its tooltip), and every word of the timeline's
 * legend is shown whole, at 1440 and in a narrower window.
 */
describe.skipIf(skipE2e)('a run of an agent with a long id', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('run-long-agent', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: AGENT, skills: ['x'] }] });
    const task = (task_id: string, more: Record<string, unknown> = {}) => ({
      task_id,
      description: `Do ${task_id}`,
      required_skills: ['x'],
      ...more,
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        name: 'Release',
        tasks: [
          task('notes'),
          task('build'),
          task('ship', { depends_on: ['notes'], requires_approval: true }),
          task('review', { depends_on: ['ship'] }),
          task('lost', { required_skills: ['nobody-has-it'] }),
          task('after-lost', { depends_on: ['lost'] }),
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'release' });
    await eventually(
      async () =>
        ((await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as unknown[]).length > 0,
      20_000,
      'the gate asked',
    );
    await page.goto(baton.server.url);
    await page.getByRole('tablist', { name: 'Plan views' }).getByRole('tab', { name: 'Timeline' }).click();
    await page.getByRole('list', { name: 'Timeline legend' }).waitFor();
  });
  afterAll(() => baton?.close());

  for (const width of [1440, 1024]) {
    it(`at ${width}: agent ids stay in their rows, and the legend's words are whole`, async () => {
      await page.setViewportSize({ width, height: 900 });
      const table = page.getByRole('table', { name: 'Task results' });
      await table.getByText(AGENT).first().waitFor();
      await page.screenshot({ path: join(shots, `run-long-agent-${width}.png`) });
      // Each row's cells end inside the row: a wrapped id ran over the next row.
      const spills = await table.evaluate((t) =>
        [...t.querySelectorAll('tbody tr')].flatMap((tr) => {
          const bottom = tr.getBoundingClientRect().bottom;
          return [...tr.querySelectorAll('td > *, td')]
            .filter((c) => c.getBoundingClientRect().bottom > bottom + 0.5)
            .map((c) => `${tr.getAttribute('aria-rowindex')}: ${c.textContent}`);
        }),
      );
      expect(spills).toEqual([]);
      // Every word of the legend is inside the legend, not cut at its edge.
      const cut = await page.getByRole('list', { name: 'Timeline legend' }).evaluate((ul) => {
        const edge = ul.getBoundingClientRect();
        return [...ul.querySelectorAll('li')]
          .filter((li) => {
            const r = li.getBoundingClientRect();
            return r.right > edge.right + 0.5 || r.bottom > edge.bottom + 0.5;
          })
          .map((li) => li.textContent);
      });
      expect(cut).toEqual([]);
      expect(
        await page.getByRole('list', { name: 'Timeline legend' }).getByRole('listitem').count(),
      ).toBeGreaterThan(3);
    });
  }
});
