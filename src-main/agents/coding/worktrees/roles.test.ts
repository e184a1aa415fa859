import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../../src-shared/contract/caller.ts';
import type { Role } from '../../../../src-shared/schemas/plain/people.ts';
import { authorize } from '../../../people/permissions.ts';

const as = (role: Role): CallContext => ({ person: null, role, via: 'session', actor: null });

describe('who may reach worktrees', () => {
  it('a viewer lists them and reads a place and its ports; a member opens and archives; only an admin sets the editor Baton runs', () => {
    for (const m of ['worktrees.list', 'worktrees.place', 'worktrees.ports', 'worktrees.editors'] as const)
      expect(() => authorize(m, as('viewer'))).not.toThrow();
    for (const m of ['worktrees.open', 'worktrees.archive'] as const) {
      expect(() => authorize(m, as('viewer'))).toThrow(`${m} needs the member role`);
      expect(() => authorize(m, as('member'))).not.toThrow();
    }
    expect(() => authorize('worktrees.saveSettings', as('member'))).toThrow('needs the admin role');
    expect(() => authorize('worktrees.saveSettings', as('admin'))).not.toThrow();
  });
});
