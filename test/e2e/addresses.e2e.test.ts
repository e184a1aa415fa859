import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

// Addresses the other address tests do not open: an approval, a plan's version, and whose tasks
// My tasks lists; each opens what it names, and a reload keeps it.
describe.skipIf(skipE2e)('more addresses', () => {
  let baton: Baton;
  let page: Page;
  let approvalId: string;
  const path = () => new URL(page.url()).pathname;

  beforeAll(async () => {
    baton = await launchBaton('addresses', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'helper', skills: ['x'] },
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
      ],
    });
    const plan = (description: string) => ({
      plan_id: 'release',
      tasks: [
        { task_id: 'notes', description, required_skills: ['x'] },
        { task_id: 'ship', description: 'Ship it', required_skills: ['x'], requires_approval: true },
      ],
    });
    await baton.rpc('plans.import', { plan: plan('Write the notes') });
    await baton.rpc('plans.import', { plan: plan('Write the release notes') });
    await baton.rpc('runs.start', { plan_id: 'release' });
    for (let i = 0; i < 300 && !approvalId; i++) {
      const list = (await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as {
        id: string;
      }[];
      approvalId = list[0]?.id ?? '';
      if (!approvalId) await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => baton?.close());

  it('opens an approval from its address, its card marked, and keeps it on a reload', async () => {
    await page.goto(baton.at(`/approvals/${approvalId}`));
    const card = page.getByRole('listitem', { name: 'Approval for ship' });
    await expect.poll(() => card.getAttribute('aria-current')).toBe('true');
    await page.reload();
    await expect.poll(() => card.getAttribute('aria-current')).toBe('true');
    expect(path()).toBe(`/approvals/${approvalId}`);
  });

  it('opens a version of a plan from its address', async () => {
    await page.goto(baton.at('/plans/release/versions/1'));
    await page.getByRole('heading', { name: 'v1 of 2 — read-only' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'v1 of 2 — read-only' }).waitFor();
    expect(path()).toBe('/plans/release/versions/1');
  });

  it('keeps whose tasks My tasks lists in the address', async () => {
    await page.goto(baton.at('/my-tasks'));
    await page.getByRole('button', { name: "Everyone's" }).click();
    await expect.poll(path).toBe('/my-tasks/everyone');
    await page.reload();
    await page.getByRole('region', { name: "Everyone's tasks" }).waitFor();
    expect(await page.getByRole('button', { name: "Everyone's" }).getAttribute('aria-pressed')).toBe('true');
    await page.goBack();
    await expect.poll(path).toBe('/my-tasks');
    await expect
      .poll(() => page.getByRole('button', { name: 'Mine' }).getAttribute('aria-pressed'))
      .toBe('true');
  });
});
