import { describe, expect, it } from 'vitest';
import { attemptSandbox } from './sandboxed.ts';

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
