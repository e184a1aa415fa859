import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db.ts';
import { createStore } from '../../store/store.ts';
import { sandboxHostsOf } from './sandbox-hosts.ts';

describe("an attempt's network policy ask", () => {
  it('reads the hosts people allowed when its sandbox first asks for them, and keeps them', () => {
    const store = createStore(openDatabase(':memory:'));
    const allow = (scope: string, host: string, at: string) =>
      store.sandboxHosts.allow({ scope, host, allowed_by: 'ana', at, approval_id: null });
    allow('agent:a1', 'pypi.org:443', '2026-11-26T09:00:00.000Z');
    allow('workspace:app', 'github.com:443', '2026-11-26T09:00:00.000Z');
    const hosts = sandboxHostsOf(store, null, { id: 'a1', name: 'Builder' });
    expect(hosts.scope).toBe('agent:a1');
    expect(hosts.scope_label).toBe('agent "Builder"');
    // Allowed after the attempt began, before its sandbox was set up: the sandbox sees it.
    allow('agent:a1', 'npmjs.org:443', '2026-11-26T09:01:00.000Z');
    expect(hosts.allowed).toEqual(['pypi.org:443', 'npmjs.org:443']);
    allow('agent:a1', 'crates.io:443', '2026-11-26T09:02:00.000Z');
    expect(hosts.allowed).toEqual(['pypi.org:443', 'npmjs.org:443']);
    // What a remote worker is sent holds the list.
    expect(JSON.parse(JSON.stringify(hosts))).toEqual({
      scope: 'agent:a1',
      scope_label: 'agent "Builder"',
      allowed: ['pypi.org:443', 'npmjs.org:443'],
    });
    expect(sandboxHostsOf(store, { id: 'app' }, { id: 'a1', name: '' }).allowed).toEqual(['github.com:443']);
  });
});
