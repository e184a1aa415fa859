import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** A 4×2 PNG, red and blue. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAE0lEQVR4nGO4o6EBRwwaAXfgCAB+CgoBay66bwAAAABJRU5ErkJggg==';

/** A command agent's program: leaves a text, a JSON, a diff and a picture, and answers at length. */
const WRITER = `
const fs = require('node:fs');
fs.writeFileSync('notes.txt', 'Release notes\\n- faster start\\n');
fs.writeFileSync('report.json', '{"score":0.93,"checks":[{"name":"lint","ok":true}]}');
fs.writeFileSync('change.diff', '--- a/app.ts\\n+++ b/app.ts\\n@@ -1,2 +1,2 @@\\n const a = 1;\\n-const b = 2;\\n+const b = 3;\\n');
fs.writeFileSync('chart.png', Buffer.from('${PNG}', 'base64'));
const items = Array.from({ length: 30 }, (_, i) => ({ item: i, note: 'a value long enough to need wrapping in a narrow panel '.repeat(2) }));
console.log('::result ' + JSON.stringify({ summary: 'wrote four files', items }));
`;

describe.skipIf(skipE2e)('the task panel', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('task-panel', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'writer', kind: 'command', skills: ['write'], command: process.execPath, args: ['-e', WRITER] },
        {
          id: 'flaky',
          kind: 'command',
          skills: ['check'],
          command: process.execPath,
          args: ['-e', 'console.log("::error the service answered 503")'],
        },
        { id: 'w', skills: ['x'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'report',
        tasks: [
          { task_id: 'write', description: 'Write the report', required_skills: ['write'] },
          { task_id: 'check', description: 'Check it', required_skills: ['check'], depends_on: ['write'] },
        ],
      },
    });
    const run = (await baton.rpc('runs.start', { plan_id: 'report' })).value as { run_id: string };
    for (let i = 0; i < 150; i++) {
      const r = (await baton.rpc('runs.get', { run_id: run.run_id })).value as { status: string };
      if (r.status !== 'executing') break;
      await new Promise((done) => setTimeout(done, 100));
    }
    // Who uses the page, so deciding does not ask (the identity test covers asking).
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Bo', agentId: null })),
    );
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const openTask = async (plan: string, task: string) => {
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: new RegExp(`^${plan}`) })
      .click();
    await page.getByRole('status', { name: /^Run status/ }).waitFor();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: new RegExp(`^Task ${task}`) })
      .click();
    const details = page.getByRole('region', { name: `Task ${task} details` });
    await details.waitFor();
    return details;
  };

  it('shows the output laid out, wrapped and folded, and copies it whole', async () => {
    const details = await openTask('report', 'write');
    // Per key first (the run-screens test reads that view); whole as JSON on asking.
    await details.getByRole('button', { name: 'View as JSON' }).click();
    const output = details.getByRole('region', { name: 'Output of write' });
    await expect.poll(() => output.textContent()).toContain('"summary": "wrote four files"');
    // Wrapped: nothing runs off the panel sideways.
    expect(await output.locator('pre').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    // Folded to its first lines, then whole.
    const lines = () => output.locator('pre').evaluate((el) => (el.textContent ?? '').split('\n').length);
    expect(await lines()).toBe(14);
    const all = details.getByRole('button', { name: /^Show all \d+ lines$/ });
    await all.click();
    expect(await lines()).toBeGreaterThan(100);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await details.getByRole('button', { name: 'Copy the output of write' }).click();
    await expect
      .poll(() => details.getByRole('button', { name: 'Copy the output of write' }).textContent())
      .toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(copied)).toMatchObject({ summary: 'wrote four files', items: expect.any(Array) });
  });

  it('opens each artifact in a viewer of its kind', async () => {
    const details = page.getByRole('region', { name: 'Task write details' });
    const open = async (name: string) => {
      await details.getByRole('button', { name: `Open ${name}` }).click();
      const viewer = page.getByRole('dialog', { name: `Artifact ${name}` });
      await viewer.waitFor();
      return viewer;
    };
    let viewer = await open('notes.txt');
    await expect.poll(() => viewer.locator('pre').textContent()).toBe('Release notes\n- faster start\n');
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => viewer.isVisible()).toBe(false);

    viewer = await open('report.json');
    await expect
      .poll(() => viewer.locator('pre').textContent())
      .toContain('"checks": [\n    {\n      "name": "lint"');
    await page.keyboard.press('Escape');

    viewer = await open('change.diff');
    const diff = viewer.getByRole('region', { name: 'Diff' });
    await expect.poll(() => diff.locator('.diff-add').textContent()).toBe('+const b = 3;\n');
    expect(await diff.locator('.diff-del').textContent()).toBe('-const b = 2;\n');
    expect(await viewer.textContent()).toContain('+1 −1 lines');
    await page.screenshot({ path: join(shots, 'artifact-diff.png') });
    await page.keyboard.press('Escape');

    viewer = await open('chart.png');
    const img = viewer.getByRole('img', { name: 'chart.png' });
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(4);
    await page.keyboard.press('Escape');
  });

  it('downloads an artifact as the bytes it was recorded with', async () => {
    const details = page.getByRole('region', { name: 'Task write details' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      details.getByRole('button', { name: 'Download chart.png' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('chart.png');
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    const run = (await baton.runsOf('report'))[0]!.id;
    const [chart] = (
      (await baton.rpc('runs.taskArtifacts', { run_id: run, task_id: 'write' })).value as unknown as {
        name: string;
        sha256: string;
      }[]
    ).filter((a) => a.name === 'chart.png');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(chart!.sha256);
  });

  it('says what retrying a failed task of a finished run does, and does it', async () => {
    const details = await openTask('report', 'check');
    expect(await details.textContent()).toContain(
      'A new run in which check and every task after it run again; the tasks before it are reused',
    );
    await details.getByRole('button', { name: 'Retry in a new run' }).click();
    await expect.poll(async () => (await baton.runsOf('report')).length).toBe(2);
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Select run' }).locator('option').count())
      .toBe(2);
  });

  it('approves and rejects where the task is', async () => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'gated',
        tasks: [
          { task_id: 'ship', description: 'Ship it', required_skills: ['x'], requires_approval: true },
          {
            task_id: 'drop',
            description: 'Drop the old one',
            required_skills: ['x'],
            requires_approval: true,
          },
          { task_id: 'tell', description: 'Tell everyone', required_skills: ['x'], depends_on: ['drop'] },
        ],
      },
    });
    const run = ((await baton.rpc('runs.start', { plan_id: 'gated' })).value as { run_id: string }).run_id;
    let details = await openTask('gated', 'ship');
    await expect.poll(() => details.textContent()).toContain('Waits for your decision');
    expect(await details.textContent()).toContain('the plan requires approval for this task');
    await details.getByLabel('Comment on ship').fill('go');
    await page.screenshot({ path: join(shots, 'task-panel-approval.png') });
    await details.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => details.getByRole('heading').textContent()).toContain('Done');

    details = await openTask('gated', 'drop');
    await details.getByRole('button', { name: 'Reject' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Reject drop?' });
    await ask.getByLabel('Why reject drop (optional)').fill('not yet');
    await ask.getByRole('button', { name: 'Reject drop' }).click();
    await expect.poll(() => details.getByRole('heading').textContent()).toContain('Skipped');
    const decided = (await baton.rpc('approvals.list', { status: 'rejected' })).value as unknown as {
      task_id: string;
      actor: string;
      comment: string;
    }[];
    expect(decided).toEqual([expect.objectContaining({ task_id: 'drop', actor: 'Bo', comment: 'not yet' })]);
    const tell = (
      (await baton.rpc('runs.get', { run_id: run })).value as { tasks: { task_id: string; status: string }[] }
    ).tasks.find((t) => t.task_id === 'tell');
    expect(tell?.status).toBe('skipped');
  });

  it('shows the files a task produced as it finishes, with its panel open all along', async () => {
    const go = baton.signalFile('go');
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'later',
          kind: 'command',
          skills: ['later'],
          command: process.execPath,
          args: [
            '-e',
            `const fs = require('node:fs');
            const t = setInterval(() => {
              if (!fs.existsSync(${JSON.stringify(go)})) return;
              clearInterval(t);
              fs.writeFileSync('summary.txt', 'all good\\n');
              console.log('::result {}');
            }, 50);`,
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'later',
        tasks: [{ task_id: 'sum', description: 'Sum up', required_skills: ['later'] }],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'later' });
    const details = await openTask('later', 'sum');
    await expect.poll(() => details.getByRole('heading').first().textContent()).toContain('In progress');
    expect(await details.getByRole('heading', { name: /^Files/ }).count()).toBe(0);
    writeFileSync(go, '');
    await expect.poll(() => details.getByRole('heading').first().textContent()).toContain('Done');
    await details.getByRole('heading', { name: 'Files (1)' }).waitFor();
    expect(await details.getByRole('button', { name: 'Open summary.txt' }).isVisible()).toBe(true);
  });
});
