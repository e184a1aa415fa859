import { describe, expect, it } from 'vitest';
import { shellWord, terminalCommand, workPlace } from './work-place.ts';

describe('where a task’s work opens', () => {
  it('is its worktree while on disk, else its branch in the repository', () => {
    const out = { branch: 'baton/r1/api' };
    expect(workPlace('api', { dir: '/w/r1/api/tree', state: 'kept' }, out, '/src/app')).toEqual({
      kind: 'worktree',
      dir: '/w/r1/api/tree',
      branch: 'baton/r1/api',
    });
    expect(workPlace('api', { dir: '/w/x', state: 'removed' }, out, '/src/app')).toEqual({
      kind: 'branch',
      repo: '/src/app',
      branch: 'baton/r1/api',
      task: 'api',
    });
    expect(workPlace('api', undefined, out, undefined)).toBeNull();
  });

  it('gives a terminal command that never switches the person’s checkout', () => {
    expect(terminalCommand({ kind: 'worktree', dir: "/tmp/it's here", branch: 'b' })).toBe(
      "cd '/tmp/it'\\''s here'",
    );
    expect(terminalCommand({ kind: 'branch', repo: '/src/app/', branch: 'baton/r1/api', task: 'api' })).toBe(
      'git -C /src/app/ worktree add /src/app-api baton/r1/api && cd /src/app-api',
    );
  });

  it('quotes only what needs it', () => {
    expect(shellWord('/a/b-c_d.e')).toBe('/a/b-c_d.e');
    expect(shellWord('a b')).toBe("'a b'");
  });
});
