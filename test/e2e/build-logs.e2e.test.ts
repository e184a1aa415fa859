import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

interface Hit {
  entry: { id: string; agent_id: string; created_at: string; updated_at: string; type: string };
}

// Build logs: the time shown is the one the list is sorted by, the agent filter finds
// part of an id, and the audit log can be filtered too. Each entry names and links its run and
// task, opens laid out with Copy, and the list exports as JSON, NDJSON and CSV.
describe.skipIf(skipE2e)('the build logs', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('build-logs', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'research-bot',
          kind: 'command',
          skills: ['research'],
          command: process.execPath,
          // Slow enough that the run's build log is updated a second or more after it was written.
          args: ['-e', 'setTimeout(() => console.log(\'::result {"found":3}\'), 1500)'],
        },
        { id: 'writer-bot', skills: ['write'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        tasks: [
          { task_id: 'look', description: 'Look things up', required_skills: ['research'] },
          { task_id: 'write', description: 'Write it up', required_skills: ['write'], depends_on: ['look'] },
          { task_id: 'gate', description: 'Publish', required_skills: ['write'], requires_approval: true },
        ],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'digest' });
    /** Polls (a plain loop: expect.poll is for tests, not their setup) until `check` gives a value. */
    const until = async <T>(check: () => Promise<T | undefined>): Promise<T> => {
      for (let i = 0; i < 300; i++) {
        const v = await check();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the run did not get there in 15 s');
    };
    const pending = await until(async () => {
      const list = (await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as {
        id: string;
      }[];
      return list[0];
    });
    await baton.rpc('approvals.decide', {
      approval_id: pending.id,
      decision: 'approve',
      actor: 'Maria Lopez',
    });
    await until(async () => ((await baton.runsOf('digest'))[0]?.status === 'completed' ? true : undefined));
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Build logs' })
      .click();
  });
  afterAll(() => baton?.close());

  const list = () => page.getByRole('list', { name: 'Memory entries' }).getByRole('listitem');

  it('shows when each entry was written, the order the list is in, once when updated in the same minute', async () => {
    const hits = (await baton.rpc('memory.search', { type: 'build_log' })).value as unknown as Hit[];
    const log = hits[0]!.entry;
    // The build log was updated (when the run ended) a second or two after it was written (when it
    // started): relative, both are "just now", said once ("written just now", not "written just now ·
    // updated just now"); both exact instants are in the title.
    expect(log.updated_at).not.toBe(log.created_at);
    const row = list().filter({ hasText: log.id });
    const written = row.locator('time', { hasText: /^written / });
    await expect.poll(() => written.getAttribute('datetime')).toBe(new Date(log.created_at).toISOString());
    expect(await written.textContent()).toMatch(/^written (just now|\d+ min ago)$/);
    expect(await row.locator('time').count()).toBe(1);
    expect(await row.textContent()).not.toContain('updated');
    expect(await written.getAttribute('title')).toMatch(
      /\d{1,2}:\d{2}:\d{2}.*; updated .*\d{1,2}:\d{2}:\d{2}/,
    );
  });

  it('keeps Since and Until together when the filter row wraps at 1024', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      const filters = page.getByRole('group', { name: 'Filters' });
      const top = async (label: string) => (await filters.getByLabel(label).boundingBox())!.y;
      // Until on the line Since is on, not alone on a line of its own.
      expect(Math.abs((await top('Until')) - (await top('Since')))).toBeLessThan(2);
      await page.screenshot({ path: join(shots, 'build-logs-1024.png') });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('filters by part of an agent id, in any case', async () => {
    const agent = page.getByRole('group', { name: 'Filters' }).getByLabel('Agent');
    // The three task results (research-bot's and writer-bot's two), not the orchestrator's build log.
    await agent.fill('bot');
    await expect.poll(() => list().count()).toBe(3);
    expect((await list().allTextContents()).join()).not.toContain('build_log');
    await agent.fill('RESEARCH');
    await expect.poll(() => list().count()).toBe(1);
    expect(await list().first().textContent()).toContain('research-bot');
    await agent.fill('');
    await expect.poll(() => list().count()).toBe(4);
  });

  it('filters the audit log by what an entry is about, who made the change and when', async () => {
    await page.getByRole('tab', { name: 'Audit log' }).click();
    const filters = page.getByRole('group', { name: 'Filters' });
    const rows = () => page.getByRole('list', { name: 'Audit entries' }).getByRole('listitem');
    await expect.poll(() => rows().count()).toBeGreaterThan(5);
    await filters.getByLabel('About').selectOption('approval');
    await expect
      .poll(async () => (await rows().allTextContents()).every((t) => t.startsWith('approval')))
      .toBe(true);
    expect(await rows().count()).toBeGreaterThan(0);
    await filters.getByLabel('About').selectOption('');
    await filters.getByLabel('Who').fill('lopez');
    // As many as the host lists for her, every one hers: a look while the list is still being
    // redrawn (empty, or partly filtered) passes neither.
    const maria = ((await baton.rpc('audit.list', { actor: 'lopez' })).value as unknown as unknown[]).length;
    expect(maria).toBeGreaterThan(0);
    await expect
      .poll(async () => {
        const texts = await rows().allTextContents();
        return texts.length === maria && texts.every((t) => t.includes('by Maria Lopez'));
      })
      .toBe(true);
    await page.screenshot({ path: join(shots, 'audit-filters.png') });
    // A window that ended before anything was written leaves nothing.
    await filters.getByLabel('Until').fill('2001-01-01T00:00');
    await expect.poll(() => rows().count()).toBe(0);
    await filters.getByLabel('Until').fill('');
    await expect.poll(() => rows().count()).toBe(maria);
  });

  it('names and links the run and task of each entry; a link opens the task in its run', async () => {
    await page.getByRole('tab', { name: 'Memory' }).click();
    const run = (await baton.runsOf('digest'))[0]!.id;
    const result = list().filter({ hasText: 'writer-bot' }).filter({ hasText: 'task write' });
    await expect.poll(() => result.count()).toBe(1);
    expect(await result.textContent()).toContain(`run ${run}`);
    // The build log is the run's too, though only the run says which log it writes.
    const log = list().filter({ hasText: 'build_log' });
    await expect.poll(() => log.textContent()).toContain(`run ${run}`);
    await result.getByRole('link', { name: `Open task write in run ${run}` }).click();
    await page.getByRole('region', { name: 'Task write details' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Build logs' })
      .click();
  });

  it('lays an opened entry out, its content readable, and copies it whole as JSON', async () => {
    const run = (await baton.runsOf('digest'))[0]!.id;
    await list().filter({ hasText: 'build_log' }).getByRole('button').first().click();
    const entry = page.getByRole('region', { name: 'Entry details' });
    const fields = await entry.locator('dl').textContent();
    expect(fields).toContain('Plandigest');
    expect(fields).toContain(`Run${run}`);
    expect(await entry.getByRole('region', { name: 'Entry content' }).textContent()).toContain(
      '"delegated_tasks"',
    );
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await entry.getByRole('button', { name: 'Copy the entry as JSON' }).click();
    await expect
      .poll(() => entry.getByRole('button', { name: 'Copy the entry as JSON' }).textContent())
      .toBe('Copied');
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied).toMatchObject({ type: 'build_log', content: { plan_id: 'digest' } });
    await page.screenshot({ path: join(shots, 'build-log-entry.png') });
  });

  it('exports the entries listed as NDJSON and as CSV', async () => {
    const exported = async (format: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: `Export ${format}` }).click(),
      ]);
      return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
    };
    const nd = await exported('NDJSON');
    expect(nd.name).toBe('baton-memory.ndjson');
    const entries = nd.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(entries).toHaveLength(4);
    expect(entries.map((e) => e.type).sort()).toEqual([
      'build_log',
      'task_result',
      'task_result',
      'task_result',
    ]);
    const csv = await exported('CSV');
    expect(csv.name).toBe('baton-memory.csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,type,plan,run,task,agent,status,tags,written,updated,content');
    const run = (await baton.runsOf('digest'))[0]!.id;
    expect(lines.find((l) => l.includes(',writer-bot,') && l.includes(',write,'))).toContain(
      `,digest,${run},write,`,
    );
  });
});
