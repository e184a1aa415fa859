import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codingStore } from '../../src-main/agents/coding/repos/coding-store.ts';
import { openDatabase } from '../../src-main/store/db.ts';
import { createStore } from '../../src-main/store/store.ts';
import { eventually } from '../kit/engine-kit.ts';
import { seedSkillHistory } from '../kit/skill-history.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { readability } from './readability.ts';

/**
 * The Agents screen's leaderboard per skill in Chromium, over past work written into the served
 * data directory as the engine and the coding wing write it: two best-of tasks needing `ts` that
 * "b-win" won against "a-lose" (whose checks failed after two fix rounds each), and an attempt of
 * "c-solo" that passed its checks after a fix round. A run started here then gives a `ts` task to
 * b-win, and why this agent says what its wins weighed. Light and dark, 1440 and 1024 wide.
 */
describe.skipIf(skipE2e)('the leaderboard per skill', () => {
  let baton: Baton;
  let page: Page;
  let runId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    baton = await launchBaton('skill-board', { width: 1440, height: 900 });
    page = baton.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await baton.rpc('agents.import', {
      agents: [
        { id: 'a-lose', kind: 'echo', skills: ['ts', 'docs'] },
        { id: 'b-win', kind: 'echo', skills: ['ts', 'docs'] },
        { id: 'c-solo', kind: 'echo', skills: ['ts', 'docs'] },
        { id: 'scribe', kind: 'echo', skills: ['write'] },
      ],
    });
    // A second connection on the served data directory, as a CLI would open it.
    const db = openDatabase(baton.dataDir);
    const bestOf = (task_id: string) => ({
      task_id,
      required_skills: ['ts'],
      attempts: [
        {
          agent: 'a-lose',
          outcome: 'done' as const,
          candidates: [
            { agent: 'a-lose', checks: [0, 1] as [number, number], rounds: 2 },
            { agent: 'b-win', checks: [1, 1] as [number, number], winner: true },
          ],
        },
      ],
    });
    seedSkillHistory(codingStore(createStore(db)), 'history', 'run-history', [
      bestOf('fix-1'),
      bestOf('fix-2'),
      {
        task_id: 'lint',
        required_skills: ['ts'],
        attempts: [{ agent: 'c-solo', outcome: 'done', rounds: [['failed'], ['passed']] }],
      },
    ]);
    db.close();
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'next',
        tasks: [{ task_id: 'types', description: 'Type the module', required_skills: ['ts'] }],
      },
    });
    runId = ((await baton.rpc('runs.start', { plan_id: 'next' })).value as { run_id: string }).run_id;
    await eventually(
      async () =>
        ((await baton.rpc('runs.get', { run_id: runId })).value as { status: string }).status === 'completed',
      60_000,
      'the run to complete',
    );
  });
  afterAll(() => baton?.close());

  it('ranks the agents that worked on a skill, best-of wins first, with checks, fix rounds and attempts', async () => {
    await page.goto(baton.at('/agents'));
    const board = page.getByRole('region', { name: 'Leaderboard by skill' });
    await board.waitFor();
    // The skills of the registered agents, in order; the first is shown.
    expect(await board.getByLabel('Leaderboard skill').locator('option').allTextContents()).toEqual([
      'docs',
      'ts',
      'write',
    ]);
    await board.getByLabel('Leaderboard skill').selectOption('ts');
    const table = board.getByRole('table', { name: 'Leaderboard for ts' });
    // Over the screen's stats range, the last day at first: only the run just started counts.
    await expect.poll(() => table.locator('tbody tr').allTextContents()).toEqual(['1b-win———1']);
    await page.getByLabel('Stats range').selectOption('all');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent)));
    expect(rows).toEqual([
      // b-win: two candidacies won, and the task of the run just started (no checks there).
      ['1', 'b-win', '2 of 2 (100%)', '2 of 2 (100%)', '0', '3'],
      // c-solo: no candidacy (½), its one checked attempt passed after a fix round.
      ['2', 'c-solo', '—', '1 of 1 (100%)', '1 (1 per checked attempt)', '1'],
      // a-lose: lost both; its checks failed after two fix rounds each.
      ['3', 'a-lose', '0 of 2 (0%)', '0 of 2 (0%)', '4 (2 per checked attempt)', '2'],
    ]);
    for (const scheme of ['light', 'dark'] as const)
      for (const width of [1440, 1024]) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: 900 });
        await board.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, `skill-leaderboard-${scheme}-${width}.png`) });
        const r = await readability(page);
        expect({ scheme, width, crashed: r.crashed, lowContrast: r.lowContrast }).toEqual({
          scheme,
          width,
          crashed: [],
          lowContrast: [],
        });
        // Every column fits: the table is no wider than its section.
        const fits = await table.evaluate((t) => t.scrollWidth <= (t.parentElement?.clientWidth ?? 0) + 1);
        expect({ scheme, width, fits }).toEqual({ scheme, width, fits: true });
      }
  });

  it('says what fills a skill nobody has worked on yet', async () => {
    const board = page.getByRole('region', { name: 'Leaderboard by skill' });
    await board.getByLabel('Leaderboard skill').selectOption('write');
    const empty = board.getByRole('status');
    await expect.poll(() => empty.textContent()).toContain('No attempts at tasks needing write yet.');
    expect(await empty.textContent()).toContain('attempts of 2 or more also says which candidate won');
    await page.screenshot({ path: join(shots, 'skill-leaderboard-empty-dark-1024.png') });
  });

  it('shows in why this agent what the wins weighed in matching', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(baton.at(`/runs/${runId}/tasks/types`));
    const details = page.getByRole('region', { name: 'Task types details' });
    await details.getByRole('tab', { name: 'Why this agent' }).click();
    // Equal in all else (no recent attempts: success rate ½), b-win's wins weigh 1 + 0.4 × (¾ − ½).
    await expect
      .poll(() => details.textContent())
      .toContain('× speed 1 × skill wins 1.1 (won 2 of 2 best-of candidacies for these skills, 1 expected)');
    expect(await details.textContent()).toContain('b-win: total 0.8433 = (0.4 × skill fit 0.67');
    const rejected = await details.getByRole('list', { name: 'Rejected agents' }).textContent();
    expect(rejected).toContain(
      'skill wins 0.9 (won 0 of 2 best-of candidacies for these skills, 1 expected)',
    );
    expect(rejected).toContain('skill wins 1 (no best-of candidacy for these skills)');
    await page.screenshot({ path: join(shots, 'skill-leaderboard-why-this-agent.png') });
    expect(pageErrors).toEqual([]);
  });
});
