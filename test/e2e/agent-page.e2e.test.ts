import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// An agent has a page of its own: what it is, how it has done (rounded, as a person reads it)
// and the tasks it ended last, each opening in its run.
describe.skipIf(skipE2e)("an agent's page", () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('agent-page', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'writer', name: 'Writer', skills: ['write'], charter: { mission: 'Write the digest' } },
        { id: 'idle', skills: ['nothing'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        tasks: [
          { task_id: 'draft', description: 'Draft it', required_skills: ['write'] },
          { task_id: 'polish', description: 'Polish it', required_skills: ['write'], depends_on: ['draft'] },
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'digest' });
    for (let i = 0; i < 300; i++) {
      if ((await baton.runsOf('digest'))[0]?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
  });
  afterAll(() => baton?.close());

  it('opens from the list with its details, rounded stats and its recent tasks', async () => {
    await page
      .getByRole('table', { name: 'Agents' })
      .getByRole('link', { name: 'Writer', exact: true })
      .click();
    const agent = page.getByRole('region', { name: 'Agent writer' });
    // The stats come after the page opens: wait for them, then read the details once.
    await expect.poll(() => agent.locator('dl').textContent()).toContain('Success100% of 2');
    const details = await agent.locator('dl').textContent();
    expect(details).toContain('Skillswrite');
    expect(details).toContain('MissionWrite the digest');
    expect(details).toContain('Success100% of 2');
    // A duration as a person reads it, not seconds to two decimals.
    expect(details).toMatch(/Average time\d+ ms/);
    const recent = agent.getByRole('table', { name: 'Recent tasks of writer' });
    await expect.poll(() => recent.getByRole('rowheader').allTextContents()).toEqual(['polish', 'draft']);
    expect(await recent.getByRole('row', { name: /polish/ }).textContent()).toContain('digest');
    await page.screenshot({ path: join(shots, 'agent-page.png') });
  });

  it('opens a recent task in its run', async () => {
    const agent = page.getByRole('region', { name: 'Agent writer' });
    const run = (await baton.runsOf('digest'))[0]!.id;
    await agent.getByRole('link', { name: `Open task draft in run ${run}` }).click();
    await page.getByRole('region', { name: 'Task draft details' }).waitFor();
  });

  it('says so when an agent has ended no task', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await page
      .getByRole('table', { name: 'Agents' })
      .getByRole('link', { name: 'idle', exact: true })
      .click();
    const agent = page.getByRole('region', { name: 'Agent idle' });
    await expect.poll(() => agent.textContent()).toContain('No task ended with this agent yet.');
    expect(await agent.locator('dl').textContent()).toContain('Success—');
    await agent.getByRole('button', { name: 'Close the agent' }).click();
    expect(await agent.count()).toBe(0);
  });
});
