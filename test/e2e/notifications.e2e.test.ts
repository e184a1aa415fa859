/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

interface Shown {
  title: string;
  body: string;
}

declare global {
  interface Window {
    __shown: (Shown & { onclick: (() => void) | null })[];
  }
}

describe.skipIf(skipE2e)('notifications in browser mode (Chromium, permission granted)', () => {
  let baton: Baton;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('notify');
    const origin = new URL(baton.server.url).origin;
    context = await baton.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['notifications'], { origin });
    // The OS's notification centre cannot be looked at here: what the page hands the browser is
    // recorded at that boundary (the browser's own permission is what the page reads), and the
    // person is looking at another window.
    await context.addInitScript(() => {
      const Real = window.Notification;
      window.__shown = [];
      class Recorded {
        static get permission() {
          return Real.permission;
        }
        static requestPermission() {
          return Real.requestPermission();
        }
        title: string;
        body: string;
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          this.title = title;
          this.body = options?.body ?? '';
          window.__shown.push(this);
        }
        close() {}
      }
      Object.defineProperty(window, 'Notification', { value: Recorded });
      document.hasFocus = () => false;
    });
    page = await context.newPage();
    await baton.rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        { id: 'ana', kind: 'human', skills: ['review'] },
      ],
    });
    for (const plan of [
      { plan_id: 'bad', tasks: [{ task_id: 'b', description: 'b', required_skills: ['nobody'] }] },
      {
        plan_id: 'gated',
        tasks: [{ task_id: 'g', description: 'g', required_skills: ['x'], requires_approval: true }],
      },
      {
        plan_id: 'reviewed',
        tasks: [{ task_id: 'check', description: 'check it', required_skills: ['review'] }],
      },
    ])
      await baton.rpc('plans.import', { plan });
    await page.goto(baton.server.url);
    await page.getByRole('list', { name: 'Plans' }).getByRole('link', { name: /gated/ }).waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await baton?.close();
  });

  const shown = () => page.evaluate(() => window.__shown.map((n) => ({ title: n.title, body: n.body })));
  const click = (title: RegExp) =>
    page.evaluate((source) => {
      const re = new RegExp(source);
      window.__shown.find((n) => re.test(n.title))!.onclick!();
    }, title.source);

  it('tells of a failed run, an approval and a task in My tasks; a click opens each', async () => {
    const bad = (await baton.rpc('runs.start', { plan_id: 'bad' })).value.run_id as string;
    await baton.rpc('runs.start', { plan_id: 'gated' });
    await baton.rpc('runs.start', { plan_id: 'reviewed' });
    await expect
      .poll(async () => (await shown()).map((n) => n.title).sort())
      .toEqual(['Approval waiting', `Run ${bad} failed`, 'Task check waits in My tasks']);

    await click(/failed$/);
    await page.getByRole('heading', { name: 'bad', level: 1 }).waitFor();
    await click(/^Approval waiting$/);
    await page.getByRole('heading', { name: /Approvals/, level: 1 }).waitFor();
    await click(/My tasks$/);
    await page.getByRole('heading', { name: /My tasks/, level: 1 }).waitFor();
  });

  it('leaves out a kind turned off in Settings, and says the browser shows them', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Notifications' }).click();
    await page.getByText('This browser shows Baton’s notifications.').waitFor();
    const failed = page.getByRole('checkbox', { name: 'A run failed' });
    expect(await failed.isChecked()).toBe(true);
    await failed.click();
    await expect.poll(() => failed.isChecked()).toBe(false);
    await expect
      .poll(async () => (await baton.rpc('notifications.settings', {})).value.run_failed)
      .toBe(false);
    const before = (await shown()).length;
    await baton.rpc('runs.start', { plan_id: 'bad' });
    await baton.rpc('runs.start', { plan_id: 'gated' });
    // The approval comes after the failure in the audit log: once it is told, the failure was passed over.
    await expect.poll(async () => (await shown()).length).toBe(before + 1);
    expect((await shown()).at(-1)!.title).toBe('Approval waiting');
  });
});
