import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import { openDatabase } from '../../store/db.ts';
import { createStore } from '../../store/store.ts';
import { createNotificationsRepo } from './repo.ts';

const entry = (entity: AuditEntry['entity'], to: string, why: string): Omit<AuditEntry, 'id'> => ({
  at: '2026-11-30T00:00:00Z',
  actor: 'engine',
  entity,
  entity_id: entity === 'task' ? 't1' : 'r1',
  run_id: 'r1',
  from_status: null,
  to_status: to,
  why,
});

describe("the notifier's read of the audit log", () => {
  it('reads only the entries a notification can come of, and a task’s only while one may wait for a person', () => {
    const store = createStore(openDatabase(':memory:'));
    store.memory.auditMany([
      entry('task', 'running', 'a task started'),
      entry('task', 'ready', 'a task became ready'),
      entry('task', 'done', 'a task ended'),
      entry('run', 'completed', 'the run ended'),
    ]);
    const repo = createNotificationsRepo(store.db);
    const upTo = repo.lastAuditId()!;
    const read = (tasks: boolean) => repo.auditAfter(0, upTo, 10, tasks).map((e) => e.why);
    expect(read(true)).toEqual(['a task became ready', 'the run ended']);
    expect(read(false)).toEqual(['the run ended']);
    // Up to the log's end as it was looked at: an entry written after is read at the next look.
    store.memory.auditMany([entry('run', 'failed', 'a later entry')]);
    expect(read(false)).toEqual(['the run ended']);
  });
});
