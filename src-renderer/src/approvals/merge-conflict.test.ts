import { describe, expect, it } from 'vitest';
import { CONFLICT_KINDS } from '../../../src-shared/schemas/approval.ts';
import { conflictKindLabel } from './merge-conflict.ts';

describe('a conflicting file’s kind in words', () => {
  it('names each kind git tells, from the task branch’s side, and nothing when git did not say', () => {
    expect(conflictKindLabel({ path: 'a', kind: 'both_modified' })).toBe('changed on both sides');
    expect(conflictKindLabel({ path: 'a', kind: 'deleted_by_them' })).toBe(
      'changed on the task’s branch, deleted on the merged one',
    );
    expect(conflictKindLabel({ path: 'a', kind: null })).toBeNull();
    const labels = CONFLICT_KINDS.map((kind) => conflictKindLabel({ path: 'a', kind }));
    expect(new Set(labels).size).toBe(CONFLICT_KINDS.length);
  });
});
