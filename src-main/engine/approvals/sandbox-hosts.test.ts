import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db.ts';
import { createStore } from '../../store/store.ts';
import { AttemptHosts, sandboxHostsOf } from './sandbox-hosts.ts';

function storeWithHosts() {
  const store = createStore(openDatabase(':memory:'));
  const allow = (scope: string, host: string, minute: number) =>
    store.sandboxHosts.allow({
      scope,
      host,
      allowed_by: 'ana',
      at: `2026-11-26T09:0${minute}:00.000Z`,
      approval_id: null,
    });
  allow('agent:a1', 'pypi.org:443', 0);
  allow('workspace:app', 'github.com:443', 0);
  return { store, allow };
}

describe("an attempt's network policy ask", () => {
  it('reads the hosts people allowed when its sandbox first asks for them, and keeps them', () => {
    const { store, allow } = storeWithHosts();
    const opened: unknown[] = [];
    const at = { run_id: 'r1', task_id: 't1', attempt: 1, agent_id: 'a1' };
    const hosts = new AttemptHosts(
      store,
      null,
      { id: 'a1', name: 'Builder' },
      {
        asks: {
          open: (ref, q) => {
            opened.push([ref, q]);
            return { approval_id: 'apr-1', verdict: null };
          },
        },
        at,
      },
    );
    expect(hosts.scope).toBe('agent:a1');
    expect(hosts.scope_label).toBe('agent "Builder"');
    // Allowed after the attempt began, before its sandbox was set up: the sandbox sees it.
    allow('agent:a1', 'npmjs.org:443', 1);
    expect(hosts.allowed).toEqual(['pypi.org:443', 'npmjs.org:443']);
    allow('agent:a1', 'crates.io:443', 2);
    expect(hosts.allowed).toEqual(['pypi.org:443', 'npmjs.org:443']);
    hosts.ask?.('evil.example:443');
    expect(opened).toEqual([
      [
        at,
        { kind: 'sandbox_host', scope: 'agent:a1', scope_label: 'agent "Builder"', host: 'evil.example:443' },
      ],
    ]);
    expect(new AttemptHosts(store, 'app', { id: 'a1', name: '' }, null).allowed).toEqual(['github.com:443']);
    expect(new AttemptHosts(store, 'app', { id: 'a1', name: '' }, null).ask).toBeUndefined();
  });

  it('is sent to a remote worker whole, the hosts read as it is made', () => {
    const { store } = storeWithHosts();
    expect(JSON.parse(JSON.stringify(sandboxHostsOf(store, { id: 'app' }, { id: 'a1', name: 'B' })))).toEqual(
      {
        scope: 'workspace:app',
        scope_label: 'workspace "app"',
        allowed: ['github.com:443'],
      },
    );
  });
});
