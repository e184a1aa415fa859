import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** Fails the first time (leaving a mark in `dir`), answers the next: a service that was briefly down. */
const FLAKY = `
const fs = require('node:fs');
const mark = require('node:path').join(process.argv[1], 'tried');
if (fs.existsSync(mark)) console.log('::result {"rows":3}');
else { fs.writeFileSync(mark, ''); console.log('::error the service answered 503'); process.exit(1); }
`;

/**
 * Retry in the UI: a failed task retried inside its running run from the task panel (as
 * Airflow clears a task), after a yes, and a skipped task pointing at the failed one it waits on.
 */
describe.skipIf(skipE2e)('retrying a task inside its running run', () => {
  let baton: Baton;
  let page: Page;
  let marks: string;
  let runId: string;

  beforeAll(async () => {
    marks = mkdtempSync(join(tmpdir(), 'baton-retry-marks-'));
    baton = await launchBaton('task-retry', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'fetcher',
          kind: 'command',
          skills: ['fetch'],
          command: process.execPath,
          args: ['-e', FLAKY, marks],
          // It keeps its mark in a folder of the test's: its sandbox lets it write there.
          sandbox: { write_allow: [marks] },
        },
        { id: 'writer', skills: ['write'] },
        // A person's task keeps the run executing after the fetch fails.
        { id: 'ana', kind: 'human', skills: ['sign'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'nightly',
        tasks: [
          { task_id: 'fetch', description: 'Fetch the rows', required_skills: ['fetch'] },
          {
            task_id: 'report',
            description: 'Write the report',
            required_skills: ['write'],
            depends_on: ['fetch'],
          },
          { task_id: 'sign', description: 'Sign it off', required_skills: ['sign'] },
        ],
      },
    });
    runId = ((await baton.rpc('runs.start', { plan_id: 'nightly' })).value as { run_id: string }).run_id;
    const status = async (task: string) =>
      (
        (await baton.rpc('runs.get', { run_id: runId })).value as {
          tasks: { task_id: string; status: string }[];
        }
      ).tasks.find((t) => t.task_id === task)?.status;
    for (let i = 0; i < 300 && (await status('report')) !== 'skipped'; i++)
      await new Promise((done) => setTimeout(done, 100));
    expect(await status('fetch')).toBe('failed');
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Bo', agentId: null })),
    );
    await page.goto(baton.server.url);
  });
  afterAll(async () => {
    await baton?.close();
    rmSync(marks, { recursive: true, force: true });
  });

  const openTask = async (task: string) => {
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: new RegExp(`^Task ${task}`) })
      .click();
    const details = page.getByRole('region', { name: `Task ${task} details` });
    await details.waitFor();
    return details;
  };

  it('points a skipped task at the failed task it waits on', async () => {
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^nightly/ })
      .click();
    await page.getByRole('status', { name: /^Run status/ }).waitFor();
    const details = await openTask('report');
    await expect.poll(() => details.textContent()).toContain('Skipped because fetch ended without its work');
    expect(await details.getByRole('button', { name: 'Retry fetch' }).isVisible()).toBe(true);
    // Nothing says "in a new run" while the run goes on.
    expect(await details.getByRole('button', { name: 'Retry in a new run' }).count()).toBe(0);
  });

  it('asks first, and "Not now" leaves the task failed', async () => {
    const details = await openTask('fetch');
    await details.getByRole('button', { name: 'Retry', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Retry fetch in this run?' });
    await ask.waitFor();
    expect(await ask.textContent()).toContain('its last attempt stays in its history');
    await ask.getByRole('button', { name: 'Not now' }).click();
    await expect.poll(() => ask.isVisible()).toBe(false);
    expect(await details.getByRole('heading').textContent()).toContain('Failed');
  });

  it('retries the failed task in the run, and the task it held back runs after it', async () => {
    const details = await openTask('fetch');
    await details.getByRole('button', { name: 'Retry', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Retry fetch in this run?' });
    await page.screenshot({ path: join(shots, 'task-retry-confirm.png') });
    await ask.getByRole('button', { name: 'Retry fetch' }).click();
    await expect.poll(() => details.getByRole('heading').textContent()).toContain('Done');
    const graph = page.getByRole('region', { name: 'Plan graph' });
    await expect
      .poll(() => graph.getByRole('article', { name: /^Task report/ }).getAttribute('aria-label'))
      .toMatch(/Done|completed/i);
    // Still the same run, still going (sign waits for Ana); no second run was started.
    expect((await baton.runsOf('nightly')).map((r) => r.id)).toEqual([runId]);
    expect((await baton.runsOf('nightly'))[0]!.status).toBe('executing');
    const attempts = (await baton.rpc('runs.taskAttempts', { run_id: runId, task_id: 'fetch' }))
      .value as unknown as { attempt: number; outcome: string }[];
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'done'],
    ]);
    const audit = (await baton.rpc('audit.list', { run_id: runId, actor: 'Bo' })).value as unknown as {
      entity_id: string;
      why: string;
    }[];
    expect(audit.map((e) => [e.entity_id, e.why]).sort()).toEqual([
      ['fetch', 'retried by Bo (it was failed)'],
      ['report', 'waiting again: "fetch" is retried'],
    ]);
  });
});
