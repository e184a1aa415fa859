import { describe, expect, it } from 'vitest';
import type { TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { openDatabase } from '../../../store/db.ts';
import { createStore } from '../../../store/store.ts';
import { codingStore } from './coding-store.ts';

const AT = '2026-11-21T10:00:00.000Z';

function storeWithRuns() {
  const store = codingStore(createStore(openDatabase(':memory:')));
  const addRun = store.db.prepare(
    `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at)
     VALUES (?, ?, 1, ?, 'executing', 'mem', ?)`,
  );
  addRun.run('r1', 'plan-a', 'proj', AT);
  addRun.run('r2', 'plan-b', null, AT);
  return store;
}

describe('task sessions', () => {
  const base: TaskSession = {
    run_id: 'r1',
    task_id: 'backend',
    workspace_id: 'app',
    agent_id: 'claude-coder',
    cli: 'claude',
    dir: '/data/worktrees/r1/backend/tree',
    branch: 'baton/r1/backend',
    start_commit: 'abc',
    session_id: null,
    home: null,
    attempt: 1,
    state: 'active',
    updated_at: AT,
  };

  it('keeps the session id once printed, and a kept worktree kept, when a later attempt records its worktree', () => {
    const store = storeWithRuns();
    store.tx(() => store.sessions.upsert(base));
    store.tx(() => store.sessions.setSessionId('r1', 'backend', 'sess-1', AT));
    store.tx(() => store.sessions.setState('r1', 'backend', 'kept', AT));
    store.tx(() => store.sessions.upsert({ ...base, attempt: 2 }));
    expect(store.sessions.get('r1', 'backend')).toMatchObject({
      attempt: 2,
      session_id: 'sess-1',
      state: 'kept',
    });
    expect(store.sessions.onDisk('app')).toEqual([
      expect.objectContaining({ task_id: 'backend', run_status: 'executing' }),
    ]);
    expect(store.sessions.runsUsing('app')).toEqual(['r1']);
    store.tx(() => store.sessions.setState('r1', 'backend', 'removed', AT));
    expect(store.sessions.onDisk('app')).toEqual([]);
  });
});
