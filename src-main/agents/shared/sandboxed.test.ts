import { describe, expect, it } from 'vitest';
import { sandboxMeet, sandboxPolicyOf } from '../../../src-shared/schemas/sandbox.ts';
import { attemptSandbox, narrowerThan } from './sandboxed.ts';

const hosts = (allowed: string[]) => ({ scope: 'workspace:app', scope_label: 'workspace "app"', allowed });

describe('attemptSandbox', () => {
  it('lists the hosts people allowed for the scope under ask, once each', () => {
    const r = attemptSandbox(
      { network: { allow: ['pypi.org:443'], unlisted: 'ask' } },
      { sandboxHosts: hosts(['pypi.org:443', '127.0.0.1:8080']) },
    );
    expect(r.ok && r.policy.network).toEqual({ allow: ['pypi.org:443', '127.0.0.1:8080'], unlisted: 'ask' });
  });

  it('leaves them out under deny, and where a plan turned ask into deny', () => {
    const deny = attemptSandbox({ network: { allow: [] } }, { sandboxHosts: hosts(['127.0.0.1:8080']) });
    expect(deny.ok && deny.policy.network.allow).toEqual([]);
    const narrowed = attemptSandbox(
      { network: { unlisted: 'ask' } },
      { sandbox: { network: { unlisted: 'deny' } }, sandboxHosts: hosts(['127.0.0.1:8080']) },
    );
    expect(narrowed.ok && narrowed.policy.network).toEqual({ allow: [], unlisted: 'deny' });
  });

  it("fails when the plan would turn deny into ask, naming the plan's field", () => {
    const r = attemptSandbox({}, { sandbox: { network: { unlisted: 'ask' } } });
    expect(!r.ok && r.error).toMatch(/^the plan's sandbox\.network\.unlisted: "ask"/);
  });
});

describe('narrowerThan: what the checks lose of the workspace policy, within the agent', () => {
  it('says nothing when the agent allows all the workspace does', () => {
    const ws = sandboxPolicyOf({ network: { allow: ['registry.npmjs.org'] } });
    const agent = sandboxPolicyOf({ network: { allow: ['registry.npmjs.org', 'pypi.org'] } });
    expect(narrowerThan(ws, sandboxMeet(ws, agent))).toBeNull();
    const off = sandboxPolicyOf({ mode: 'off' });
    expect(narrowerThan(off, sandboxMeet(off, off))).toBeNull();
  });

  it('names the hosts, the asking and the folders that are left', () => {
    const ws = sandboxPolicyOf({
      network: { allow: ['registry.npmjs.org', '127.0.0.1:9000'], unlisted: 'ask' },
      write_allow: ['/srv/cache'],
    });
    const agent = sandboxPolicyOf({ network: { allow: ['127.0.0.1:9000'] } });
    expect(narrowerThan(ws, sandboxMeet(ws, agent))).toBe(
      'it reaches only 127.0.0.1:9000; a host not listed is refused without asking; it writes only its worktree',
    );
  });

  it('a workspace whose sandbox is off: its checks run in the agent’s', () => {
    const off = sandboxPolicyOf({ mode: 'off' });
    const agent = sandboxPolicyOf({ read_deny: ['/srv/keys'] });
    expect(narrowerThan(off, sandboxMeet(off, agent))).toBe(
      'it runs in the OS sandbox (the workspace has it off); it reaches only no host; it writes only its worktree; it does not read /srv/keys',
    );
  });
});
