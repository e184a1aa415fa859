import { describe, expect, it } from 'vitest';
import { dependencyFacts, fieldValue, MAX_FIELDS } from './dependency-facts.ts';

describe("a dependency's output laid out", () => {
  it("shows a coding task's branch, short commit, +/- and files", () => {
    const facts = dependencyFacts({
      workspace_id: 'web',
      branch: 'baton/r/code',
      commit: '0123456789abcdef',
      start_commit: 'f',
      files: [{ path: 'a.ts', status: 'modified', additions: 2, deletions: 1 }],
      additions: 2,
      deletions: 1,
      summary: 'Done',
      session_id: null,
      diff_artifact: 'changes.diff',
    });
    expect(facts).toEqual({
      kind: 'coding',
      branch: 'baton/r/code',
      commit: '0123456789',
      additions: 2,
      deletions: 1,
      files: [{ path: 'a.ts', status: 'modified', additions: 2, deletions: 1 }],
      summary: 'Done',
    });
  });

  it('lays an object out as its fields, values in words, and counts what it leaves out', () => {
    expect(
      dependencyFacts({ summary: 'Wrote it', files: 4, ok: true, tags: ['a', 'b'], inputs: {}, from: [] }),
    ).toEqual({
      kind: 'fields',
      fields: [
        { name: 'summary', value: 'Wrote it' },
        { name: 'files', value: '4' },
        { name: 'ok', value: 'true' },
        { name: 'tags', value: 'a, b' },
        { name: 'inputs', value: 'empty' },
        { name: 'from', value: 'none' },
      ],
      more: 0,
    });
    const wide = dependencyFacts(
      Object.fromEntries(Array.from({ length: MAX_FIELDS + 3 }, (_, i) => [`k${i}`, i])),
    );
    expect(wide).toMatchObject({ kind: 'fields', more: 3 });
    expect(wide.kind === 'fields' && wide.fields).toHaveLength(MAX_FIELDS);
  });

  it('keeps text as it is, says when there is nothing, and cuts a long nested value', () => {
    expect(dependencyFacts('plain words')).toEqual({ kind: 'text', text: 'plain words' });
    expect(dependencyFacts(null)).toEqual({ kind: 'none' });
    expect(dependencyFacts('  ')).toEqual({ kind: 'none' });
    expect(dependencyFacts({})).toEqual({ kind: 'none' });
    expect(dependencyFacts([1, 2])).toEqual({ kind: 'json', text: '[1,2]' });
    const nested = fieldValue({ a: 'x'.repeat(300) });
    expect(nested).toHaveLength(160);
    expect(nested.endsWith('…')).toBe(true);
  });
});
