import { describe, expect, it } from 'vitest';
import type { ReviewFile } from './review-files.ts';
import { countViewed, fingerprint, mark, parseMarks, sameContent, viewedState } from './viewed-files.ts';

const file = (path: string, text: string | null, adds = 1): ReviewFile => ({
  path,
  oldPath: null,
  status: 'modified',
  additions: adds,
  deletions: 0,
  part:
    text === null
      ? null
      : {
          path,
          oldPath: path,
          newPath: path,
          status: 'modified',
          text,
          binary: false,
          additions: adds,
          deletions: 0,
        },
});
const diffOf = (blob: string) =>
  `diff --git a/a.ts b/a.ts\nindex 1111111..${blob} 100644\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n`;

describe('files marked viewed', () => {
  it('knows a file by the blob of its new content, whichever diff it comes from', () => {
    expect(fingerprint(file('a.ts', diffOf('abcdef1')))).toBe('blob:abcdef1');
    // The diff since an earlier review starts from another blob: the same content now.
    const since = diffOf('abcdef1').replace('1111111', '2222222');
    expect(fingerprint(file('a.ts', since))).toBe('blob:abcdef1');
    expect(sameContent('blob:abcdef1', 'blob:abcdef1234')).toBe(true);
    expect(sameContent('blob:abcdef1', 'blob:abcdef2')).toBe(false);
    // No index line (a pure rename): its part of the diff; past the read part: its +/-.
    expect(fingerprint(file('a.ts', 'diff --git a/b.ts b/a.ts\nrename from b.ts\n'))).toMatch(/^text:/);
    expect(fingerprint(file('a.ts', null, 3))).toBe('count:3/0');
  });

  it('keeps a file viewed while it is the same, and says it changed since once it is not', () => {
    const before = file('a.ts', diffOf('abcdef1'));
    const marks = mark({}, before, true);
    expect(viewedState(marks, before)).toBe('viewed');
    expect(viewedState(marks, file('a.ts', diffOf('9999999')))).toBe('changed');
    expect(viewedState(marks, file('b.ts', diffOf('abcdef1')))).toBe('unviewed');
    expect(countViewed(marks, [before, file('b.ts', diffOf('abcdef1'))])).toBe(1);
    expect(mark(marks, before, false)).toEqual({});
  });

  it('reads what was stored, and nothing from what is not marks', () => {
    expect(parseMarks('{"a.ts":"blob:1234567","b":3}')).toEqual({ 'a.ts': 'blob:1234567' });
    expect(parseMarks('not json')).toEqual({});
    expect(parseMarks('[1]')).toEqual({});
    expect(parseMarks(null)).toEqual({});
  });
});
