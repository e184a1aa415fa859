import { describe, expect, it } from 'vitest';
import { commentsByLine, langOf, splitUnifiedDiff } from './diff-review.ts';

/** A diff as `git diff` writes it: a change, a new file, a deletion, a rename with a change, a binary. */
const DIFF = `diff --git a/src/app.ts b/src/app.ts
index 1111111..2222222 100644
--- a/src/app.ts
+++ b/src/app.ts
@@ -1,3 +1,4 @@
 import { a } from './a';
-const b = 2;
+const b = 3;
+const c = 4;
 export { a, b };
diff --git a/src/new.ts b/src/new.ts
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/src/new.ts
@@ -0,0 +1,2 @@
+export const x = 1;
+export const y = 2;
diff --git a/old.md b/old.md
deleted file mode 100644
index 4444444..0000000
--- a/old.md
+++ /dev/null
@@ -1 +0,0 @@
-# gone
diff --git a/docs/a.md b/docs/b.md
similarity index 90%
rename from docs/a.md
rename to docs/b.md
index 5555555..6666666 100644
--- a/docs/a.md
+++ b/docs/b.md
@@ -1,2 +1,2 @@
 # Doc
-old line
+new line
diff --git a/logo.png b/logo.png
index 7777777..8888888 100644
Binary files a/logo.png and b/logo.png differ
`;

describe('a unified diff split into files', () => {
  const parts = splitUnifiedDiff(DIFF);
  it('names each file, how it changed, and counts its lines', () => {
    expect(parts.map(({ text: _t, ...p }) => p)).toEqual([
      {
        path: 'src/app.ts',
        oldPath: 'src/app.ts',
        newPath: 'src/app.ts',
        status: 'modified',
        binary: false,
        additions: 2,
        deletions: 1,
      },
      {
        path: 'src/new.ts',
        oldPath: null,
        newPath: 'src/new.ts',
        status: 'added',
        binary: false,
        additions: 2,
        deletions: 0,
      },
      {
        path: 'old.md',
        oldPath: 'old.md',
        newPath: null,
        status: 'deleted',
        binary: false,
        additions: 0,
        deletions: 1,
      },
      {
        path: 'docs/b.md',
        oldPath: 'docs/a.md',
        newPath: 'docs/b.md',
        status: 'renamed',
        binary: false,
        additions: 1,
        deletions: 1,
      },
      {
        path: 'logo.png',
        oldPath: 'logo.png',
        newPath: 'logo.png',
        status: 'modified',
        binary: true,
        additions: 0,
        deletions: 0,
      },
    ]);
  });
  it('keeps each file’s own part of the diff, whole, for the viewer', () => {
    expect(parts[1]!.text).toBe(
      'diff --git a/src/new.ts b/src/new.ts\nnew file mode 100644\nindex 0000000..3333333\n--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,2 @@\n+export const x = 1;\n+export const y = 2;\n',
    );
    expect(parts.map((p) => p.text).join('')).toBe(DIFF);
  });
  it('does not count a line that starts with --- or +++ inside a hunk as a header', () => {
    const [p] = splitUnifiedDiff(
      'diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n---- rule\n++++ rule\n',
    );
    expect(p).toMatchObject({ additions: 1, deletions: 1, oldPath: 'x.md', newPath: 'x.md' });
  });
  it('is empty for an empty diff', () => {
    expect(splitUnifiedDiff('')).toEqual([]);
  });
});

describe('the viewer’s helpers', () => {
  it('picks a highlighting language by extension', () => {
    expect(['a.ts', 'b/c.PY', 'Dockerfile', 'x.unknown', 'README'].map(langOf)).toEqual([
      'typescript',
      'python',
      'dockerfile',
      'plaintext',
      'plaintext',
    ]);
  });
  it('puts line comments under their line and side, for one file', () => {
    const c = [
      { path: 'a.ts', line: 3, body: 'why 3?' },
      { path: 'a.ts', line: 3, side: 'new' as const, body: 'and a test' },
      { path: 'a.ts', line: 2, side: 'old' as const, body: 'keep this' },
      { path: 'b.ts', line: 1, body: 'other file' },
    ];
    expect(commentsByLine(c, 'a.ts')).toEqual({
      oldFile: { '2': { data: [c[2]] } },
      newFile: { '3': { data: [c[0], c[1]] } },
    });
  });
});
