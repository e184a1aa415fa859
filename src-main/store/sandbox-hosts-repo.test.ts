import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import { openDatabase } from './db.ts';
import { createStore } from './store.ts';

const AT = '2026-11-25T02:00:00.000Z';

/** A store with one run, whose task asked about hosts. */
function storeWithRun() {
  const store = createStore(openDatabase(':memory:'));
  store.db.exec(
    "INSERT INTO plans (id, name, version, task_count, created_at, updated_at) VALUES ('p', 'p', 1, 0, 'x', 'x')",
  );
  store.tx(() =>
    store.runs.insertRun(
      {
        id: 'run-1',
        plan_id: 'p',
        plan_version: 1,
        started_by: 'ana',
        project_id: null,
        status: 'executing',
        memory_id: 'mem-1',
        created_at: AT,
        lease_owner: 'me',
        lease_expires_at: 0,
      },
      [],
    ),
  );
  return store;
}

describe('the remembered hosts of the network policy ask', () => {
  it('keeps what each question asked, finds the latest for a scope and host, and remembers allowed hosts per scope', () => {
    const store = storeWithRun();
    const ask = (id: string, host: string, status: Approval['status'], minute: number) => {
      store.approvals.insert({
        id,
        run_id: 'run-1',
        task_id: 't',
        status,
        kind: 'sandbox_host',
        reason: `Allow ${host} for workspace "app"?`,
        cost: 0,
        requested_at: `2026-11-25T02:0${minute}:00.000Z`,
        decided_at: null,
        actor: null,
        comment: null,
      });
      store.sandboxHosts.insert({
        approval_id: id,
        run_id: 'run-1',
        task_id: 't',
        attempt: 1,
        agent_id: 'hal',
        scope: 'workspace:app',
        scope_label: 'workspace "app"',
        host,
      });
    };
    ask('apr-1', 'pypi.org:443', 'approved', 1);
    ask('apr-2', 'pypi.org:443', 'pending', 2);
    ask('apr-3', 'evil.example:443', 'rejected', 3);
    expect(store.sandboxHosts.get('apr-2')).toEqual({
      approval_id: 'apr-2',
      run_id: 'run-1',
      task_id: 't',
      attempt: 1,
      agent_id: 'hal',
      scope: 'workspace:app',
      scope_label: 'workspace "app"',
      host: 'pypi.org:443',
    });
    expect(store.sandboxHosts.latest('workspace:app', 'pypi.org:443')).toEqual({
      id: 'apr-2',
      status: 'pending',
    });
    expect(store.sandboxHosts.latest('workspace:app', 'evil.example:443')?.status).toBe('rejected');
    expect(store.sandboxHosts.latest('workspace:other', 'pypi.org:443')).toBeUndefined();

    store.sandboxHosts.allow({
      scope: 'workspace:app',
      host: 'pypi.org:443',
      allowed_by: 'ana',
      at: AT,
      approval_id: 'apr-1',
    });
    store.sandboxHosts.allow({
      scope: 'workspace:app',
      host: 'pypi.org:443',
      allowed_by: 'bo',
      at: AT,
      approval_id: 'apr-2',
    });
    store.sandboxHosts.allow({
      scope: 'agent:hal',
      host: '127.0.0.1:8080',
      allowed_by: 'ana',
      at: AT,
      approval_id: null,
    });
    expect(store.sandboxHosts.allowed('workspace:app')).toEqual([
      { scope: 'workspace:app', host: 'pypi.org:443', allowed_by: 'bo', at: AT, approval_id: 'apr-2' },
    ]);
    expect(store.sandboxHosts.allowed('agent:hal').map((h) => h.host)).toEqual(['127.0.0.1:8080']);
    expect(store.sandboxHosts.forget('workspace:app', 'pypi.org:443')).toBe(true);
    expect(store.sandboxHosts.forget('workspace:app', 'pypi.org:443')).toBe(false);
    expect(store.sandboxHosts.allowed('workspace:app')).toEqual([]);
  });
});
