import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

// Starting a run makes one call, runs.start, whose answer opens the run: no runs.list,
// runs.get or memory.read after it. The run records who started it (the name the person gave).
describe.skipIf(skipE2e)('starting a run from the page', () => {
  let baton: Baton;
  let page: Page;
  const sent: string[] = [];

  beforeAll(async () => {
    baton = await launchBaton('run-start', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'helper', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        tasks: [
          { task_id: 'collect', description: 'Collect the news', required_skills: ['x'] },
          { task_id: 'send', description: 'Send it', required_skills: ['x'], depends_on: ['collect'] },
        ],
      },
    });
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        try {
          const call = JSON.parse(String(payload)) as { method?: string };
          if (call.method) sent.push(call.method);
        } catch {
          // not a call
        }
      }),
    );
    // The person said who they are (the "who you are" dialog keeps it in this profile).
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Rosa', agentId: null })),
    );
    await page.goto(baton.server.url);
    await page.getByRole('button', { name: 'Edit plan' }).waitFor();
  });
  afterAll(() => baton?.close());

  it('opens the run from runs.start’s answer, with no follow-up calls for it', async () => {
    sent.length = 0;
    await page.locator('header.plan-head').getByRole('button', { name: 'Run plan' }).click();
    const picker = page.getByLabel('Select run');
    await expect.poll(() => picker.textContent()).toContain('completed');
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await expect.poll(() => graph.getByRole('article').count()).toBe(2);
    expect(sent).toContain('runs.start');
    expect(sent.filter((m) => ['runs.list', 'runs.get', 'memory.read'].includes(m))).toEqual([]);
    // Who started it: the name the page acts as, not a caller that names nobody.
    const [run] = (await baton.rpc('runs.list', { plan_id: 'digest' })).value as unknown as {
      started_by: string;
    }[];
    expect(run?.started_by).toBe('Rosa');
  });
});
