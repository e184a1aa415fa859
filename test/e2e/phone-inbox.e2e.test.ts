import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { rendererDir } from '../../src-main/cli/files.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { PushMessage } from '../../src-shared/schemas/push.ts';
import { writeFakeQwen } from '../kit/fake-qwen.ts';
import { fromPage, post, rpc } from '../kit/people-kit.ts';
import { launchChromium } from './browser-path.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';

const PHONE = { width: 390, height: 844 };
const COMMENT = 'Answer 503 while the database is down, and say so in the body.';

/** Screens of `page` in light and dark, named `phone-<name>-<scheme>.png`. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(shots, `phone-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * The inbox away from the desk, in Chromium on a 390×844 touch screen: a coding attempt's diff
 * waits for review; Mia, a member, opens the one-time link her push notification carries, reads the
 * approval without signing in, signs in to decide, and asks for changes with a comment from her
 * phone. The owner's inbox at the desk loses the card as she decides; the link does not open
 * twice. Screens at 390, 1024 and 1440, light and dark.
 */
describe.skipIf(skipE2e)('the inbox on a phone, opened from a notification’s link', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  let desk: Page;
  let review: ApprovalView;
  let mia: string;
  let link: string;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(shots, { recursive: true });
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-phone-e2e-')));
    const repo = join(dir, 'webapp');
    mkdirSync(join(repo, 'src'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# webapp\n');
    writeFileSync(join(repo, 'src', 'health.ts'), 'export const health = () => ({ ok: true });\n');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    writeFakeQwen(dir);
    app = createApp({ dataDir: join(dir, 'data'), log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir,
      people: app.people,
      slack: app.reach.slack.route,
      approval: app.approvalView,
    });
    // Links in push messages and Slack point here, as `baton serve` says (its public URL, else its own).
    app.reach.servePeopleAt(host.url);
    const owner = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
    await rpc(host.port, 'people.setupOwner', { name: 'Olive' }, owner);
    const invite = await rpc(host.port, 'people.invite', { role: 'member' }, owner);
    const secret = (invite.result as { value: { secret: string } }).value.secret;
    const joined = await post(
      host.port,
      '/auth/join',
      { invite: secret, name: 'Mia', password: 'mia-long-password' },
      fromPage(host.port),
    );
    mia = (JSON.parse(joined.body) as { person: { id: string } }).person.id;
    const call = (method: string, input: unknown) => rpc(host.port, method, input, owner);
    await call('workspaces.add', { id: 'webapp', path: repo });
    await call('agents.import', {
      agents: [
        {
          id: 'builder',
          kind: 'coding',
          cli: 'qwen',
          skills: ['builder'],
          executable: join(dir, 'qwen'),
          // Asked for changes, its second attempt ends without work: nothing waits after.
          env: { LOG: join(dir, 'cli.log'), MODE: 'done', MODE_2: 'fail-empty' },
        },
      ],
    });
    await call('plans.import', {
      plan: {
        plan_id: 'webapp',
        name: 'Webapp',
        workspace: 'webapp',
        tasks: [
          {
            task_id: 'health',
            description: 'Add a health endpoint that answers 200 with the version',
            required_skills: ['builder'],
            review: 'diff',
          },
        ],
      },
    });
    await call('runs.start', { plan_id: 'webapp' });
    // Waits for the diff review (a bound for a hung run, no timing asserted).
    for (let i = 0; i < 1200 && !review; i++) {
      const list = (await call('approvals.list', { status: 'pending' })).result as { value: ApprovalView[] };
      review = list.value.find((a) => a.kind === 'diff_review')!;
      if (!review) await new Promise((r) => setTimeout(r, 100));
    }
    if (!review) throw new Error('no diff review waited');
    // What Mia's push notification carries (src-main/reach/push/ sends it; push.test.ts reads one).
    link = app.people.links.mint(review.id, mia);
    browser = await launchChromium();
    phone = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    page = await phone.newPage();
    desk = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await desk.goto(`${host.url}approvals?token=${host.token}`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    if (dir) await removeDataDir(dir);
  });

  it('opens the link read-only, without signing in: the diff’s facts and who may decide it', async () => {
    await page.goto(`${host.url}link#${link}`);
    await page.getByRole('heading', { name: /Diff review\s+health/ }).waitFor();
    const facts = page.getByRole('region', { name: 'The approval' });
    expect(await facts.textContent()).toContain('Add a health endpoint that answers 200 with the version');
    expect(await facts.textContent()).toMatch(/\+1 −0\s+in 1 file/);
    expect(await page.getByText('Who may decide it: a member').count()).toBe(1);
    // The link left the address bar at once.
    expect(page.url()).toBe(`${host.url}link`);
    await shoot(page, 'link-390');
  });

  it('signs in to decide, lands on the approval, and asks for changes with a comment', async () => {
    await page.getByRole('link', { name: 'Sign in to decide' }).click();
    await page.getByRole('heading', { name: 'Sign in to Baton' }).waitFor();
    await page.getByLabel('Name').fill('Mia');
    await page.getByLabel('Password').fill('mia-long-password');
    await page.getByRole('button', { name: 'Sign in with a password' }).click();
    await page.waitForURL(new RegExp(`/approvals/${review.id}$`));
    const row = page.getByRole('listitem', { name: 'Approval for health' });
    const card = page.getByRole('region', { name: 'Approval for health' });
    const diff = card.getByRole('region', { name: /Diff of/ });
    await diff.waitFor();
    // Landed on it, not below the list: its diff in view, above the answers that stay at the bottom.
    const comment = card.getByLabel('Review comment on health');
    await expect
      .poll(async () => {
        const [d, c] = [(await diff.boundingBox())!, (await comment.boundingBox())!];
        return d.y >= 0 && d.y + d.height <= c.y;
      })
      .toBe(true);
    await shoot(page, 'inbox-390');
    // Thumb-sized answers, and only the unified diff: no room for two sides.
    for (const name of ['Request changes', 'Approve', 'Reject']) {
      const box = await card.getByRole('button', { name, exact: true }).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
    }
    const approve = await card.getByRole('button', { name: 'Approve', exact: true }).boundingBox();
    expect(approve!.width).toBeGreaterThan(300);
    expect(await card.getByRole('button', { name: 'Split' }).isVisible()).toBe(false);
    // The diff wraps: nothing of the card is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const deskCard = desk.getByRole('listitem', { name: 'Approval for health' });
    await deskCard.waitFor();
    await card.getByLabel('Review comment on health').fill(COMMENT);
    await card.getByRole('button', { name: 'Approve', exact: true }).scrollIntoViewIfNeeded();
    await shoot(page, 'answer-390');
    await card.getByRole('button', { name: 'Request changes', exact: true }).click();
    await row.waitFor({ state: 'detached' });
    await card.waitFor({ state: 'detached' });
    // Gone at the desk too, as she decided: the same record, every view.
    await deskCard.waitFor({ state: 'detached' });
    const decided = app.store.approvals.get(review.id)!;
    expect(decided).toMatchObject({ status: 'changes_requested', actor: 'Mia', comment: COMMENT });
    await page.goto(`${host.url}approvals?show=decided`);
    await page
      .getByText(/Changes requested\s+by Mia/)
      .first()
      .waitFor();
    await shoot(page, 'decided-390');
  });

  it('does not open the link a second time', async () => {
    await page.goto(`${host.url}link#${link}`);
    await page.getByRole('heading', { name: 'This link does not open' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('opened already');
    await shoot(page, 'link-used-390');
  });

  it('its service worker shows a push message, and takes it away once the approval is decided', async () => {
    // A push service would hand the browser these; Chromium's DevTools protocol stands in for it.
    await phone.grantPermissions(['notifications'], { origin: host.url.slice(0, -1) });
    const cdp = await phone.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    const activated = new Set<string>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) if (v.status === 'activated') activated.add(v.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => registrations.some((r) => r.scopeURL === host.url && !r.isDeleted)).toBe(true);
    const registrationId = registrations.find((r) => r.scopeURL === host.url && !r.isDeleted)!.registrationId;
    await expect.poll(() => activated.has(registrationId)).toBe(true);
    const push = (message: PushMessage) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: host.url.slice(0, -1),
        registrationId,
        data: JSON.stringify(message),
      });
    // Chromium drops a push it cannot hand to a running worker (one not yet active, or one that did
    // not start in time on a busy machine); it does not queue it. A message of a tag replaces the
    // last of that tag, so one is sent again, every 2 s, until the worker has done what it says.
    const pushUntil = (message: PushMessage, expected: unknown) =>
      expect
        .poll(
          async () => {
            const now = await shown();
            if (!isDeepStrictEqual(now, expected)) await push(message);
            return now;
          },
          { interval: 2_000 },
        )
        .toEqual(expected);
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          tag: n.tag,
          url: (n.data as { url: string }).url,
        })),
      );
    const url = `${host.url}link#${app.people.links.mint(review.id, mia)}`;
    const message: PushMessage = {
      kind: 'show',
      title: 'Diff waiting for review',
      body: 'health',
      url,
      tag: 'approval-x',
      at: new Date().toISOString(),
    };
    await pushUntil(message, [{ title: 'Diff waiting for review', tag: 'approval-x', url }]);
    await pushUntil({ kind: 'close', tag: 'approval-x' }, []);
  });

  it('shows the inbox, push and Slack settings at 1024 and 1440', async () => {
    for (const width of [1024, 1440]) {
      await desk.setViewportSize({ width, height: 900 });
      await desk.goto(`${host.url}approvals?show=decided`);
      await desk
        .getByText(/Changes requested\s+by Mia/)
        .first()
        .waitFor();
      await shoot(desk, `decided-${width}`);
      await desk.goto(`${host.url}settings/notifications`);
      await desk.getByRole('region', { name: 'Push notifications' }).waitFor();
      await shoot(desk, `push-settings-${width}`);
      await desk.goto(`${host.url}settings/slack`);
      await desk.getByRole('form', { name: 'Slack app' }).waitFor();
      await shoot(desk, `slack-settings-${width}`);
    }
  });
});
