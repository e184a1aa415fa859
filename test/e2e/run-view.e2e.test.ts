import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** A task in the run comparison: a row for each run, the first run's above the second's. */
const compared = (table: Locator, taskId: string) => table.getByRole('rowgroup', { name: taskId });
/** A compared task's statuses, each named with its run as a screen reader reads it. */
const statuses = (task: Locator) => task.locator('tr > td:first-of-type').allTextContents();

describe.skipIf(skipE2e)('the run view and build logs', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('runview');
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'writer', skills: ['write'] },
        { id: 'generalist', skills: ['write', 'code', 'test'] },
        {
          id: 'tester',
          kind: 'command',
          skills: ['test'],
          command: process.execPath,
          args: [
            '-e',
            "console.log('checking the build'); console.log('::progress 50 halfway'); console.error('3 tests failed'); process.exit(3)",
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'ship',
        tasks: [
          { task_id: 'notes', description: 'Write release notes', required_skills: ['write'] },
          {
            task_id: 'tests',
            description: 'Run the tests',
            required_skills: ['test'],
            agent: 'tester',
            depends_on: ['notes'],
            retry: { max_attempts: 2, backoff: { initial_ms: 0, jitter: 0 } },
          },
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'ship' });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  it('explains why an agent was chosen and shows what a failed task logged', async () => {
    const result = page.getByRole('region', { name: 'Run result' });
    await expect
      .poll(() => result.getByRole('status', { name: 'Run status: failed' }).isVisible())
      .toBe(true);
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await graph.getByRole('article', { name: 'Task notes: Done' }).click();
    const notes = page.getByRole('region', { name: 'Task notes details' });
    await expect.poll(() => notes.textContent()).toContain('writer: total');
    await notes.getByRole('tab', { name: 'Why this agent' }).click();
    expect(await notes.getByRole('list', { name: 'Rejected agents' }).textContent()).toContain(
      'generalist: lower score',
    );
    await graph.getByRole('article', { name: 'Task tests: Failed' }).click();
    const tests = page.getByRole('region', { name: 'Task tests details' });
    await expect.poll(() => tests.textContent()).toContain('command exited with code 3');
    await expect.poll(() => tests.locator('pre.log').textContent()).toContain('checking the build');
    expect(await tests.locator('pre.log').textContent()).toContain('! 3 tests failed');
    // The plan lets the task try twice: the details say which attempt of how many this was.
    expect(await tests.locator('dt:text-is("Attempt") + dd').textContent()).toBe('2 of 2');
    // Both attempts are listed, each with its agent and how it ended.
    await tests.getByRole('tab', { name: /^Attempts/ }).click();
    const attempts = tests.getByRole('table', { name: 'Attempts of tests' });
    await expect.poll(() => attempts.locator('tbody tr').count()).toBe(2);
    const rows = await attempts.locator('tbody tr').allTextContents();
    for (const [i, row] of rows.entries()) {
      expect(row).toMatch(new RegExp(`^${i + 1}tester.+failed: command exited with code 3`));
    }
    // Tab goes from task to task in the run's graph: its edges are not focusable.
    expect(await graph.locator('.react-flow__edge').count()).toBe(1);
    expect(await graph.locator('.react-flow__edge[tabindex="0"]').count()).toBe(0);
    // The minimap colours each task with the theme's status colour.
    const minimap = await page.evaluate(() => {
      const colour = (v: string) => {
        const probe = document.createElement('div');
        probe.style.color = `var(${v})`;
        document.body.append(probe);
        const c = getComputedStyle(probe).color;
        probe.remove();
        return c;
      };
      const fills = [...document.querySelectorAll('.react-flow__minimap-node')].map(
        (r) => getComputedStyle(r).fill,
      );
      return { fills: fills.sort(), want: [colour('--done'), colour('--failed')].sort() };
    });
    expect(minimap.fills).toEqual(minimap.want);
    await page.screenshot({ path: join(shots, 'run-view.png') });
    await tests.getByRole('button', { name: 'Retry in a new run' }).click();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Select run' }).locator('option').count())
      .toBe(2);
  });

  it('shows tasks a decider adds to the running graph, with its reasoning', async () => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'decided',
        decider: { kind: 'rules' },
        tasks: [
          { task_id: 'intro', description: 'Say what this is', required_skills: ['write'] },
          { task_id: 'orphan', description: 'Needs a skill nobody has', required_skills: ['alchemy'] },
        ],
      },
    });
    await page.getByRole('link', { name: /decided/ }).click();
    await page.getByRole('button', { name: 'Run plan' }).click();
    const graph = page.getByRole('region', { name: 'Plan graph' });
    const added = graph.getByRole('article', { name: 'Task escalation-1: Awaiting approval' });
    await expect.poll(() => added.isVisible()).toBe(true);
    expect(await added.getAttribute('title')).toContain('approval: Task "orphan" ended unassigned');
    await page.getByRole('link', { name: /ship/ }).click();
  });

  it('shows live progress in the node and cancels a running task', async () => {
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'sleeper',
          kind: 'command',
          skills: ['wait'],
          command: process.execPath,
          args: [
            '-e',
            "console.log('::progress 40 waiting'); setTimeout(() => console.log('::result {}'), 30000)",
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'slow',
        tasks: [{ task_id: 'nap', description: 'Wait a while', required_skills: ['wait'] }],
      },
    });
    await page.getByRole('link', { name: /^slow/ }).click();
    await page.getByRole('button', { name: 'Run plan' }).click();
    const bar = page.getByRole('progressbar', { name: 'nap progress' });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('40');
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /Task nap/ })
      .click();
    const details = page.getByRole('region', { name: 'Task nap details' });
    // Cancelling asks first; saying no leaves the task running.
    await details.getByRole('button', { name: 'Cancel task' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Cancel task nap?' });
    expect(await confirm.textContent()).toContain('cancelled by you');
    await confirm.getByRole('button', { name: 'Keep the task' }).click();
    expect(await confirm.isVisible()).toBe(false);
    expect(await page.getByRole('status', { name: 'Run status: executing' }).isVisible()).toBe(true);
    await details.getByRole('button', { name: 'Cancel task' }).click();
    await confirm.getByRole('button', { name: 'Yes, cancel the task' }).click();
    // The first thing recorded in your name asks who you are (once).
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByLabel('Your name').fill('me');
    await who.getByRole('button', { name: 'I am me' }).click();
    // Nothing failed and a task was cancelled: the run ends cancelled, and says who cancelled.
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: cancelled' }).isVisible())
      .toBe(true);
    expect(await details.textContent()).toContain('Cancelled');
    expect(await details.textContent()).toContain('cancelled by me');
    // A whole run is cancelled the same way, and the audit log names who did it.
    await page.getByRole('button', { name: 'Run plan' }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: executing' }).isVisible())
      .toBe(true);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page
      .getByRole('alertdialog', { name: 'Cancel this run?' })
      .getByRole('button', { name: 'Yes, cancel the run' })
      .click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: cancelled' }).isVisible())
      .toBe(true);
    const runs = await baton.runsOf('slow');
    const audit = (await baton.rpc('audit.list', { run_id: runs[0]!.id })).value as unknown as {
      entity: string;
      actor: string;
    }[];
    expect(audit.find((e) => e.entity === 'run' && e.actor !== 'engine')).toMatchObject({ actor: 'me' });
    await page.getByRole('link', { name: /^ship/ }).click();
  });

  it('says which attempt of how many and when the next starts; Escape closes the details', async () => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'flaky',
        tasks: [
          {
            task_id: 'check',
            description: 'Check, and fail',
            required_skills: ['test'],
            agent: 'tester',
            // Ten minutes: the details are looked at while the next attempt waits, however slow the
            // machine (a minute was not always enough beside busy loops); the run is cancelled after.
            // (max_ms too: the wait is capped at one minute by default.)
            retry: { max_attempts: 3, backoff: { initial_ms: 600_000, max_ms: 600_000, jitter: 0 } },
          },
        ],
      },
    });
    await page.getByRole('link', { name: /^flaky/ }).click();
    await page.getByRole('button', { name: 'Run plan' }).click();
    const node = page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task check/ });
    await expect.poll(() => node.isVisible()).toBe(true);
    await node.click();
    const details = page.getByRole('region', { name: 'Task check details' });
    await expect
      .poll(() => details.locator('dt:text-is("Next attempt") + dd').count())
      .toBe(1)
      .catch(async (err: unknown) => {
        // What the task came to, to say why (twice in CI the one-minute wait it had then closed first).
        const runs = (await baton.rpc('runs.list', {})) as unknown as {
          value?: { id: string; plan_id: string }[];
        };
        const run = runs.value?.find((r) => r.plan_id === 'flaky');
        const got = run ? await baton.rpc('runs.get', { run_id: run.id }) : null;
        throw new Error(`${String(err)}
${JSON.stringify(got).slice(0, 2000)}`);
      });
    expect(await details.locator('dt:text-is("Attempt") + dd').textContent()).toBe('1 of 3');
    expect(await details.locator('dt:text-is("Next attempt") + dd').textContent()).toMatch(
      /^2 of 3 at .+, in (\d+ min )?\d+(\.\d)? s$/,
    );
    // Escape in a dialog opened from the details closes the dialog only.
    await details.getByRole('button', { name: 'Cancel task' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Cancel task check?' });
    expect(await confirm.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await confirm.isVisible()).toBe(false);
    expect(await details.isVisible()).toBe(true);
    // Escape in the details closes them, and the focus goes to the task's card.
    await details.getByRole('button', { name: 'Close task details' }).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => details.count()).toBe(0);
    const focused = () =>
      page.evaluate(() => document.activeElement?.closest('.react-flow__node')?.getAttribute('data-id'));
    expect(await focused()).toBe('check');
    // Escape on the card in the graph closes them too; the card keeps the focus.
    await page.keyboard.press('Enter');
    await expect.poll(() => details.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => details.count()).toBe(0);
    expect(await focused()).toBe('check');
    const runs = await baton.runsOf('flaky');
    await baton.rpc('runs.cancel', { run_id: runs[0]!.id });
    await page.getByRole('link', { name: /^ship/ }).click();
  });

  it('shows the run as a timeline and compares two runs task by task', async () => {
    // The plan's tabs follow the ARIA pattern: arrows, Home and End move between them.
    const tabs = page.getByRole('tablist', { name: 'Plan views' });
    await tabs.getByRole('tab', { name: 'Graph' }).focus();
    await page.keyboard.press('ArrowRight');
    const timelineTab = tabs.getByRole('tab', { name: 'Timeline' });
    expect(await timelineTab.getAttribute('aria-selected')).toBe('true');
    expect(await timelineTab.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await tabs.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('End');
    expect(await tabs.getByRole('tab', { name: /^Versions/ }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    expect(await tabs.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await tabs.getByRole('tab', { name: /^Versions/ }).getAttribute('aria-selected')).toBe('true');
    await tabs.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByRole('region', { name: 'Run timeline' });
    // Durations read as a person would; a retried task says which attempt its bar is.
    const bar = timeline.getByRole('img', {
      name: /^tests: Failed, attempt 2, started at \+\d+(\.\d)? (ms|s), ran \d+(\.\d)? (ms|s)$/,
    });
    await expect.poll(() => bar.count()).toBe(1);
    // Clicking a row, its bar included, opens the task's details as the graph does.
    const box = (await bar.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = page.getByRole('region', { name: 'Task tests details' });
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await timeline.getByRole('button', { name: 'Show task tests' }).getAttribute('aria-current')).toBe(
      'true',
    );
    await page.screenshot({ path: join(shots, 'run-timeline.png') });
    // Escape with the focus in the timeline closes them.
    await page.keyboard.press('Escape');
    await expect.poll(() => details.count()).toBe(0);
    await page.getByRole('tab', { name: 'Compare runs' }).click();
    const table = page.getByRole('table', { name: 'Run comparison' });
    await expect
      .poll(() => statuses(compared(table, 'tests')))
      .toEqual(['First run: Failed', 'Second run: Failed']);
    expect(await statuses(compared(table, 'notes'))).toEqual(['First run: Done', 'Second run: Done']);
    await page.getByRole('tab', { name: 'Graph' }).click();
  });

  it('compares every task of either run, marks what differs, and follows an executing run', async () => {
    // The first run of `decided` still waits for an approval of the task its decider added.
    // With an agent for `orphan`, a second run needs no escalation.
    await baton.rpc('agents.import', { agents: [{ id: 'alchemist', skills: ['alchemy'] }] });
    await page.getByRole('link', { name: /^decided/ }).click();
    await page.getByRole('button', { name: 'Run plan' }).click();
    // A run of it still executes (waiting for that approval): a second one is asked for first.
    await page
      .getByRole('alertdialog', { name: 'Start another run?' })
      .getByRole('button', { name: 'Start another run' })
      .click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: completed' }).isVisible())
      .toBe(true);
    await page.getByRole('tab', { name: 'Compare runs' }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    // The two pickers sit side by side.
    const first = (await compare.getByRole('combobox', { name: 'First run' }).boundingBox())!;
    const second = (await compare.getByRole('combobox', { name: 'Second run' }).boundingBox())!;
    expect(Math.abs(first.y - second.y)).toBeLessThan(2);
    const table = page.getByRole('table', { name: 'Run comparison' });
    const escalation = compared(table, 'escalation-1');
    await expect
      .poll(() => statuses(escalation))
      .toEqual(['First run: Awaiting approval', 'Second run: not in this run']);
    expect(await escalation.getAttribute('class')).toBe('differs');
    expect(await escalation.textContent()).toContain('added by the decider in the first run');
    const orphan = compared(table, 'orphan');
    expect(await statuses(orphan)).toEqual(['First run: Unassigned', 'Second run: Done']);
    expect(await orphan.getAttribute('class')).toBe('differs');
    const intro = compared(table, 'intro');
    expect(await statuses(intro)).toEqual(['First run: Done', 'Second run: Done']);
    expect(await intro.getAttribute('class')).toBeNull();
    expect(await compare.getByRole('status').textContent()).toBe(
      '2 of 3 tasks differ in status, agent or output.',
    );
    await compare.getByLabel('Differences only').check();
    await expect.poll(() => table.locator('tbody').count()).toBe(2);
    expect(await intro.count()).toBe(0);
    // The first run changes while it is compared: its row follows without reopening the tab.
    const runs = await baton.runsOf('decided');
    await baton.rpc('runs.cancel', { run_id: runs.find((r) => r.status === 'executing')!.id });
    await expect
      .poll(() => statuses(escalation))
      .toEqual(['First run: Cancelled', 'Second run: not in this run']);
    await page.screenshot({ path: join(shots, 'run-compare.png') });
    await compare.getByLabel('Differences only').uncheck();
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.getByRole('link', { name: /^ship/ }).click();
  });

  it('tells apart the different tasks two runs’ deciders added under the same id', async () => {
    // Each run's decider escalates the task no agent could take: the first run's escalation-1
    // is about weave-basket, the second run's about find-water.
    await baton.rpc('agents.import', { agents: [{ id: 'dowser', skills: ['dowsing'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'wells',
        decider: { kind: 'rules' },
        tasks: [
          { task_id: 'find-water', description: 'Find water', required_skills: ['dowsing'] },
          { task_id: 'weave-basket', description: 'Weave a basket', required_skills: ['weaving'] },
        ],
      },
    });
    const runUntilEscalated = async (done: string) => {
      const { run_id } = (await baton.rpc('runs.start', { plan_id: 'wells' })).value as { run_id: string };
      const taskStatuses = async () => {
        const run = (await baton.rpc('runs.get', { run_id })).value as unknown as {
          tasks: { task_id: string; status: string }[];
        };
        return Object.fromEntries(run.tasks.map((t) => [t.task_id, t.status]));
      };
      await expect.poll(taskStatuses).toMatchObject({ [done]: 'done', 'escalation-1': 'awaiting_approval' });
    };
    await runUntilEscalated('find-water');
    expect((await baton.rpc('agents.remove', { agent_id: 'dowser' })).ok).toBe(true);
    await baton.rpc('agents.import', { agents: [{ id: 'weaver', skills: ['weaving'] }] });
    await runUntilEscalated('weave-basket');
    await page.getByRole('link', { name: /^wells/ }).click();
    await page.getByRole('tab', { name: 'Compare runs' }).click();
    const table = page.getByRole('table', { name: 'Run comparison' });
    const escalation = compared(table, 'escalation-1');
    await expect.poll(() => escalation.textContent()).toContain('added by the decider in both runs');
    // Both wait for an approval, but they are not the same task: the row says so.
    expect(await statuses(escalation)).toEqual([
      'First run: Awaiting approval',
      'Second run: Awaiting approval',
    ]);
    expect(await escalation.getAttribute('class')).toBe('differs');
    const different = escalation.locator('.compare-note', { hasText: 'different tasks' });
    expect(await different.textContent()).toBe('different tasks: description and dependencies differ');
    // Each run's task says what it is in the tooltip.
    const tooltip = await different.getAttribute('title');
    expect(tooltip).toMatch(/^First run: A person decides how to go on: Task "weave-basket" ended/);
    expect(tooltip).toContain('Second run: A person decides how to go on: Task "find-water" ended');
    expect(await page.getByRole('region', { name: 'Compare runs' }).getByRole('status').textContent()).toBe(
      '3 of 3 tasks differ in status, agent or output.',
    );
  });

  it('fits the comparison in a 1024 × 768 window without scrolling sideways', async () => {
    await page.getByRole('link', { name: /^wells/ }).click();
    await page.getByRole('tab', { name: 'Compare runs' }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    const table = compare.getByRole('table', { name: 'Run comparison' });
    const escalation = compared(table, 'escalation-1');
    const water = compared(table, 'find-water');
    await expect.poll(() => escalation.textContent()).toContain('different tasks');
    const noSidewaysScroll = () =>
      compare.evaluate((el) => ({
        compare: el.scrollWidth <= el.clientWidth,
        page: document.documentElement.scrollWidth <= window.innerWidth,
      }));
    /** The text is all there: not cut short with an ellipsis, nor outside the comparison. */
    const whole = (l: Locator) =>
      l.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const area = el.closest('section')!.getBoundingClientRect();
        return el.scrollWidth <= Math.ceil(box.width) && box.left >= area.left && box.right <= area.right;
      });
    await page.setViewportSize({ width: 1024, height: 768 });
    try {
      await expect.poll(noSidewaysScroll).toEqual({ compare: true, page: true });
      // The task, both runs' statuses and agents, and the output can all be read.
      for (const text of [
        escalation.getByRole('rowheader'),
        escalation.getByText('added by the decider in both runs'),
        escalation.getByText('Awaiting approval').first(),
        water.getByRole('rowheader'),
        water.getByText('Done', { exact: true }),
        water.getByText('Unassigned', { exact: true }),
        water.getByText('dowser', { exact: true }),
      ]) {
        expect(await text.isVisible()).toBe(true);
        expect(await whole(text)).toBe(true);
      }
      // The comparison has the plan's whole width (no run panel beside it): every column shows.
      for (const column of ['Output', 'Duration', 'Cost']) {
        expect(await table.getByRole('columnheader', { name: column }).isVisible()).toBe(true);
      }
      expect(await page.getByRole('region', { name: 'Run result' }).count()).toBe(0);
      await page.screenshot({ path: join(shots, 'run-compare-1024.png') });
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
    const runs = await baton.runsOf('wells');
    for (const run of runs) await baton.rpc('runs.cancel', { run_id: run.id });
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.getByRole('link', { name: /^ship/ }).click();
  });

  it('opens the plan’s build logs from the run, filtered, and reads the audit log', async () => {
    await page.getByRole('link', { name: 'Open the build logs of this plan' }).click();
    const list = page.getByRole('list', { name: 'Memory entries' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2); // two runs, one build_log each
    expect(await page.getByLabel('Type').inputValue()).toBe('build_log');
    const first = list.getByRole('listitem').first().getByRole('button').first();
    await first.click();
    const entry = page.getByRole('region', { name: 'Entry details' });
    expect(await entry.textContent()).toContain('build_log');
    expect(await entry.getByRole('region', { name: 'Entry content' }).textContent()).toContain(
      '"delegated_tasks"',
    );
    expect(await first.getAttribute('aria-current')).toBe('true');
    // A search that leaves the open entry out says so; clearing it marks the entry again.
    await page.getByLabel('Search memory').fill('zzzz-no-such-words');
    await expect.poll(() => entry.textContent()).toContain('Not among the entries listed now');
    await page.getByLabel('Search memory').fill('');
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    await expect.poll(() => list.locator('[aria-current="true"]').count()).toBe(1);
    expect(await entry.textContent()).not.toContain('Not among');
    await page.getByRole('tab', { name: 'Audit log' }).click();
    // Each tab has its own open entry: none yet in the audit log.
    expect(await page.getByRole('complementary', { name: 'Entry' }).textContent()).toContain(
      'Select an entry to read it.',
    );
    await page.getByLabel('Search memory').fill('exited');
    const audit = page.getByRole('list', { name: 'Audit entries' });
    await expect.poll(() => audit.textContent()).toContain('in_progress → failed');
  });
});
