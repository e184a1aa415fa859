import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** What a coding task answers (CodingOutput): the branch, its commit, +/- and files. */
const CODING_RESULT = {
  workspace_id: 'web',
  branch: 'baton/run-1/code',
  commit: '0123456789abcdef0123',
  start_commit: 'fedcba9876543210fedc',
  files: [
    { path: 'src/app.ts', status: 'modified', additions: 3, deletions: 1 },
    { path: 'logo.png', status: 'added', additions: null, deletions: null },
  ],
  additions: 3,
  deletions: 1,
  summary: 'Added the greeting',
  session_id: null,
  diff_artifact: null,
};

// Approvals, My tasks and Projects as a newcomer meets them: a review queue, an inbox
// that says what comes to you, a settings page with its list beside its form.
describe.skipIf(skipE2e)('the inbox screens', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('inbox-screens', { width: 1400, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        {
          id: 'coder',
          kind: 'command',
          skills: ['code'],
          command: process.execPath,
          args: ['-e', `console.log('::result ' + ${JSON.stringify(JSON.stringify(CODING_RESULT))})`],
        },
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        tasks: [
          { task_id: 'build', description: 'Build it', required_skills: ['x'] },
          { task_id: 'code', description: 'Write the greeting', required_skills: ['code'] },
          {
            task_id: 'deploy',
            description: 'Deploy to production',
            required_skills: ['x'],
            requires_approval: true,
            depends_on: ['build', 'code'],
          },
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'release' });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const nav = (name: RegExp) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });

  it('shows the current approval beside the list: read on the left, answered on the right', async () => {
    await nav(/^Approvals/).click();
    const inbox = page.getByRole('region', { name: 'Pending approvals' });
    const card = inbox.getByRole('region', { name: 'Approval for deploy' });
    await card.waitFor();
    const deps = card.getByRole('list', { name: 'Dependencies of deploy' });
    const [cardBox, inboxBox, listBox, depsBox, commentBox] = await Promise.all([
      card.boundingBox(),
      inbox.boundingBox(),
      inbox.getByRole('list', { name: 'Approvals waiting' }).boundingBox(),
      deps.boundingBox(),
      card.getByLabel('Comment on deploy').boundingBox(),
    ]);
    // The list on the left, and the approval in the whole room beside it (not a third of it).
    expect(listBox!.x + listBox!.width).toBeLessThanOrEqual(cardBox!.x);
    expect(cardBox!.width).toBeGreaterThan(inboxBox!.width * 0.6);
    // The answer sits beside what it answers, not under it.
    expect(commentBox!.x).toBeGreaterThanOrEqual(depsBox!.x + depsBox!.width);
    expect(commentBox!.y).toBeLessThan(depsBox!.y + depsBox!.height);
    await page.screenshot({ path: join(shots, 'approvals-queue.png') });
  });

  it("lays out what an approval builds on: a coding task's branch, +/- and files, another's fields", async () => {
    const card = page.getByRole('region', { name: 'Approval for deploy' });
    const deps = card.getByRole('list', { name: 'Dependencies of deploy' });
    const code = deps.getByRole('listitem', { name: 'Dependency code' });
    const text = await code.textContent();
    expect(text).toContain('branch baton/run-1/code at 0123456789 +3 −1 in 2 files');
    const files = code.getByRole('list', { name: 'Changed files' }).getByRole('listitem');
    expect(await files.allTextContents()).toEqual(['src/app.ts +3 −1', 'logo.png binary · added']);
    expect(text).toContain('Added the greeting');
    // Not the raw output: no JSON braces, no "key: value · key: value" line.
    expect(text).not.toMatch(/[{}]|workspace_id/);
    // The echo agent's output is an object: one field a line, its name beside its value.
    const build = deps.getByRole('listitem', { name: 'Dependency build' });
    const names = await build.getByRole('term').allTextContents();
    expect(names).toContain('description');
    const values = await build.getByRole('definition').allTextContents();
    expect(values).toContain('Build it');
    expect(await build.textContent()).not.toContain('·');
  });

  it('keeps the answer under the card when the window is narrow, nothing past the right edge', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    const card = page.getByRole('region', { name: 'Approval for deploy' });
    const box = await card.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('says, with nothing for you, who you are, what comes here, and where the skills are set', async () => {
    await page.getByRole('button', { name: 'Say who you are' }).click();
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByRole('radio', { name: /Ana/ }).check();
    await who.getByRole('button', { name: 'I am Ana' }).click();
    await nav(/^My tasks/).click();
    const mine = page.getByRole('region', { name: 'My tasks' });
    const note = mine.getByRole('note', { name: 'Nothing waits for you' });
    await expect.poll(() => note.isVisible()).toBe(true);
    const text = await note.textContent();
    expect(text).toContain('Nothing waits for Ana right now.');
    expect(text).toContain('it needs review');
    expect(await mine.getByRole('note', { name: 'Whose tasks these are' }).textContent()).toContain(
      'The human agent ana, who covers review',
    );
    await page.screenshot({ path: join(shots, 'my-tasks-empty.png') });
    await note.getByRole('link', { name: 'See the agents and their skills' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
  });

  it('lists the tasks to take one a row: what it asks, its plan and run, since when it waits', async () => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'reviews',
        tasks: [
          { task_id: 'proofread', description: 'Proofread the notes', required_skills: ['review'] },
          { task_id: 'sign', description: 'Sign them off', required_skills: ['review'], priority: 'HIGH' },
        ],
      },
    });
    const run = (await baton.rpc('runs.start', { plan_id: 'reviews' })).value as { run_id: string };
    await nav(/^My tasks/).click();
    const table = page.getByRole('table', { name: 'Tasks to take' });
    await expect.poll(() => table.getByRole('row', { name: /to take$/ }).count()).toBe(2);
    const row = table.getByRole('row', { name: 'Task proofread to take' });
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toContain('Proofread the notes');
    expect(cells[0]).toContain('needs review');
    expect(cells[1]).toBe('reviews');
    expect(cells[2]).toBe(run.run_id);
    // Since when it waits: how long, not a dash; the exact time on hover.
    expect(cells[3]).toMatch(/^(just now|\d+ min ago)$/);
    expect(await row.getByRole('cell').nth(3).locator('time').getAttribute('title')).toMatch(
      /\d{1,2}:\d{2}:\d{2}/,
    );
    await page.screenshot({ path: join(shots, 'my-tasks-table.png') });
    // Taken, it leaves the table for the cards you answer.
    await row.getByRole('button', { name: 'Take it' }).click();
    const held = page
      .getByRole('list', { name: 'Tasks you hold' })
      .getByRole('listitem', { name: 'Task proofread in progress' });
    await expect.poll(() => held.isVisible()).toBe(true);
    expect(await table.getByRole('row', { name: 'Task proofread to take' }).count()).toBe(0);
    expect(await held.getByLabel('Answer for proofread').isVisible()).toBe(true);
  });

  it('shows Projects as a list beside its form, with no empty band above it', async () => {
    await nav(/^Projects/).click();
    const note = page.getByRole('note', { name: 'No projects yet' });
    const form = page.getByRole('form', { name: 'Project' });
    await note.waitFor();
    const [n, f] = await Promise.all([note.boundingBox(), form.boundingBox()]);
    expect(f!.x).toBeGreaterThanOrEqual(n!.x + n!.width);
    expect(Math.abs(f!.y - n!.y)).toBeLessThan(8);
    expect(await note.textContent()).toContain('set project_id in a plan');
  });

  it("lists each project's plans with their last run, which opens from there", async () => {
    await baton.rpc('projects.save', {
      id: 'launch',
      name: 'Spring launch',
      goal: 'Ship it',
      phase: 'building',
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'launch-notes',
        name: 'Launch notes',
        project_id: 'launch',
        tasks: [{ task_id: 'a', description: 'Write', required_skills: ['x'] }],
      },
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'launch-mail',
        name: 'Launch mail',
        project_id: 'launch',
        tasks: [{ task_id: 'a', description: 'Mail', required_skills: ['x'] }],
      },
    });
    const run = (await baton.rpc('runs.start', { plan_id: 'launch-notes' })).value as { run_id: string };
    await expect
      .poll(
        async () =>
          ((await baton.rpc('runs.get', { run_id: run.run_id })).value as { status: string }).status,
      )
      .toBe('completed');
    await page.reload();
    await nav(/^Projects/).click();
    const plans = page
      .getByRole('table', { name: 'Projects' })
      .getByRole('row', { name: /Spring launch/ })
      .getByRole('list', { name: 'Plans of launch' });
    await expect
      .poll(() => plans.getByRole('listitem').allTextContents())
      .toEqual(['Launch mail never run', 'Launch notes completed']);
    await page.screenshot({ path: join(shots, 'projects.png') });
    await plans.getByRole('link', { name: 'completed' }).click();
    await page.getByRole('status', { name: 'Run status: completed' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Launch notes' }).isVisible()).toBe(true);
  });
});
