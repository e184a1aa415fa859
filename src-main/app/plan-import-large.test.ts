import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { createInProcessClient } from './memory-transport.ts';
import { SLICED_PLAN_TASKS } from './plan-parse.ts';

let dir: string;
let app: BatonApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-plan-import-large-'));
  app = createApp({ dataDir: dir, log: () => {}, resume: false });
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const as = (name: string) => createInProcessClient(app, { actor: name });

/** A plan read in slices, with `said` as the descriptions of the tasks it names. */
const large = (said: Record<string, string> = {}) => ({
  plan_id: 'large',
  tasks: Array.from({ length: SLICED_PLAN_TASKS + 100 }, (_, i) => ({
    task_id: `t${i}`,
    description: said[`t${i}`] ?? `task ${i}`,
    required_skills: ['echo'],
    ...(i > 0 && { depends_on: [`t${i - 1}`] }),
  })),
});

const planEntries = async () =>
  ((await as('reader').invoke('audit.list', { entity: 'plan' })) as AuditEntry[]).reverse();

it('a large plan is saved whole, each version audited against the one before it, also when two land together', async () => {
  await as('Ana').invoke('plans.import', { plan: large() });
  // Two new versions at once: each reads in slices and works out its changes before its write;
  // whichever writes second compares with what the first wrote, not with what was there before.
  await Promise.all([
    as('Bo').invoke('plans.import', { plan: large({ t1: 'by Bo' }) }),
    as('Cy').invoke('plans.import', { plan: large({ t2: 'by Cy' }) }),
  ]);
  const stored = (await as('reader').invoke('plans.get', { plan_id: 'large' })) as {
    version: number;
    task_count: number;
  };
  expect(stored.version).toBe(3);
  expect(stored.task_count).toBe(SLICED_PLAN_TASKS + 100);
  const entries = await planEntries();
  expect(entries.map((e) => e.why.match(/\(version \d\)/)?.[0])).toEqual([
    '(version 1)',
    '(version 2)',
    '(version 3)',
  ]);
  const fields = (e: AuditEntry) => (e.changes ?? []).map((c) => c.field).sort();
  const [, second, third] = entries as [AuditEntry, AuditEntry, AuditEntry];
  // The second names only its own task; the third also the first's task, put back.
  expect(fields(second)).toHaveLength(1);
  expect(fields(third)).toEqual(['tasks.t1.description', 'tasks.t2.description']);
});
