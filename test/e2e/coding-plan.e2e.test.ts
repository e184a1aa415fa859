import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * A coding plan made runnable without touching JSON: a coding agent registered through the form
 * with its provider (base URL, API key by secret name), a plan built in the designer from an
 * empty canvas, Checks saying which task needs a workspace until one is picked from those
 * registered (a real git repository, registered on the Workspaces screen the designer leads to),
 * and the saved plan carrying workspace, review and on_conflict. No coding CLI is run.
 */
describe.skipIf(skipE2e)('a coding plan in the designer, without JSON', () => {
  let baton: Baton;
  let page: Page;
  let dir: string;
  let repo: string;

  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-coding-plan-')));
    repo = join(dir, 'webapp');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# webapp\n');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    baton = await launchBaton('coding-plan', { width: 1440, height: 900 });
    page = baton.page;
    await page.goto(baton.server.url);
  });
  afterAll(async () => {
    await baton?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  const checks = () => page.getByRole('region', { name: 'Checks' });
  const graph = () => page.getByRole('region', { name: 'Plan designer graph' });
  const taskForm = () => page.getByRole('form', { name: 'Task task-001' });
  /** Selects the task by its card until its form shows (a click can land while the graph redraws). */
  const selectTask = async () => {
    await expect
      .poll(async () => {
        if (!(await taskForm().isVisible()))
          await graph()
            .getByRole('article', { name: /^Task task-001/ })
            .click();
        return taskForm().isVisible();
      })
      .toBe(true);
  };

  it('registers a coding agent through the form with its provider: a base URL and the API key by secret name', async () => {
    await nav('Agents');
    await page.getByRole('button', { name: 'Add agent…' }).click();
    const form = page
      .getByRole('dialog', { name: 'Add an agent' })
      .getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('coding');
    await form.getByLabel('Id', { exact: true }).fill('coder');
    await form.getByLabel(/^CLI/).selectOption('codex');
    await form.getByLabel('Skills', { exact: true }).fill('code');
    await form.getByLabel('Skills', { exact: true }).press('Enter');
    await form.locator('summary', { hasText: 'More coding settings' }).click();
    const secret = form.getByLabel('API key secret (optional)');
    // The field asks for a secret's name, and says it is never the key.
    expect(await form.locator('label', { hasText: 'API key secret' }).textContent()).toContain(
      "The model server's key, by a secret's name (Secrets, below), never the key itself.",
    );
    await secret.fill('ollama.key');
    await form.getByRole('button', { name: 'Add agent' }).click();
    // A secret without a server to send it to is refused, naming the field.
    await expect
      .poll(() => form.textContent())
      .toContain('Model server URL is required to use an API key secret');
    await form.getByLabel('Model server URL (optional)').fill('http://127.0.0.1:11434/v1');
    await form.getByLabel('Model (optional)').fill('qwen3-coder');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /coder/ }).waitFor();
    const [agent] = (await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[];
    expect(agent).toMatchObject({
      id: 'coder',
      kind: 'coding',
      cli: 'codex',
      model: 'qwen3-coder',
      skills: ['code'],
      provider: { base_url: 'http://127.0.0.1:11434/v1', api_key_secret: 'ollama.key' },
    });
  });

  it('builds the plan from an empty canvas: Checks name the task and field without a workspace, until one is picked', async () => {
    await nav('Plans');
    await page.getByRole('button', { name: 'New plan…' }).click();
    await page.getByRole('button', { name: 'Start empty' }).click();
    await selectTask();
    await taskForm().getByLabel('Description').fill('Add a health check endpoint');
    await taskForm().getByLabel('Required skills').fill('code');
    await taskForm().getByLabel('Required skills').press('Enter');
    // Only the coding agent can take it, and nothing names a workspace: the run would fail at once.
    await expect
      .poll(() => checks().textContent())
      .toContain(
        'task-001 tasks[0].workspace: task "task-001" can go only to coding agent "coder", which needs a workspace',
      );
    expect(await checks().textContent()).toContain('1 to fix');
    // What a coding task needs shows beside its agent, the problem under its field.
    const coding = taskForm().getByRole('group', { name: 'Coding work' });
    const workspace = coding.getByLabel('Workspace', { exact: true });
    expect(await workspace.getAttribute('aria-invalid')).toBe('true');
    // None registered: the field leads to the Workspaces screen, and the draft waits.
    await coding.getByRole('button', { name: 'Register a workspace on the Workspaces screen' }).click();
    const add = page.getByRole('form', { name: 'Add a workspace' });
    await add.getByLabel('Id', { exact: true }).fill('webapp');
    await add.getByLabel('Repository folder').fill(repo);
    await add.getByRole('button', { name: 'Add workspace' }).click();
    await page
      .getByRole('table', { name: 'Workspaces' })
      .getByRole('row', { name: /^webapp/ })
      .waitFor();
    await nav('Plans');
    await page.getByRole('heading', { name: 'New plan' }).waitFor();
    await selectTask();
    await taskForm().getByLabel('Workspace', { exact: true }).selectOption('webapp');
    await taskForm().getByLabel('Review', { exact: true }).selectOption('diff');
    await taskForm().getByLabel('On conflict').selectOption('ask');
    // The workspace has no checks yet: the task says so, with the way to add them.
    expect(await taskForm().locator('.checks-none').textContent()).toContain('workspace webapp has none yet');
    // After the workspace's checks: one fix round, then a person reviews what still fails.
    await taskForm().getByLabel('Fix rounds').fill('1');
    await taskForm().getByLabel('Fix rounds').press('Enter');
    await taskForm().getByLabel('On checks failed').selectOption('review');
    await expect.poll(() => checks().textContent()).toContain('ready to run');
    expect(await checks().textContent()).not.toContain('workspace');
    for (const scheme of ['light', 'dark'] as const) await expectReadableIn(page, scheme);
    await page.screenshot({ path: join(shots, 'coding-plan.png') });
  });

  it('saves the plan with its workspace, review and on_conflict', async () => {
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.getByRole('button', { name: 'Edit plan' }).waitFor();
    const stored = (await baton.rpc('plans.get', { plan_id: 'new-plan' })).value as {
      plan: { tasks: Record<string, unknown>[] };
    };
    expect(stored.plan.tasks[0]).toMatchObject({
      task_id: 'task-001',
      required_skills: ['code'],
      workspace: 'webapp',
      review: 'diff',
      on_conflict: 'ask',
      fix_rounds: 1,
      on_checks_failed: 'review',
    });
  });

  it('flags a workspace the plan names that is no longer registered, and keeps it in the list, marked', async () => {
    expect((await baton.rpc('workspaces.remove', { workspace_id: 'webapp' })).ok).toBe(true);
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await expect
      .poll(() => checks().textContent())
      .toContain('task-001 tasks[0].workspace: unknown workspace "webapp"');
    await selectTask();
    const workspace = taskForm().getByLabel('Workspace', { exact: true });
    await expect
      .poll(() => workspace.locator('option:checked').textContent())
      .toBe('webapp (not registered)');
    await page.getByRole('button', { name: 'Discard' }).click();
  });

  it('says what is wrong with the program an agent names itself, rather than that PATH lacks it', async () => {
    const missing = join(dir, 'bin', 'claude');
    const plain = join(dir, 'claude-plain');
    writeFileSync(plain, 'not a program');
    await baton.rpc('agents.import', {
      agents: [
        { id: 'gone', kind: 'coding', cli: 'claude', protocol: 'stream', executable: missing, skills: ['x'] },
        { id: 'plain', kind: 'coding', cli: 'claude', protocol: 'stream', executable: plain, skills: ['x'] },
      ],
    });
    await nav('Agents');
    const claude = page
      .getByRole('region', { name: 'Coding CLIs on this machine' })
      .getByRole('listitem', { name: 'Claude Code' });
    await expect.poll(() => claude.textContent()).toContain(`gone runs ${missing}: no file at ${missing}`);
    expect(await claude.textContent()).toContain(`plain runs ${plain}: ${plain} is not executable`);
    // Neither looks on PATH: the list does not blame it.
    expect(await claude.textContent()).not.toContain('not found on PATH');
  });
});
