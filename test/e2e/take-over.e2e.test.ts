import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { sandboxStatus } from '../../src-main/sandbox/index.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { waitingAcpAgent, windingDownAcpAgentScript } from '../kit/acp-waiting-agent.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableIn } from './readability.ts';

const sandbox = await sandboxStatus();

/**
 * Take over from the task panel, in Chromium against the browser host: a coding task whose ACP
 * agent runs (its first turn waits), *Take over* opens a terminal (xterm.js) in its worktree in
 * the real OS sandbox; what the person types runs there and its output shows; closing it lists
 * what they changed, and their commit lands on the task's branch in their name.
 */
describe.skipIf(skipE2e || !sandbox.available)('taking over a coding task in a terminal', () => {
  let app: BatonApp;
  let dataDir: string;
  let scripts: string;
  let repo: TempRepo;
  let inbox: InboxPage | undefined;
  let page: Page;
  /** Bo's page, another person's, at phone size: open on the task before Ana takes it over. */
  let bo: BrowserContext | undefined;
  let other: Page;
  let runId: string;
  let tree = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-take-over-ui-'));
    scripts = mkdtempSync(join(tmpdir(), 'baton-take-over-agent-'));
    // Its stopped turn winds down until the test lets it (it writes late.txt as it ends).
    writeFileSync(join(scripts, 'agent.mjs'), windingDownAcpAgentScript);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    app = createApp({ dataDir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [waitingAcpAgent(join(scripts, 'agent.mjs'))] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'readme',
        workspace: 'app',
        tasks: [{ task_id: 'readme', description: 'Tidy the README.', required_skills: ['code'] }],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'readme' })).run_id;
    await eventually(
      async () => (await call(app, 'runs.listening', { run_id: runId, task_id: 'readme' })) !== null,
      60_000,
      'the agent listening',
    );
    tree = (await call<{ dir: string }[]>(app, 'runs.sessions', { run_id: runId }))[0]!.dir;
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
    inbox = await openInbox(app, dataDir, 'Ana');
    page = inbox.page;
    await page.goto(`${new URL(page.url()).origin}/runs/${runId}`);
    await page.getByTitle('Show task readme').click();
    const token = await page.evaluate(() => sessionStorage.getItem('baton.token'));
    bo = await page
      .context()
      .browser()!
      .newContext({ viewport: { width: 390, height: 844 } });
    await bo.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Bo', agentId: null })),
    );
    other = await bo.newPage();
    await other.goto(`${new URL(page.url()).origin}/runs/${runId}?token=${token}`);
    await other.getByTitle('Show task readme').click();
    await eventually(() => othersTakeOver().isEnabled(), 30_000, "Bo's Take over offered");
  }, 120_000);
  afterAll(async () => {
    await bo?.close();
    if (tree && existsSync(tree)) writeFileSync(join(tree, 'go'), '');
    await inbox?.close();
    await app?.close();
    if (dataDir) await removeDataDir(dataDir);
    if (scripts) rmSync(scripts, { recursive: true, force: true });
    repo?.cleanup();
  });

  const dialog = () => page.getByRole('dialog', { name: 'Terminal in readme' });

  const othersTakeOver = () => other.getByRole('button', { name: 'Take over' });

  /**
   * Bo's page, open on the task since before Ana took it over, told as her terminal opened (the
   * host pushes it, no reload): whose terminal holds the task, neither Resume nor Take over
   * offered (one terminal a task: the host would refuse it).
   */
  async function expectOthersSeeItHeld(): Promise<void> {
    await expect
      .poll(() => other.locator('.turn-controls .turn-state').textContent(), { timeout: 30_000 })
      .toMatch(/^Held by Ana's terminal \(Take over\)/);
    expect(await other.locator('.turn-controls button').count()).toBe(0);
    const takeOver = othersTakeOver();
    await expect.poll(() => takeOver.isDisabled(), { timeout: 30_000 }).toBe(true);
    expect(await takeOver.getAttribute('title')).toBe(
      "Ana's terminal is open in this task: one terminal a task",
    );
    expect(
      await other.getByRole('status').filter({ hasText: "Ana's terminal is open in this task." }).count(),
    ).toBe(1);
    await expectReadableIn(other, 'light', { where: "Bo's task panel" });
    await takeOver.scrollIntoViewIfNeeded();
    await other.screenshot({ path: join(shots, 'take-over-held-for-others-390-light.png') });
  }

  const screen = () => dialog().locator('.xterm-rows');

  it('opens a terminal in the worktree, says the agent is paused, and runs what is typed', async () => {
    const takeOver = page.getByRole('button', { name: 'Take over' });
    await takeOver.waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(shots, 'take-over-button-1440-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await takeOver.click();
    // The agent is paused first; the terminal waits until its stopped turn has ended.
    const pausing = page.getByRole('status').filter({ hasText: 'Pausing the agent' });
    await pausing.waitFor();
    await eventually(() => readFileSync(join(tree, 'prompts.log'), 'utf8').includes('cancel heard'));
    await page.screenshot({ path: join(shots, 'take-over-pausing-1440-light.png') });
    expect(await dialog().isVisible()).toBe(false);
    writeFileSync(join(tree, 'wind-down'), '');
    await dialog().waitFor();
    expect(await dialog().getByRole('note').textContent()).toContain('The agent is paused while you type');
    // Paused, its stopped turn ended, before the terminal opened.
    expect(await call(app, 'runs.turns', { run_id: runId, task_id: 'readme' })).toMatchObject({
      held: 'paused',
      by: 'Ana',
      between_turns: true,
    });
    expect(readFileSync(join(tree, 'prompts.log'), 'utf8')).toContain('--- turn 1 cancelled');
    // The task panel's controls behind the dialog say whose terminal holds it, without waiting
    // for a step, and offer no Resume (the host would refuse it while the terminal is open).
    await expect
      .poll(() => page.locator('.turn-controls .turn-state').textContent(), { timeout: 30_000 })
      .toMatch(/^Held by Ana's terminal \(Take over\), which lets its agent go on when Ana closes it/);
    expect(await page.locator('.turn-controls button').count()).toBe(0);
    await expectOthersSeeItHeld();
    expect(await dialog().textContent()).toContain(`it writes only ${tree}`);
    await expect.poll(() => screen().textContent(), { timeout: 30_000 }).toContain('[take over] ');
    await dialog().getByRole('region', { name: 'Shell in readme' }).click();
    await page.keyboard.type('echo hi > f.txt; cat f.txt');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => ((await screen().innerText()).match(/^hi$/m) ? 'hi' : ''), { timeout: 30_000 })
      .toBe('hi');
    // The workspace's own repository, beside its worktree: readable, not writable.
    await page.keyboard.type(`touch ${repo.repo}/outside.txt; echo "outside=$?"`);
    await page.keyboard.press('Enter');
    await expect.poll(() => screen().innerText(), { timeout: 30_000 }).toMatch(/outside=1/);
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, { where: 'the terminal' });
      await page.screenshot({ path: join(shots, `take-over-terminal-1440-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('closes to what was changed, and commits it as the person’s on the task’s branch', async () => {
    await dialog().getByRole('button', { name: 'Close terminal' }).click();
    const choice = page.getByRole('form', { name: 'After the terminal' });
    await choice.waitFor();
    expect(await choice.getByRole('list', { name: 'Files you changed' }).textContent()).toBe('f.txt');
    // Bo is told its shell ended: still Ana's, her changes waiting for her choice.
    await other
      .getByRole('status')
      .filter({ hasText: "Ana's terminal in this task is closed, its changes waiting for Ana's choice." })
      .waitFor();
    expect(await othersTakeOver().isDisabled()).toBe(true);
    await other.screenshot({ path: join(shots, 'take-over-choice-waits-for-others-390-light.png') });
    // The page left before choosing: the task's panel offers the choice again, once.
    await page.reload();
    await page.getByTitle('Show task readme').click();
    await choice.waitFor();
    expect(await page.getByRole('form', { name: 'After the terminal' }).count()).toBe(1);
    expect(await choice.getByRole('list', { name: 'Files you changed' }).textContent()).toBe('f.txt');
    await choice.getByLabel('Commit message').fill('Say hi from the terminal');
    await expectReadableIn(page, 'dark', { where: 'the choice' });
    await page.screenshot({ path: join(shots, 'take-over-choice-1440-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await choice.getByRole('button', { name: 'Let the agent go on' }).click();
    await expect.poll(() => dialog().isVisible()).toBe(false);
    // Decided: Bo is offered Take over again, as told.
    await expect.poll(() => othersTakeOver().isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await other.getByRole('status').filter({ hasText: "Ana's terminal" }).count()).toBe(0);

    const git = (...args: string[]) => execFileSync('git', args, { cwd: tree, encoding: 'utf8' }).trim();
    expect(git('log', '-1', '--format=%an|%s')).toBe('Ana|Say hi from the terminal');
    expect(existsSync(join(repo.repo, 'outside.txt'))).toBe(false);
    // Let go, its next turn is told what changed.
    await eventually(() => readFileSync(join(tree, 'prompts.log'), 'utf8').includes('--- turn 2'), 30_000);
    expect(readFileSync(join(tree, 'prompts.log'), 'utf8')).toContain('Ana took over in a terminal');
    await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
  });
});
