import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call } from '../kit/engine-kit.ts';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/**
 * A running Baton that no command can go through (the desktop app serves no contract; a host may
 * hang) shares its data directory with other processes that write it: the CLI here, a second
 * app. What they change in the agent registry is what the running engine matches and runs with.
 */
describe('agents changed by another process on the same data directory', () => {
  let dir: string;
  let app: BatonApp;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-elsewhere-'));
    // Leases renewed every second: what waits is looked at again that often.
    app = createApp({ dataDir: dir, leaseTtlMs: 3_000, log: () => {} });
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `baton agents import` as another process: no host serves the directory, so it opens it. */
  async function importElsewhere(agents: unknown[]): Promise<string> {
    const file = join(dir, `agents-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(agents));
    const r = await run(
      process.execPath,
      [join(root, 'src-main', 'cli', 'baton.ts'), 'agents', 'import', file, '--data-dir', dir],
      { encoding: 'utf8' },
    );
    return r.stdout;
  }

  async function runPlan(planId: string, skill: string): Promise<RunDetail> {
    await call(app, 'plans.import', {
      plan: { plan_id: planId, tasks: [{ task_id: 't', description: 'do it', required_skills: [skill] }] },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: planId });
    await app.engine.whenSettled(run_id);
    return call<RunDetail>(app, 'runs.get', { run_id });
  }

  /** A command agent whose attempt takes two seconds, with its own time limit. */
  const slow = (timeout_s: number) => ({
    id: 'slow',
    kind: 'command',
    skills: ['y'],
    command: process.execPath,
    args: ['-e', 'setTimeout(() => {}, 2000)'],
    timeout_s,
  });

  it('matches an agent another process added, and runs it as that process last edited it', async () => {
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    // A run matched here first: the engine has read its registry.
    expect((await runPlan('warm', 'x')).status).toBe('completed');

    expect(await importElsewhere([slow(0.5)])).toBe('Imported 1 agent: slow\n');
    const limited = await runPlan('slow-work', 'y');
    // Found (not "lacks required skills"), and held to its limit: half a second.
    expect(limited.tasks[0]).toMatchObject({ agent_id: 'slow', status: 'failed' });
    expect(limited.tasks[0]!.error).toContain('timed out after 0.5 s');

    await importElsewhere([slow(60)]);
    const done = await runPlan('slow-work', 'y');
    expect(done.tasks[0]).toMatchObject({ agent_id: 'slow', status: 'done' });
  });

  it('starts a task waiting for an agent at capacity once another process gives it more', async () => {
    // Each attempt goes on until the test lets it end (a file appears): outside the data
    // directory, which the agent's sandbox hides.
    const outside = mkdtempSync(join(tmpdir(), 'baton-elsewhere-release-'));
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
    const release = join(outside, 'release');
    const busy = (max_concurrency: number) => ({
      id: 'z',
      kind: 'command',
      skills: ['z'],
      max_concurrency,
      command: process.execPath,
      args: [
        '-e',
        'setInterval(() => require("fs").existsSync(process.argv[1]) && process.exit(0), 50)',
        release,
      ],
    });
    await call(app, 'agents.import', { agents: [busy(1)] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'two',
        tasks: ['a', 'b'].map((id) => ({ task_id: id, description: 'do it', required_skills: ['z'] })),
      },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'two' });
    const statuses = async () =>
      (await call<RunDetail>(app, 'runs.get', { run_id })).tasks.map((t) => t.status).sort();
    await expect.poll(statuses).toEqual(['in_progress', 'ready']);

    await importElsewhere([busy(2)]);
    await expect.poll(statuses).toEqual(['in_progress', 'in_progress']);
    writeFileSync(release, '');
    expect((await app.engine.whenSettled(run_id)).status).toBe('completed');
  });
});
