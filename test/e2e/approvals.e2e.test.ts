import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

describe.skipIf(skipE2e)('the approvals inbox', () => {
  let baton: Baton;
  let page: Page;
  let rpc: Baton['rpc'];

  beforeAll(async () => {
    baton = await launchBaton('approvals', { width: 1400, height: 860 });
    ({ page, rpc } = baton);
    await rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'release',
        tasks: [
          { task_id: 'build', description: 'Build it', required_skills: ['x'] },
          {
            task_id: 'deploy',
            description: 'Deploy to production',
            required_skills: ['x'],
            requires_approval: true,
            depends_on: ['build'],
          },
          {
            task_id: 'review',
            description: 'Review the release notes',
            required_skills: ['review'],
            depends_on: ['build'],
          },
        ],
      },
    });
    await rpc('runs.start', { plan_id: 'release' });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  it('counts the run’s tasks live while it waits for an approval', async () => {
    // The engine sends the run row (with counts) only with its build log, and nothing is written
    // while the run waits: the summary follows the tasks themselves.
    await page
      .getByRole('link', { name: /^release/ })
      .first()
      .click();
    const result = page.getByRole('region', { name: 'Run result' });
    await expect.poll(() => result.getByText(/of 3 done/).textContent()).toContain('1 of 3 done');
    expect(await result.getByText(/of 3 done/).textContent()).toContain('1 awaiting approval');
  });

  it('shows pending approvals with a count badge, and approving lets the branch go on', async () => {
    const nav = page.getByRole('link', { name: 'Approvals, 1 pending' });
    await expect.poll(() => nav.isVisible()).toBe(true);
    await nav.click();
    const card = page.getByRole('region', { name: 'Approval for deploy' });
    await expect.poll(() => card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain('Deploy to production');
    expect(await card.textContent()).toContain('the plan requires approval for this task');
    // What is being approved: what its dependency produced, its status and its output's fields.
    const dep = card.getByRole('list', { name: 'Dependencies of deploy' }).getByRole('listitem', {
      name: 'Dependency build',
    });
    expect(await dep.locator('.dep-head').textContent()).toBe('builddone');
    expect(await dep.getByRole('term').count()).toBeGreaterThan(0);
    await card.getByLabel('Comment on deploy').fill('ship it');
    await page.screenshot({ path: join(shots, 'approvals.png') });
    await card.getByRole('button', { name: 'Approve' }).click();
    // The first decision asks who decides (once): the name goes into the audit log.
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByRole('radio', { name: /Someone else/ }).check();
    await who.getByLabel('Your name').fill('Bo');
    await who.getByRole('button', { name: 'I am Bo' }).click();
    await expect.poll(() => card.count()).toBe(0);
    await expect.poll(() => page.getByRole('link', { name: 'Approvals' }).isVisible()).toBe(true);
    // Sent once its undo window is over.
    await expect
      .poll(async () => JSON.stringify((await rpc('audit.list', { query: 'ship it' })).value))
      .toContain('"actor":"Bo"');
    // The task's history in the run view says who approved it, with the comment.
    await page.getByRole('link', { name: 'Plans', exact: true }).click();
    await page
      .getByRole('link', { name: /^release/ })
      .first()
      .click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task deploy/ })
      .click();
    const detail = page.getByRole('region', { name: 'Task deploy details' });
    await detail.getByText('History', { exact: true }).click();
    const history = detail.getByRole('list', { name: 'History of deploy' });
    await expect
      .poll(() => history.textContent())
      .toContain('approval approved by Bo: approval_required for task "deploy": ship it');
    const text = await history.textContent();
    expect(text).toContain('approval asked by engine: approval_required for task "deploy"');
    expect(text).toContain('awaiting_approval → ready by Bo: approved by Bo');
    await page.getByRole('link', { name: /^Approvals/ }).click();
  });

  it('lets a person take and complete their task', async () => {
    // Bo is none of the human agents: My tasks says so, and being Ana is one choice away.
    await page.getByRole('link', { name: /^My tasks/ }).click();
    const mine = page.getByRole('region', { name: 'My tasks' });
    await mine.getByRole('button', { name: 'Choose who you are…' }).click();
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByRole('radio', { name: /Ana/ }).check();
    await who.getByRole('button', { name: 'I am Ana' }).click();
    await mine
      .getByRole('row', { name: 'Task review to take' })
      .getByRole('button', { name: 'Take it' })
      .click();
    const held = mine.getByRole('listitem', { name: 'Task review in progress' });
    await expect.poll(() => held.isVisible()).toBe(true);
    // A task taken still says what it is, and what its dependencies produced.
    await expect.poll(() => held.textContent()).toContain('Review the release notes');
    expect(await held.textContent()).toContain('plan release');
    await held.getByText('What it builds on (1)').click();
    expect(
      await held
        .getByRole('list', { name: 'Dependencies of review' })
        .getByRole('listitem', { name: 'Dependency build' })
        .locator('.dep-head')
        .textContent(),
    ).toBe('builddone');
    await held.getByLabel('Answer for review').fill('Notes read: fine.');
    // A file handed in with the answer becomes the task's artifact.
    await held.getByLabel('Files for review').setInputFiles({
      name: 'review.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Review\nAll good.\n'),
    });
    await held.getByRole('button', { name: 'Complete' }).click();
    await expect.poll(() => held.count()).toBe(0);
    // The focus does not fall to the page: no card is left, so it is on the heading.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.startsWith('Tasks for Ana')))
      .toBe(true);
    const run = (await baton.runsOf('release'))[0]!.id;
    const artifacts = (await rpc('runs.taskArtifacts', { run_id: run, task_id: 'review' }))
      .value as unknown as {
      name: string;
      size: number;
    }[];
    expect(artifacts.map((a) => [a.name, a.size])).toEqual([['review.md', 19]]);
    await page.getByRole('link', { name: 'Plans', exact: true }).click();
    await page.getByRole('link', { name: /release/ }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: completed' }).isVisible())
      .toBe(true);
  });

  it('moves the focus to the next card after a decision made with the keyboard, then to the heading', async () => {
    await rpc('plans.import', {
      plan: {
        plan_id: 'gates',
        tasks: ['first', 'second'].map((id) => ({
          task_id: id,
          description: `Gate ${id}`,
          required_skills: ['x'],
          requires_approval: true,
        })),
      },
    });
    await rpc('runs.start', { plan_id: 'gates' });
    await page.getByRole('link', { name: /^Approvals/ }).click();
    const inbox = page.getByRole('region', { name: 'Pending approvals' });
    await expect.poll(() => inbox.getByRole('listitem', { name: /^Approval for / }).count()).toBe(2);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.getAttribute('aria-label') ?? el?.tagName ?? null;
      });
    const [firstCard, secondCard] = await inbox
      .getByRole('listitem', { name: /^Approval for / })
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('aria-label') ?? ''));
    // The first is shown in full beside the list; its answers are there.
    await inbox.getByRole('region', { name: firstCard }).getByRole('button', { name: 'Approve' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => inbox.getByRole('listitem', { name: /^Approval for / }).count()).toBe(1);
    await expect.poll(focused).toBe(secondCard);
    // From the card, Tab reaches its fields and buttons; rejecting the last one leaves the heading focused.
    await inbox.getByRole('region', { name: secondCard }).getByRole('button', { name: 'Reject' }).focus();
    await page.keyboard.press('Enter');
    // Rejecting asks first: the focus is in its optional comment, then "Keep it waiting", then the reject.
    const ask = page.getByRole('alertdialog', { name: /^Reject / });
    await ask.waitFor();
    await page.keyboard.type('not now');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => inbox.getByRole('listitem', { name: /^Approval for / }).count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Waiting for a decision (0)');
  });

  it('says before a run when the plan’s budget across runs is already spent by earlier runs', async () => {
    await rpc('plans.import', {
      plan: {
        plan_id: 'budgeted',
        budget: 2,
        budget_scope: 'plan',
        tasks: [{ task_id: 't', description: 'costs 2', required_skills: ['x'], estimated_cost: 2 }],
      },
    });
    const started = (await rpc('runs.start', { plan_id: 'budgeted' })).value as { run_id: string };
    await expect
      .poll(
        async () => ((await rpc('runs.get', { run_id: started.run_id })).value as { status: string }).status,
      )
      .toBe('completed');
    await page.getByRole('link', { name: 'Plans', exact: true }).click();
    await page
      .getByRole('link', { name: /^budgeted/ })
      .first()
      .click();
    const note = page.getByRole('note', { name: 'Budget spent' });
    await expect.poll(() => note.textContent()).toContain('spent 2 of its budget of 2 over all its runs');
  });

  it('asks before rejecting, as cancelling does, with an optional comment and a red reject', async () => {
    await rpc('plans.import', {
      plan: {
        plan_id: 'gated',
        tasks: [
          { task_id: 'ship', description: 'Ship it', required_skills: ['x'], requires_approval: true },
          { task_id: 'tell', description: 'Tell everyone', required_skills: ['x'], depends_on: ['ship'] },
        ],
      },
    });
    const run = (await rpc('runs.start', { plan_id: 'gated' })).value as { run_id: string };
    await page.getByRole('link', { name: /^Approvals/ }).click();
    const card = page.getByRole('region', { name: 'Approval for ship' });
    await card.getByRole('button', { name: 'Reject' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Reject ship?' });
    await ask.waitFor();
    expect(await ask.textContent()).toContain('ship and the tasks that depend on it are skipped');
    // Saying no leaves the approval waiting.
    await ask.getByRole('button', { name: 'Keep it waiting' }).click();
    await expect.poll(() => ask.isVisible()).toBe(false);
    expect(await card.isVisible()).toBe(true);
    // The reject is red, as every confirmation that throws work away (the accent is for going on).
    await card.getByRole('button', { name: 'Reject' }).click();
    const reject = ask.getByRole('button', { name: 'Reject ship' });
    const colours = await reject.evaluate((el) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--failed)';
      document.body.append(probe);
      const failed = getComputedStyle(probe).color;
      probe.remove();
      return { background: getComputedStyle(el).backgroundColor, failed };
    });
    expect(colours.background).toBe(colours.failed);
    await ask.getByLabel('Why reject ship (optional)').fill('the release is on hold');
    await page.screenshot({ path: join(shots, 'approvals-reject.png') });
    await reject.click();
    await expect.poll(() => card.count()).toBe(0);
    const decided = async () =>
      (await rpc('approvals.list', { status: 'rejected' })).value as unknown as {
        task_id: string;
        comment: string | null;
      }[];
    await expect
      .poll(async () => (await decided()).find((d) => d.task_id === 'ship')?.comment)
      .toBe('the release is on hold');
    await expect
      .poll(
        async () =>
          (
            (await rpc('runs.get', { run_id: run.run_id })).value as {
              tasks: { task_id: string; status: string }[];
            }
          ).tasks.find((t) => t.task_id === 'tell')?.status,
      )
      .toBe('skipped');
  });
});
