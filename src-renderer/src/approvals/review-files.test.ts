import { describe, expect, it } from 'vitest';
import { splitUnifiedDiff } from './diff-review.ts';
import { filterFiles, reviewFiles } from './review-files.ts';

const DIFF = `diff --git a/src/app.ts b/src/app.ts
index 1111111..2222222 100644
--- a/src/app.ts
+++ b/src/app.ts
@@ -1 +1 @@
-const b = 2;
+const b = 3;
diff --git a/docs/a.md b/docs/b.md
similarity index 90%
rename from docs/a.md
rename to docs/b.md
`;

describe('reviewFiles', () => {
  it('lists every file the host listed, with its part of the diff when the diff read reaches it', () => {
    const parts = splitUnifiedDiff(DIFF);
    const files = reviewFiles(
      [
        { path: 'src/app.ts', status: 'modified', additions: 1, deletions: 1 },
        { path: 'docs/b.md', old_path: 'docs/a.md', status: 'renamed', additions: 0, deletions: 0 },
        { path: 'zz/past-the-cut.ts', status: 'added', additions: 4, deletions: 0 },
      ],
      parts,
    );
    expect(files.map((f) => [f.path, f.oldPath, f.part?.path ?? null])).toEqual([
      ['src/app.ts', null, 'src/app.ts'],
      ['docs/b.md', 'docs/a.md', 'docs/b.md'],
      ['zz/past-the-cut.ts', null, null],
    ]);
  });

  it('falls back on the diff’s own files without a list', () => {
    const files = reviewFiles(null, splitUnifiedDiff(DIFF));
    expect(files.map((f) => [f.path, f.oldPath, f.status, f.additions, f.deletions])).toEqual([
      ['src/app.ts', null, 'modified', 1, 1],
      ['docs/b.md', 'docs/a.md', 'renamed', 0, 0],
    ]);
  });
});

describe('filterFiles', () => {
  const files = reviewFiles(
    [
      { path: 'src/App.test.ts', status: 'added', additions: 1, deletions: 0 },
      { path: 'src/app.ts', status: 'modified', additions: 1, deletions: 1 },
      { path: 'docs/new.md', old_path: 'docs/old.md', status: 'renamed', additions: 0, deletions: 0 },
    ],
    [],
  );
  const paths = (query: string) => filterFiles(files, query).map((f) => f.path);

  it('keeps the files whose path holds every word, case aside; the former path counts', () => {
    expect(paths('')).toEqual(['src/App.test.ts', 'src/app.ts', 'docs/new.md']);
    expect(paths('  ')).toHaveLength(3);
    expect(paths('APP')).toEqual(['src/App.test.ts', 'src/app.ts']);
    expect(paths('src test')).toEqual(['src/App.test.ts']);
    expect(paths('old.md')).toEqual(['docs/new.md']);
    expect(paths('nothing')).toEqual([]);
  });
});
