import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../kit/engine-kit.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { startServe } from './serve-process.ts';

type Serve = Awaited<ReturnType<typeof startServe>>;

/**
 * A tab left open while `baton serve` is stopped and started again on the same data folder: a
 * screen first opened while the host was down says Baton could not be reached (not the browser's
 * import error), and "Try again" opens it once the host is back; a decision made while it is down
 * is not said to be made, and one whose sending failed is back in the inbox to decide again.
 */
describe.skipIf(skipE2e)('a tab while the host is down and after it is back', () => {
  let baton: Baton;
  let page: Page;
  let serve: Serve;
  let port: number;

  const lost = () => page.getByRole('alert').filter({ hasText: 'Lost the connection to Baton' });
  const down = async () => {
    await serve.stop();
    await lost().waitFor();
  };
  const up = async () => {
    serve = await startServe(baton.dataDir, port);
    // The tab takes the restarted host back by itself.
    await lost().waitFor({ state: 'detached' });
  };
  const inbox = () => page.getByRole('region', { name: 'Pending approvals' });
  const row = (task: string) => inbox().getByRole('listitem', { name: `Approval for ${task}`, exact: true });
  const detail = () => inbox().locator('.approval-detail');
  const openInbox = async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    await row('deploy').waitFor();
  };
  const pending = async () =>
    ((await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as { task_id: string }[])
      .map((a) => a.task_id)
      .sort();

  beforeAll(async () => {
    baton = await launchBaton('host-restart', { width: 1440, height: 900 });
    page = baton.page;
    serve = baton.server;
    port = Number(new URL(serve.url).port);
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
    );
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    const gate = (task_id: string) => ({
      task_id,
      description: `Do ${task_id}`,
      required_skills: ['x'],
      depends_on: [],
      requires_approval: true,
    });
    await baton.rpc('plans.import', {
      plan: { plan_id: 'release', name: 'Release', tasks: [gate('deploy')] },
    });
    await baton.rpc('runs.start', { plan_id: 'release' });
    await eventually(async () => (await pending()).length === 1, 20_000, 'the gate asked');
    await page.goto(serve.url);
    await page.getByRole('heading', { name: 'release' }).waitFor();
  });
  afterAll(async () => {
    await serve?.stop();
    await baton?.close();
  });

  it('says Baton could not be reached, and opens the screen for real on "Try again" after a restart', async () => {
    await down();
    let loads = 0;
    page.on('request', (r) => {
      if (/\/assets\/SpendView-/.test(r.url())) loads += 1;
    });
    await page.getByRole('link', { name: 'Spend', exact: true }).click();
    const crash = page.locator('.crash');
    await crash.waitFor();
    // Fetched once (or twice), not over and over while the error shows.
    expect(loads).toBeLessThan(3);
    expect(await crash.getByRole('heading').textContent()).toBe('The Spend view could not be opened');
    expect(await crash.textContent()).toContain('Baton could not be reached');
    expect(await crash.textContent()).not.toContain('dynamically imported module');
    await page.screenshot({ path: join(shots, 'host-restart-spend-unreached.png') });

    await up();
    await crash.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Spend', exact: true }).waitFor();
    expect(await crash.count()).toBe(0);
  });

  it('does not say an approval is decided while Baton cannot be reached, and keeps it to decide', async () => {
    await openInbox();
    await down();
    await detail().getByLabel('Comment on deploy').fill('after the freeze');
    await detail().getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Nothing was decided: Baton cannot be reached' })
      .waitFor();
    expect(await page.getByRole('status', { name: 'Decision: Approving deploy' }).count()).toBe(0);
    expect(await row('deploy').isVisible()).toBe(true);
    expect(await detail().getByLabel('Comment on deploy').inputValue()).toBe('after the freeze');
    await page.screenshot({ path: join(shots, 'host-restart-approve-offline.png') });
    await up();
    expect(await pending()).toEqual(['deploy']);
  });

  it('puts back in the inbox a decision whose sending failed, and it can be decided again', async () => {
    await openInbox();
    await detail().getByLabel('Comment on deploy').fill('after the freeze');
    await detail().getByRole('button', { name: 'Approve' }).click();
    const held = page.getByRole('status', { name: 'Decision: Approving deploy' });
    await held.waitFor();
    await row('deploy').waitFor({ state: 'detached' });
    // The host goes while the decision waits out its undo window; it is sent then, and fails.
    await down();
    await held.getByRole('button', { name: 'Send now' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your decision on deploy was not recorded' }).waitFor();
    await row('deploy').waitFor();
    expect(await detail().getByLabel('Comment on deploy').inputValue()).toBe('after the freeze');
    await page.screenshot({ path: join(shots, 'host-restart-approve-failed.png') });

    await up();
    expect(await pending()).toEqual(['deploy']);
    await detail().getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('status', { name: 'Decision: Approving deploy' })
      .getByRole('button', { name: 'Send now' })
      .click();
    await eventually(async () => (await pending()).length === 0, 20_000, 'the decision recorded');
    expect(await row('deploy').count()).toBe(0);
  });
});
