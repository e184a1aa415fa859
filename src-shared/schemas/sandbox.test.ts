import { describe, expect, it } from 'vitest';
import type { SandboxPolicy } from './sandbox.ts';
import {
  DEFAULT_SANDBOX,
  hostCovers,
  narrowSandbox,
  pathCovers,
  sandboxNarrowingSchema,
  sandboxPolicyOf,
  sandboxPolicySchema,
} from './sandbox.ts';

const issues = (v: unknown) => {
  const r = sandboxPolicySchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

const policy = (p: Partial<SandboxPolicy>): SandboxPolicy => ({ ...DEFAULT_SANDBOX, ...p });

describe('sandbox policy', () => {
  it('defaults to required, no host, nothing more to read or write', () => {
    expect(sandboxPolicyOf(undefined)).toEqual({
      mode: 'required',
      network: { allow: [], unlisted: 'deny' },
      read_deny: [],
      read_allow: [],
      write_allow: [],
    });
    expect(sandboxPolicyOf({ mode: 'off' }).mode).toBe('off');
  });

  it('takes hosts as names, wildcards and IP literals, each with an optional port', () => {
    const allow = [
      'example.com',
      '*.npmjs.org',
      'registry.npmjs.org:443',
      '127.0.0.1:8080',
      '[::1]:3000',
      'localhost',
    ];
    expect(issues({ network: { allow } })).toEqual([]);
  });

  it('names the field of each bad entry', () => {
    expect(
      issues({
        mode: 'sometimes',
        network: { allow: ['ok.com', 'http://x.com', 'a b', '1.2.3.4:99999', '999.1.1.1'] },
        write_allow: ['relative/dir', '/tmp/*'],
        read_deny: ['/a/../b'],
      }),
    ).toEqual([
      'mode: must be "required" (the default) or "off" (no sandbox)',
      'network.allow.1: must be a host name (example.com), *.domain, or an IP address (127.0.0.1, [::1]), each with an optional :port',
      'network.allow.2: must be a host name (example.com), *.domain, or an IP address (127.0.0.1, [::1]), each with an optional :port',
      'network.allow.3: must be a host name (example.com), *.domain, or an IP address (127.0.0.1, [::1]), each with an optional :port',
      'network.allow.4: must be a host name (example.com), *.domain, or an IP address (127.0.0.1, [::1]), each with an optional :port',
      'read_deny.0: must not contain ..',
      'write_allow.0: must be an absolute path or start with ~/',
      'write_allow.1: must name a file or folder, without * ? [ ] (the sandbox takes paths by name)',
    ]);
  });

  it('a plan may only require the sandbox, never turn it off', () => {
    const r = sandboxNarrowingSchema.safeParse({ mode: 'off' });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'mode: a plan can only require the sandbox ("required"), never turn it off',
    ]);
  });
});

describe('hostCovers and pathCovers', () => {
  it('a wildcard covers names below it, a port-less entry every port', () => {
    expect(hostCovers('*.example.com', 'api.example.com')).toBe(true);
    expect(hostCovers('*.example.com', 'example.com')).toBe(false);
    expect(hostCovers('example.com', 'example.com:443')).toBe(true);
    expect(hostCovers('example.com:443', 'example.com')).toBe(false);
    expect(hostCovers('127.0.0.1:80', '127.0.0.1:81')).toBe(false);
    expect(hostCovers('Example.COM', 'example.com')).toBe(true);
  });

  it('a folder covers itself and what is under it, not its neighbours', () => {
    expect(pathCovers('/data', '/data/x')).toBe(true);
    expect(pathCovers('/data/', '/data')).toBe(true);
    expect(pathCovers('/data', '/database')).toBe(false);
    expect(pathCovers('/', '/anything')).toBe(true);
  });
});

describe('narrowSandbox', () => {
  const base = policy({
    network: { allow: ['*.npmjs.org', '127.0.0.1:8080'], unlisted: 'deny' },
    write_allow: ['/srv/cache'],
    read_allow: ['~/.npmrc'],
  });

  it('without a plan, the base stands', () => {
    expect(narrowSandbox(base, undefined)).toEqual({ ok: true, policy: base });
  });

  it('keeps only the hosts and folders the plan names, hides what it adds', () => {
    const r = narrowSandbox(base, {
      network: { allow: ['registry.npmjs.org:443'] },
      write_allow: ['/srv/cache/npm'],
      read_deny: ['~/notes', '~/.npmrc'],
    });
    expect(r).toEqual({
      ok: true,
      policy: {
        mode: 'required',
        network: { allow: ['registry.npmjs.org:443'], unlisted: 'deny' },
        read_deny: ['~/notes', '~/.npmrc'],
        read_allow: [],
        write_allow: ['/srv/cache/npm'],
      },
    });
  });

  it('an empty list in the plan takes every host away', () => {
    const r = narrowSandbox(base, { network: { allow: [] } });
    expect(r.ok && r.policy.network.allow).toEqual([]);
  });

  it('requires the sandbox of an agent that has it off', () => {
    const r = narrowSandbox(policy({ mode: 'off' }), { mode: 'required' });
    expect(r.ok && r.policy.mode).toBe('required');
  });

  it('refuses to widen: each entry the base does not allow is named', () => {
    expect(
      narrowSandbox(base, {
        network: { allow: ['registry.npmjs.org', 'evil.example', '127.0.0.1:9090'] },
        write_allow: ['/srv', '/srv/cache/x'],
      }),
    ).toEqual({
      ok: false,
      errors: [
        `sandbox.network.allow[1]: "evil.example" is not a host the agent's sandbox allows: a plan can narrow the sandbox, never widen it`,
        `sandbox.network.allow[2]: "127.0.0.1:9090" is not a host the agent's sandbox allows: a plan can narrow the sandbox, never widen it`,
        `sandbox.write_allow[0]: "/srv" is not a folder the agent's sandbox may write: a plan can narrow the sandbox, never widen it`,
      ],
    });
  });

  it('may turn ask into deny, never deny into ask', () => {
    const asking = policy({ network: { allow: ['pypi.org'], unlisted: 'ask' } });
    const denied = narrowSandbox(asking, { network: { unlisted: 'deny' } });
    expect(denied.ok && denied.policy.network).toEqual({ allow: ['pypi.org'], unlisted: 'deny' });
    const kept = narrowSandbox(asking, { network: { allow: [] } });
    expect(kept.ok && kept.policy.network).toEqual({ allow: [], unlisted: 'ask' });
    expect(narrowSandbox(base, { network: { unlisted: 'ask' } })).toEqual({
      ok: false,
      errors: [
        `sandbox.network.unlisted: "ask" where the agent's sandbox refuses unlisted hosts ("deny"): a plan can narrow the sandbox, never widen it`,
      ],
    });
  });
});

describe('network.unlisted', () => {
  it('defaults to deny, takes ask, and names the field on anything else', () => {
    expect(sandboxPolicyOf({ network: { allow: [] } }).network.unlisted).toBe('deny');
    expect(sandboxPolicyOf({ network: { unlisted: 'ask' } }).network).toEqual({ allow: [], unlisted: 'ask' });
    expect(issues({ network: { unlisted: 'prompt' } })).toEqual([
      'network.unlisted: must be "deny" (the default: refused) or "ask" (refused, and a person is asked to allow it from then on)',
    ]);
    const r = sandboxNarrowingSchema.safeParse({ network: { unlisted: 'maybe' } });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['network.unlisted']);
  });
});
