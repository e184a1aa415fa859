import { describe, expect, it } from 'vitest';
import {
  EMPTY_SANDBOX,
  sameSandbox,
  sandboxDraftOf,
  sandboxMessage,
  sandboxPolicyOf,
  sandboxStateOf,
} from './sandbox-draft.ts';

describe('sandbox drafts', () => {
  it('left as the default, is no policy at all; anything set is the whole policy, one entry a line', () => {
    expect(sandboxPolicyOf(EMPTY_SANDBOX)).toBeUndefined();
    expect(sandboxPolicyOf({ ...EMPTY_SANDBOX, hosts: ' \n' })).toBeUndefined();
    const policy = sandboxPolicyOf({
      ...EMPTY_SANDBOX,
      hosts: 'registry.npmjs.org\n\n 127.0.0.1:4873 ',
      write_allow: '~/.cache/pip',
    });
    expect(policy).toEqual({
      mode: 'required',
      network: { allow: ['registry.npmjs.org', '127.0.0.1:4873'], unlisted: 'deny' },
      write_allow: ['~/.cache/pip'],
      read_deny: [],
      read_allow: [],
    });
    expect(sandboxDraftOf(policy)).toEqual({
      ...EMPTY_SANDBOX,
      hosts: 'registry.npmjs.org\n127.0.0.1:4873',
      write_allow: '~/.cache/pip',
    });
    expect(sandboxPolicyOf({ ...EMPTY_SANDBOX, mode: 'off' })?.mode).toBe('off');
    expect(sandboxDraftOf(null)).toEqual(EMPTY_SANDBOX);
  });

  it('a line changed only in its spaces is no change', () => {
    expect(sameSandbox({ ...EMPTY_SANDBOX, hosts: 'a.com' }, { ...EMPTY_SANDBOX, hosts: ' a.com\n' })).toBe(
      true,
    );
    expect(sameSandbox(EMPTY_SANDBOX, { ...EMPTY_SANDBOX, mode: 'off' })).toBe(false);
  });

  it("says an error's field and line in words", () => {
    expect(sandboxMessage('network.allow[1]', 'must be a host name (example.com)')).toBe(
      'Hosts it may reach, line 2: must be a host name (example.com)',
    );
    expect(sandboxMessage('write_allow[0]', 'must be an absolute path or start with ~/')).toBe(
      'Extra folders it may write, line 1: must be an absolute path or start with ~/',
    );
  });

  it('shows off as a warning, a required sandbox that cannot run as such, and what a sandboxed one allows', () => {
    const cannot = { available: false as const, problem: 'bubblewrap (bwrap) is not installed' };
    expect(sandboxStateOf({ mode: 'off' }, cannot).label).toBe('sandbox off');
    const unavailable = sandboxStateOf(null, cannot);
    expect(unavailable.label).toBe('sandbox cannot run here');
    expect(unavailable.why).toContain('bubblewrap (bwrap) is not installed');
    const ok = sandboxStateOf(
      {
        mode: 'required',
        network: { allow: ['a.com'], unlisted: 'deny' },
        write_allow: ['/tmp/x', '/tmp/y'],
      },
      { available: true, problem: null },
    );
    expect(ok).toEqual({
      state: 'sandboxed',
      label: 'sandboxed',
      why: 'reaches a.com; writes 2 extra folders.',
    });
    expect(sandboxStateOf(undefined, null).why).toBe('reaches no host; writes only its own folder.');
  });
});
