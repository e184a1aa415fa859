import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../kit/engine-kit.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

/** Where this file's screenshots go, to be looked at. */
const shots = join(SHOTS_ROOT, 'inbox-undo');

interface Listed {
  id: string;
  task_id: string;
  status: string;
  actor: string | null;
}

// The inbox as Linear's: a list of what waits, one row each, and the current approval in full
// beside it; a decision leaves at once and is sent only after a few seconds, with Undo (z)
// meanwhile; approvals picked with v are decided together with a and x.
describe.skipIf(skipE2e)('the inbox: list and detail, undo, bulk from the keys', () => {
  let baton: Baton;
  let page: Page;
  /** What the page sent on its socket: a decision held for its undo window is not among it. */
  const sent: string[] = [];

  const all = async (status: 'pending' | 'decided'): Promise<Listed[]> =>
    (await baton.rpc('approvals.list', { status })).value as unknown as Listed[];
  const pendingTasks = async () => (await all('pending')).map((a) => a.task_id).sort();
  const decidedOf = async (task: string) => (await all('decided')).find((a) => a.task_id === task);
  const inbox = () => page.getByRole('region', { name: 'Pending approvals' });
  const rows = () => inbox().getByRole('list', { name: 'Approvals waiting' }).getByRole('listitem');
  const row = (task: string) => inbox().getByRole('listitem', { name: `Approval for ${task}`, exact: true });
  const current = () => inbox().locator('li.approval-row[data-current]');
  const currentTask = async () => (await current().getAttribute('aria-label'))?.replace('Approval for ', '');
  const detail = () => inbox().locator('.approval-detail');
  const detailTask = async () => (await detail().getAttribute('aria-label'))?.replace('Approval for ', '');
  const sentFor = (id: string) => sent.filter((f) => f.includes('approvals.decide') && f.includes(id));
  const idOf = async (task: string) => (await all('pending')).find((a) => a.task_id === task)!.id;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    baton = await launchBaton('inbox-undo', { width: 1440, height: 900 });
    page = baton.page;
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => typeof f.payload === 'string' && sent.push(f.payload)),
    );
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
    );
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    const t = (task_id: string, depends_on: string[] = [], gate = false) => ({
      task_id,
      description: `Do ${task_id}`,
      required_skills: ['x'],
      depends_on,
      ...(gate ? { requires_approval: true } : {}),
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        name: 'Release',
        tasks: [
          t('deploy', [], true),
          t('smoke', ['deploy']),
          t('notes', ['deploy']),
          t('migrate', [], true),
          t('backfill', ['migrate']),
          t('tag', [], true),
          t('announce', [], true),
          t('archive', [], true),
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'release' });
    await eventually(async () => (await all('pending')).length === 5, 20_000, 'five gates asked');
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    await row('archive').waitFor();
  });
  afterAll(() => baton?.close());

  it('lists what waits one row each, and shows the current one in full beside the list', async () => {
    // What unblocks the most leads, and is current.
    expect(await rows().first().getAttribute('aria-label')).toBe('Approval for deploy');
    expect(await currentTask()).toBe('deploy');
    expect(await detailTask()).toBe('deploy');
    expect(await row('deploy').textContent()).toContain('blocks 2 tasks');
    // The detail holds the answers; a row does not.
    expect(await detail().getByRole('button', { name: 'Approve' }).count()).toBe(1);
    expect(await row('deploy').getByRole('button', { name: 'Approve' }).count()).toBe(0);
    // j and k move the current approval; the detail follows, and what was typed on one is kept.
    await detail().getByLabel('Comment on deploy').fill('draft');
    await detail().getByLabel('Comment on deploy').press('Escape');
    await page.keyboard.press('j');
    await expect.poll(detailTask).toBe('migrate');
    expect(await currentTask()).toBe('migrate');
    await page.keyboard.press('k');
    await expect.poll(detailTask).toBe('deploy');
    expect(await detail().getByLabel('Comment on deploy').inputValue()).toBe('draft');
    // A click on a row shows it.
    await row('tag').getByRole('button').click();
    await expect.poll(detailTask).toBe('tag');
    expect(await currentTask()).toBe('tag');
    for (const [width, scheme] of [
      [1440, 'light'],
      [1024, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(shots, `list-detail-${width}-${scheme}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // Both the list and the detail are on screen side by side.
      const list = await inbox().getByRole('list', { name: 'Approvals waiting' }).boundingBox();
      const shown = await detail().boundingBox();
      expect(list!.x + list!.width).toBeLessThanOrEqual(shown!.x);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('takes a decision out of the inbox at once and sends it only after the undo window', async () => {
    await row('deploy').getByRole('button').click();
    const id = await idOf('deploy');
    await detail().getByLabel('Comment on deploy').fill('after the freeze');
    await detail().getByRole('button', { name: 'Approve' }).click();
    const toast = page.getByRole('status', { name: 'Decision: Approving deploy' });
    await toast.waitFor();
    expect(await toast.getByRole('button', { name: 'Undo' }).isVisible()).toBe(true);
    // Not said to be approved while it can still be undone: nothing was sent.
    expect(await toast.textContent()).toContain('Approving deploy');
    expect(await toast.textContent()).toContain('Not sent yet');
    expect(await toast.textContent()).not.toContain('Approved');
    // Gone from the list at once, the next current; not sent yet.
    await expect.poll(() => row('deploy').count()).toBe(0);
    expect(await detailTask()).not.toBe('deploy');
    expect(sentFor(id)).toEqual([]);
    expect(await pendingTasks()).toContain('deploy');
    await page.screenshot({ path: join(shots, 'undo-toast-1440-light.png') });
    // Sent once the window is over, in Ana's name with the comment.
    await expect.poll(() => decidedOf('deploy')).toMatchObject({ status: 'approved', actor: 'Ana' });
    // The browser reports a sent frame to Playwright on its own time, which may be after the
    // server has already answered the decision: wait for the report rather than assume it.
    await expect.poll(() => sentFor(id).length).toBe(1);
    await expect.poll(() => toast.count()).toBe(0);
    // Said to be approved once it is: the host recorded it.
    const done = page.locator('.toasts').getByRole('status').filter({ hasText: 'Approved deploy' });
    await done.waitFor();
    expect(await done.textContent()).toContain('the task goes on');
    await page.screenshot({ path: join(shots, 'undo-toast-1440-approved.png') });
  });

  it('puts an undone decision back as it was, with its comment, and never sends it', async () => {
    await row('migrate').getByRole('button').click();
    const id = await idOf('migrate');
    await detail().getByLabel('Comment on migrate').fill('needs the backup first');
    await detail().getByLabel('Comment on migrate').press('Escape');
    await page.keyboard.press('a');
    await page.getByRole('status', { name: 'Decision: Approving migrate' }).waitFor();
    await expect.poll(() => row('migrate').count()).toBe(0);
    // z undoes it: back in the list, current, its comment kept.
    await page.keyboard.press('z');
    await expect.poll(() => row('migrate').count()).toBe(1);
    await expect.poll(detailTask).toBe('migrate');
    expect(await detail().getByLabel('Comment on migrate').inputValue()).toBe('needs the backup first');
    await expect
      .poll(() => page.getByRole('status', { name: 'Decision: Approving migrate' }).count())
      .toBe(0);
    // Another decision made after it is sent after its own window: by then the undone one would
    // have been sent too, and it was not.
    await row('archive').getByRole('button').click();
    await detail().getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => decidedOf('archive')).toMatchObject({ status: 'approved' });
    expect(sentFor(id)).toEqual([]);
    expect(await pendingTasks()).toContain('migrate');
  });

  it('says so when another person decides a held approval first, and sends nothing for it', async () => {
    await row('announce').getByRole('button').click();
    const id = await idOf('announce');
    await detail().getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status', { name: 'Decision: Approving announce' }).waitFor();
    await baton.rpc('approvals.decide', { approval_id: id, decision: 'reject', actor: 'Cy' });
    const said = page.getByRole('alert').filter({ hasText: 'announce was decided elsewhere meanwhile' });
    await said.waitFor();
    await expect
      .poll(() => page.getByRole('status', { name: 'Decision: Approving announce' }).count())
      .toBe(0);
    expect(sentFor(id)).toEqual([]);
    expect(await decidedOf('announce')).toMatchObject({ status: 'rejected', actor: 'Cy' });
  });

  it('decides the approvals picked with v together from a, undoable as one', async () => {
    await expect.poll(() => rows().count()).toBe(2);
    await row('migrate').getByRole('button').click();
    await page.keyboard.press('v');
    await page.keyboard.press('j');
    await page.keyboard.press('v');
    const hint = inbox().locator('.keys-hint');
    await expect.poll(() => hint.textContent()).toContain('a approve 2 picked');
    await page.keyboard.press('a');
    const toast = page.getByRole('status', { name: 'Decision: Approving 2 approvals' });
    await toast.waitFor();
    await expect.poll(() => rows().count()).toBe(0);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rows().count()).toBe(2);
    // Both picked again (Select all) and sent at once with Send now.
    await inbox().getByRole('checkbox', { name: 'Select all 2 that can be decided together' }).check();
    await page.keyboard.press('a');
    await page
      .getByRole('status', { name: 'Decision: Approving 2 approvals' })
      .getByRole('button', { name: 'Send now' })
      .click();
    await expect.poll(pendingTasks).toEqual([]);
    expect((await decidedOf('migrate'))?.actor).toBe('Ana');
    expect((await decidedOf('tag'))?.actor).toBe('Ana');
    await inbox().getByRole('status', { name: 'Bulk decision' }).waitFor();
    expect(await inbox().getByRole('status', { name: 'Bulk decision' }).textContent()).toContain(
      'Approved 2 of 2 approvals.',
    );
  });

  it('sends a held decision when the page is left during its window', async () => {
    await baton.rpc('runs.start', { plan_id: 'release' });
    await eventually(async () => (await all('pending')).length === 5, 20_000, 'the next run’s gates');
    await expect.poll(() => rows().count()).toBe(5);
    await row('tag').getByRole('button').click();
    await detail().getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status', { name: 'Decision: Approving tag' }).waitFor();
    // The browser may ask whether to leave (it does after a person's click); what was held is
    // sent as the page goes either way.
    page.on('dialog', (d) => void d.accept());
    await page.reload();
    await eventually(
      async () => (await all('pending')).every((a) => a.task_id !== 'tag'),
      20_000,
      'tag decided when the page was left',
    );
    expect(await decidedOf('tag')).toMatchObject({ status: 'approved', actor: 'Ana' });
  });
});
