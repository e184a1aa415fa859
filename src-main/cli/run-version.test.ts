import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatonClient } from '../../src-shared/contract/client.ts';
import { createApp } from '../app/create-app.ts';
import { createInProcessClient } from '../app/memory-transport.ts';
import { runCommand } from './commands/run.ts';

/** A plan no agent can do: its run ends at once (failed), whichever version runs. */
const plan = (goal: string) => ({
  plan_id: 'race',
  goal,
  tasks: [{ task_id: 'a', description: goal, required_skills: ['nobody-has-this'] }],
});

describe('a run starts the plan version asked for', () => {
  let dir: string;
  let app: ReturnType<typeof createApp>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-run-version-'));
    app = createApp({ dataDir: dir, log: () => {} });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs.start with plan_version runs that version, not the latest; a version not stored is refused', async () => {
    const client = createInProcessClient(app);
    const v1 = await client.invoke('plans.import', { plan: plan('first') });
    const v2 = await client.invoke('plans.import', { plan: plan('second') });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const started = await client.invoke('runs.start', { plan_id: 'race', plan_version: 1 });
    expect(started.run.plan_version).toBe(1);
    expect((await client.invoke('runs.start', { plan_id: 'race' })).run.plan_version).toBe(2);
    await expect(client.invoke('runs.start', { plan_id: 'race', plan_version: 7 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'plan "race" has no version 7 (its latest is v2)',
    });
  });

  it('`baton run` runs the version its own import answered, even when another is saved in between', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const file = join(dir, 'race.json');
    writeFileSync(file, JSON.stringify(plan('mine')));
    const inner = createInProcessClient(app);
    // Another `baton run` (or the app) saves the next version right after this command's import.
    let raced = false;
    const client: BatonClient = {
      ...inner,
      async invoke(method, input) {
        const out = await inner.invoke(method, input);
        if (method === 'plans.import' && !raced) {
          raced = true;
          await inner.invoke('plans.import', { plan: plan('theirs') });
        }
        return out;
      },
    };
    expect(await runCommand(client, { planFile: file, json: true })).toBe(1);
    expect(raced).toBe(true);
    const [run] = await inner.invoke('runs.list', { plan_id: 'race' });
    expect(run).toMatchObject({ plan_version: 1, started_by: 'cli' });
  });
});
