import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import {
  codingAgent,
  installed,
  openBaton,
  startServers,
  waitFor,
  writeTurn,
} from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { serveHost } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

const APP = 'export const port = 3000;\n';
const LOG = 'export function log(...parts: unknown[]): void {\n  console.log(...parts);\n}\n';

/**
 * A reviewer clears ten approvals from the keyboard alone: the command palette to the inbox, the
 * queue in the order that unblocks the most work, j/k to move, a to approve, x to reject (with a
 * reason, Ctrl+Enter), c to comment, r to ask a coding agent for changes to its diff (Qwen Code,
 * the real CLI, against a scripted model server), s for what changed since that review, o to open
 * a task, ? for the keys. No click anywhere.
 */
describe.skipIf(skipE2e || !installed)('triaging the inbox from the keyboard', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;

  const pending = () => call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'pending' });
  const cards = () =>
    page.getByRole('region', { name: 'Pending approvals' }).getByRole('listitem', { name: /^Approval for / });
  const current = () => page.locator('li.approval-row[data-current]');
  /** The current approval in full, beside the list: where its answers are. */
  const detail = () => page.getByRole('region', { name: 'Pending approvals' }).locator('.approval-detail');
  const currentTask = async () => (await current().getAttribute('aria-label'))?.replace('Approval for ', '');
  const where = () => page.locator('.keys-hint .keys-where').textContent();
  /** j or k until the current card is the approval of `task`. */
  const moveTo = async (task: string) => {
    const labels = await cards().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const from = labels.indexOf(`Approval for ${await currentTask()}`);
    const to = labels.indexOf(`Approval for ${task}`);
    expect(to).not.toBe(-1);
    for (let i = 0; i < Math.abs(to - from); i++) await page.keyboard.press(to > from ? 'j' : 'k');
    expect(await currentTask()).toBe(task);
  };
  const waiting = async (n: number) => expect.poll(() => cards().count(), { timeout: 20_000 }).toBe(n);

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    servers = await startServers();
    baton = openBaton();
    const { app, repo } = baton;
    mkdirSync(join(repo.repo, 'src'), { recursive: true });
    writeFileSync(join(repo.repo, 'src/app.ts'), APP);
    repo.commitAll('an app');
    servers.script('qwen', [
      {
        name: 'backend',
        turns: [
          writeTurn('qwen', 'src/log.ts', LOG),
          { text: 'A logger' },
          // After the request for changes, the resumed session.
          CLIS.qwen.shellTurn(`cat > src/log.ts <<'EOF'\n// Timestamped.\n${LOG}EOF`),
          { text: 'Said what the logger does' },
        ],
      },
    ]);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [codingAgent(servers, 'qwen'), { id: 'w', skills: ['x'] }] });
    const t = (task_id: string, depends_on: string[] = [], extra: Record<string, unknown> = {}) => ({
      task_id,
      description: `Do ${task_id}`,
      required_skills: ['x'],
      depends_on,
      ...extra,
    });
    const gate = (task_id: string, description: string, depends_on: string[] = []) =>
      t(task_id, depends_on, { requires_approval: true, description });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'release',
        name: 'Release',
        tasks: [
          gate('deploy', 'Deploy to production'),
          t('smoke', ['deploy']),
          t('notes', ['deploy']),
          t('announce', ['smoke']),
          gate('migrate', 'Run the migration'),
          t('backfill', ['migrate']),
          gate('tag', 'Tag the release'),
        ],
      },
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'costly',
        name: 'Costly',
        budget: 1,
        tasks: [
          t('big', [], { estimated_cost: 5, description: 'Spend a lot' }),
          t('after', ['big']),
          t('after2', ['after']),
        ],
      },
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'ops',
        name: 'Ops',
        tasks: ['rotate-keys', 'scale-up', 'purge-cache', 'reindex', 'vacuum'].map((id) =>
          gate(id, `Ops: ${id}`),
        ),
      },
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'webapp',
        name: 'Web app',
        workspace: 'app',
        tasks: [
          { task_id: 'backend', description: 'Add a logger', required_skills: ['qwen'], review: 'diff' },
          t('ship-web', ['backend']),
        ],
      },
    });
    for (const plan_id of ['release', 'costly', 'ops', 'webapp']) await call(app, 'runs.start', { plan_id });
    let list: ApprovalView[] = [];
    await waitFor(
      () => list.length === 10,
      150_000,
      async () => {
        list = await pending();
      },
    );
    host = await serveHost(app, baton.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
    );
    await page.goto(host.openUrl);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
  });

  it('reaches the inbox through the command palette, the queue ordered by what unblocks the most', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('combobox').waitFor();
    await page.keyboard.type('approvals');
    await page.keyboard.press('Enter');
    await expect.poll(() => palette.isVisible()).toBe(false);
    await waiting(10);
    expect(await page.getByRole('heading', { name: 'Waiting for a decision (10)' }).isVisible()).toBe(true);
    // Three tasks wait on deploy, two on big: they lead; the current card is the first.
    expect(await cards().nth(0).getAttribute('aria-label')).toBe('Approval for deploy');
    expect(await cards().nth(1).getAttribute('aria-label')).toBe('Approval for big');
    expect(await cards().nth(0).textContent()).toContain('blocks 3 tasks');
    expect(await detail().textContent()).toContain(
      'Blocks 3 tasks of its run: next smoke, notes and 1 more task after',
    );
    expect(await currentTask()).toBe('deploy');
    expect(await where()).toBe('1 of 10');
    for (const scheme of ['light', 'dark'] as const) await expectReadableIn(page, scheme, { width: 1440 });
    await page.screenshot({ path: join(shots, 'inbox-keys-1440.png') });
  });

  it('shows every key with ?, and Escape closes them', async () => {
    await page.keyboard.press('?');
    const keys = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await keys.waitFor();
    expect(await keys.textContent()).toContain('Request changes to a diff');
    await page.keyboard.press('Escape');
    await expect.poll(() => keys.isVisible()).toBe(false);
  });

  it('approves with a, and the next card is current', async () => {
    await page.keyboard.press('a');
    await waiting(9);
    expect(await currentTask()).toBe('big');
    expect(await where()).toBe('1 of 9');
  });

  it('rejects with x after its question, with a reason sent by Ctrl+Enter', async () => {
    await page.keyboard.press('x');
    const question = page.getByRole('alertdialog', { name: 'Reject big?' });
    await question.waitFor();
    // The question's reason field, reached with Tab; Ctrl+Enter then rejects.
    const focused = () => page.evaluate(() => document.activeElement?.tagName);
    for (let i = 0; i < 4 && (await focused()) !== 'TEXTAREA'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('TEXTAREA');
    await page.keyboard.type('Too costly for now');
    await page.keyboard.press('Control+Enter');
    await waiting(8);
    // Sent once its undo window is over.
    const decidedOf = async (task: string) =>
      (await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'decided' })).find(
        (a) => a.task_id === task,
      );
    await expect
      .poll(() => decidedOf('big'))
      .toMatchObject({
        status: 'rejected',
        actor: 'Ana',
        comment: 'Too costly for now',
      });
  });

  it('asks a coding agent for changes with r, and it goes on in its session', async () => {
    await moveTo('backend');
    expect(await current().textContent()).toContain('Diff review');
    await detail().getByRole('list', { name: 'Changed files' }).waitFor();
    await page.keyboard.press('r');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Review comment on backend');
    await page.keyboard.type('Say what the logger does');
    await page.keyboard.press('Control+Enter');
    await waiting(7);
    const decided = async () =>
      (await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'decided' })).find(
        (a) => a.task_id === 'backend',
      );
    await expect.poll(decided).toMatchObject({
      status: 'changes_requested',
      actor: 'Ana',
      comment: 'Say what the logger does',
    });
  });

  it('comments with c (Escape leaves the field) and moves back with k', async () => {
    await moveTo('migrate');
    await page.keyboard.press('c');
    await page.keyboard.type('after the backup');
    await page.keyboard.press('Escape');
    expect(await currentTask()).toBe('migrate');
    await page.keyboard.press('j');
    const next = await currentTask();
    await page.keyboard.press('k');
    expect(await currentTask()).toBe('migrate');
    await page.keyboard.press('a');
    await waiting(6);
    expect(await currentTask()).toBe(next);
    const migrate = async () =>
      (await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'decided' })).find(
        (a) => a.task_id === 'migrate',
      );
    await expect.poll(migrate).toMatchObject({ status: 'approved', comment: 'after the backup' });
  });

  it('opens the current card’s task in its run with o, and comes back with the palette', async () => {
    const task = await currentTask();
    await page.keyboard.press('o');
    await expect.poll(() => new URL(page.url()).pathname).toMatch(new RegExp(`/runs/[^/]+/tasks/${task}$`));
    // A run's page is under Runs in the sidebar.
    const sections = page.getByRole('navigation', { name: 'Sections' });
    expect(await sections.getByRole('link', { name: 'Runs' }).getAttribute('aria-current')).toBe('page');
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog', { name: 'Command palette' }).getByRole('combobox').waitFor();
    await page.keyboard.type('approvals');
    await page.keyboard.press('Enter');
    await cards().first().waitFor();
  });

  it('clears the six gates left: a, a, x, a, a, a', async () => {
    for (const key of ['a', 'a', 'x', 'a', 'a', 'a']) {
      // The coding agent's second attempt may be back in the queue meanwhile: it is passed over.
      if ((await currentTask()) === 'backend') await page.keyboard.press('j');
      if ((await currentTask()) === 'backend') await page.keyboard.press('k');
      const task = await currentTask();
      expect(task).not.toBe('backend');
      await page.keyboard.press(key);
      if (key === 'x') {
        await page.getByRole('alertdialog').waitFor();
        await page.keyboard.press('Control+Enter');
      }
      // That gate leaves the list (counting rows would miss it when the second review arrives meanwhile).
      await expect
        .poll(() => page.locator(`li.approval-row[aria-label="Approval for ${task}"]`).count(), {
          timeout: 20_000,
        })
        .toBe(0);
    }
  });

  it('shows only what changed since the last review with s on the second diff review, and approves it', async () => {
    // The agent went on with the comment: its second attempt waits for review.
    await expect
      .poll(async () => (await pending()).some((a) => a.kind === 'diff_review' && a.diff?.previous_review), {
        timeout: 120_000,
      })
      .toBe(true);
    await waiting(1);
    expect(await currentTask()).toBe('backend');
    const card = detail();
    const since = card.getByRole('button', { name: 'Changes since your last review' });
    await since.waitFor();
    expect(await since.getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('s');
    await expect.poll(() => since.getAttribute('aria-pressed')).toBe('true');
    await expect
      .poll(() => card.textContent())
      .toMatch(/From [0-9a-f]{10} \(attempt 1\) to [0-9a-f]{10} \(attempt 2\)/);
    await page.screenshot({ path: join(shots, 'inbox-keys-diff-since.png') });
    await page.keyboard.press('a');
    await waiting(0);
    expect(await page.getByText('Nothing waits for a decision.').isVisible()).toBe(true);
  });

  it('recorded every decision in the audit log, in the name of the person who said who they are', async () => {
    const decisions = async () =>
      (await call<AuditEntry[]>(baton.app, 'audit.list', { entity: 'approval' })).filter(
        (e) => e.from_status === 'pending',
      );
    // The last is sent once its undo window is over.
    await expect.poll(async () => (await decisions()).length).toBe(11);
    const audit = await decisions();
    expect(audit).toHaveLength(11);
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set(['Ana']));
  });
});
