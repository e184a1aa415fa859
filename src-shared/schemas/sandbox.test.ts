import { describe, expect, it } from 'vitest';
import type { SandboxPolicy } from './sandbox.ts';
import {
  DEFAULT_SANDBOX,
  hostCovers,
  hostsMeet,
  narrowSandbox,
  pathCovers,
  sandboxMeet,
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

describe('sandboxMeet: what two policies both allow', () => {
  it('a host where both let it through, the narrower of the two patterns', () => {
    expect(hostsMeet('*.example.com', 'api.example.com:443')).toBe('api.example.com:443');
    expect(hostsMeet('*.example.com:443', 'api.example.com')).toBe('api.example.com:443');
    expect(hostsMeet('*.example.com', '*.a.example.com')).toBe('*.a.example.com');
    expect(hostsMeet('Example.com', 'example.com')).toBe('example.com');
    expect(hostsMeet('*.example.com', 'example.com')).toBeNull();
    expect(hostsMeet('127.0.0.1:80', '127.0.0.1:81')).toBeNull();
    expect(hostsMeet('a.example.com', 'b.example.com')).toBeNull();
  });

  it('a workspace listing more than its agent: only what both list, asked about only where both ask', () => {
    const workspace = policy({
      network: { allow: ['registry.npmjs.org', '127.0.0.1:9000', '*.github.com'], unlisted: 'ask' },
      write_allow: ['~/.cache/ms-playwright', '/srv/cache'],
      read_allow: ['~/.npmrc'],
      read_deny: ['/srv/secrets'],
    });
    const agent = policy({
      network: { allow: ['api.github.com', 'pypi.org'], unlisted: 'deny' },
      write_allow: ['/srv/cache/agent'],
      read_allow: ['~/.npmrc', '~/.pypirc'],
      read_deny: ['/opt/keys'],
    });
    expect(sandboxMeet(workspace, agent)).toEqual({
      mode: 'required',
      network: { allow: ['api.github.com'], unlisted: 'deny' },
      read_deny: ['/srv/secrets', '/opt/keys'],
      read_allow: ['~/.npmrc'],
      write_allow: ['/srv/cache/agent'],
    });
    const asking = policy({ network: { allow: [], unlisted: 'ask' } });
    expect(sandboxMeet(workspace, asking).network).toEqual({ allow: [], unlisted: 'ask' });
  });

  it('a path one hides is not re-opened by the other', () => {
    const a = policy({ read_allow: ['~/.config/gh'] });
    const b = policy({ read_allow: ['~/.config/gh'], read_deny: ['~/.config'] });
    expect(sandboxMeet(a, b).read_allow).toEqual([]);
  });

  it('a policy that is off allows everything: the other holds, and the sandbox stays required', () => {
    const off = policy({ mode: 'off', network: { allow: ['example.com'], unlisted: 'deny' } });
    const strict = policy({ network: { allow: ['127.0.0.1:9000'], unlisted: 'deny' } });
    expect(sandboxMeet(off, strict)).toEqual(strict);
    expect(sandboxMeet(strict, off)).toEqual(strict);
    expect(sandboxMeet(off, off)).toEqual(off);
  });
});
