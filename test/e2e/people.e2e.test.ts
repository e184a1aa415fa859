import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { controlsOffScreen } from './off-screen.ts';

const PHONE = { width: 390, height: 844 };

/** A virtual authenticator in this page's Chromium (CDP), holding passkeys as a phone would. */
async function virtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}

/** Screens of `page` in light and dark, named `people-<name>-<scheme>.png`. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(shots, `people-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Two people on one Baton, each in their own browser context (their own cookies): the owner at the
 * machine invites a member and a viewer; the member joins with a passkey (Chromium's virtual
 * authenticator), signs out, signs in again with it, and approves a gate on a phone-sized screen;
 * the viewer sees it and cannot decide; both see who approved it. A plan gate, not a diff review:
 * the same card and the same decision path, without a coding agent's worktree to set up.
 */
describe.skipIf(skipE2e)('people: invited, signed in with a passkey, deciding from a phone', () => {
  let baton: Baton;
  let owner: Page;
  let base: string;
  let token: string;
  let memberContext: BrowserContext;
  let member: Page;
  let viewerContext: BrowserContext;
  let viewer: Page;

  beforeAll(async () => {
    baton = await launchBaton('people', { width: 1440, height: 900 });
    owner = baton.page;
    // A passkey's relying party is a host name (never an IP address): everyone uses localhost.
    const printed = new URL(baton.server.url);
    base = `http://localhost:${printed.port}/`;
    token = printed.searchParams.get('token')!;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        tasks: [
          {
            task_id: 'deploy',
            description: 'Deploy to production',
            required_skills: ['x'],
            requires_approval: true,
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await memberContext?.close();
    await viewerContext?.close();
    await baton?.close();
  });

  /** `GET /auth/me` as the page asks it: with the key its session keeps in this origin's storage. */
  const meAsThePage = () =>
    fetch('/auth/me', { headers: { 'X-Baton-Request': localStorage.getItem('baton.page_key') ?? '' } }).then(
      (r) => r.json(),
    );

  /** The owner invites someone with `role`: the one-time link the page shows. */
  async function invite(role: 'member' | 'viewer'): Promise<string> {
    await owner.getByLabel('Role of the invited person').selectOption(role);
    await owner.getByRole('button', { name: 'Invite', exact: true }).click();
    const shown = owner.getByRole('region', { name: `Invitation for a ${role}` });
    const text = await shown.getByRole('textbox', { name: 'Link' }).inputValue();
    expect(text).toMatch(/\/join#invite=bpi_/);
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    return text.replace('127.0.0.1', 'localhost');
  }

  it('makes the owner account at the machine and invites a member and a viewer', async () => {
    await owner.goto(`${base}settings/people?token=${token}`);
    await owner.getByLabel('Your name').fill('Olive');
    await owner.getByRole('button', { name: 'Make the owner account' }).click();
    await expect.poll(() => owner.getByText('Signed in as').textContent()).toContain('Olive');
    await shoot(owner, 'settings-1440');
  });

  it('the member joins with a passkey on a phone, signs out, and signs in with it again', async () => {
    const link = await invite('member');
    memberContext = await baton.browser.newContext({ viewport: PHONE });
    member = await memberContext.newPage();
    await virtualAuthenticator(memberContext, member);
    await member.goto(link);
    await member.getByRole('heading', { name: 'Join this Baton' }).waitFor();
    await member.getByText(/You are invited as\s*member/).waitFor();
    await member.getByLabel('Your name').fill('Mia');
    await shoot(member, 'join-390');
    await member.getByRole('button', { name: 'Join with a passkey' }).click();
    await member.waitForURL(/\/approvals/);
    await expect
      .poll(() => member.evaluate(meAsThePage))
      .toMatchObject({
        person: { name: 'Mia', role: 'member', passkeys: 1 },
        via: 'session',
      });
    // The cookie alone (what a server on another port of this host receives) is nobody.
    expect(await member.evaluate(() => fetch('/auth/me').then((r) => r.json()))).toMatchObject({
      person: null,
    });
    // Signed out, the cookie is gone; the passkey signs her in again (no name asked first).
    await member.evaluate(() =>
      fetch('/auth/sign-out', {
        method: 'POST',
        headers: { 'X-Baton-Request': localStorage.getItem('baton.page_key') ?? '' },
      }),
    );
    await member.goto(base);
    await member.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();
    await shoot(member, 'sign-in-390');
    await member.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await member.waitForURL(/\/approvals/);
    await expect
      .poll(() => member.evaluate(meAsThePage))
      .toMatchObject({
        person: { name: 'Mia' },
        via: 'session',
      });
  });

  it('the viewer joins with a password and sees the gate, but cannot decide it', async () => {
    const link = await invite('viewer');
    viewerContext = await baton.browser.newContext({ viewport: { width: 1024, height: 800 } });
    viewer = await viewerContext.newPage();
    await viewer.goto(link);
    await viewer.getByLabel('Your name').fill('Vic');
    await viewer.getByLabel(/Or a password/).fill('vic-has-a-long-password');
    await viewer.getByRole('button', { name: 'Join with a password' }).click();
    await viewer.waitForURL(/\/approvals/);
    await baton.rpc('runs.start', { plan_id: 'release' });
    // The approval in full, beside the inbox's list (or below it on a narrow screen).
    const card = viewer.getByRole('region', { name: 'Approval for deploy' });
    await card.waitFor();
    await expect
      .poll(() => card.getByRole('note').textContent())
      .toContain('a viewer sees approvals but does not decide them');
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await card.textContent()).toContain('decided by a member');
    // The keys offered are the ones she may use: none that decide, and why; no name is asked of
    // someone signed in.
    const hint = viewer.locator('.keys-hint');
    await expect.poll(() => hint.textContent()).toContain('Not yours to decide: a viewer sees approvals');
    expect(await hint.textContent()).not.toMatch(/approve|reject|request changes|pick/);
    expect(await viewer.locator('.page').first().textContent()).not.toContain('asks your name');
    await shoot(viewer, 'viewer-1024');
  });

  it('the member approves it on the phone; both see who approved it', async () => {
    const card = member.getByRole('region', { name: 'Approval for deploy' });
    await card.waitFor();
    expect(await member.locator('.page').first().textContent()).not.toContain('asks your name');
    await shoot(member, 'inbox-390');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    for (const page of [member, viewer]) {
      await page.goto(`${base}approvals?show=decided`);
      const decided = page.getByText(/Approved\s+by Mia/);
      await expect.poll(() => decided.count()).toBeGreaterThan(0);
    }
    await shoot(member, 'decided-390');
    await shoot(viewer, 'decided-1024');
    // The decision is recorded in her proven name.
    const decided = (await baton.rpc('approvals.list', { status: 'decided' })).value as unknown as {
      actor: string;
      status: string;
    }[];
    expect(decided).toEqual([expect.objectContaining({ actor: 'Mia', status: 'approved' })]);
  });

  it('the member lets a command line sign in as her from the /device page `baton login` prints', async () => {
    const post = (path: string, body: unknown) =>
      fetch(new URL(path, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const started = (await (await post('/auth/device/start', { host: 'build-box' })).json()) as {
      device_code: string;
      user_code: string;
      page: string;
    };
    expect((await post('/auth/device/token', { device_code: started.device_code })).status).toBe(202);
    await member.goto(new URL(started.page, base).href);
    await member.getByRole('heading', { name: 'Sign in the command line on build-box as Mia?' }).waitFor();
    expect(await member.locator('.device-code').textContent()).toBe(started.user_code);
    await shoot(member, 'device-390');
    await member.getByRole('button', { name: 'Sign it in' }).click();
    await expect
      .poll(() => member.getByRole('status').textContent())
      .toContain('The command line on build-box is signed in as Mia');
    const got = (await (await post('/auth/device/token', { device_code: started.device_code })).json()) as {
      token: string;
      role: string;
    };
    expect(got).toMatchObject({ token: expect.stringMatching(/^bpt_/), role: 'member' });
  });

  it('the People table fits a phone: each person a card, their role, joining, sign-in and a short Remove', async () => {
    await owner.setViewportSize(PHONE);
    await owner.goto(`${base}settings/people`);
    const table = owner.getByRole('table', { name: 'People' });
    await table.getByRole('button', { name: 'Remove Mia' }).waitFor();
    await shoot(owner, 'table-390');
    await table.screenshot({ path: join(shots, 'people-table-390-rows.png') });
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(
      await owner
        .locator('.page')
        .first()
        .evaluate((p) => p.scrollWidth),
    ).toBeLessThanOrEqual(390);
    expect(await controlsOffScreen(owner)).toEqual([]);
    for (const name of ['Mia', 'Vic']) {
      const row = table.getByRole('row', { name: new RegExp(name) });
      // Every part of the row is on the screen, the name, role, when they joined, how they sign in.
      for (const part of [
        row.getByRole('rowheader'),
        row.getByRole('combobox', { name: `Role of ${name}` }),
        row.getByRole('cell').nth(1),
        row.getByRole('cell').nth(2),
      ]) {
        const box = (await part.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390);
      }
      const remove = row.getByRole('button', { name: `Remove ${name}` });
      expect(await remove.textContent()).toBe('Remove');
      expect((await remove.boundingBox())!.width).toBeLessThan(120);
    }
    await owner.setViewportSize({ width: 1440, height: 900 });
  });

  it('an invitation for an admin says "an admin"', async () => {
    await owner.getByLabel('Role of the invited person').selectOption('admin');
    await owner.getByRole('button', { name: 'Invite', exact: true }).click();
    const shown = owner.getByRole('region', { name: 'Invitation for an admin' });
    await shown.waitFor();
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await owner.getByText(/^An admin, invited by Olive/).waitFor();
  });
});
