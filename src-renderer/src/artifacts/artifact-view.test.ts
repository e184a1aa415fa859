import { describe, expect, it } from 'vitest';
import { artifactKind, byteSize, diffCounts, diffLines, imageType, prettyJson } from './artifact-view.ts';

const text = (content: string) => ({ encoding: 'utf8' as const, content });
const bytes = { encoding: 'base64' as const, content: 'iVBORw0KGgo=' };

describe('artifactKind', () => {
  it('shows pictures as pictures, other bytes as binary', () => {
    expect(artifactKind('chart.png', bytes)).toBe('image');
    expect(artifactKind('photo.JPEG', bytes)).toBe('image');
    expect(artifactKind('data.bin', bytes)).toBe('binary');
    // An SVG can hold script: it is text, never drawn.
    expect(imageType('logo.svg')).toBeNull();
    expect(artifactKind('logo.svg', text('<svg/>'))).toBe('text');
  });

  it('knows JSON and diffs by name or by what they hold', () => {
    expect(artifactKind('report.json', text('{"a":1}'))).toBe('json');
    expect(artifactKind('out.txt', text(' {"a": [1, 2]} '))).toBe('json');
    expect(artifactKind('out.txt', text('{not json'))).toBe('text');
    expect(artifactKind('change.patch', text('anything'))).toBe('diff');
    expect(artifactKind('changes.txt', text('diff --git a/x b/x\nindex 1..2\n'))).toBe('diff');
    expect(artifactKind('changes.txt', text('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n'))).toBe('diff');
    expect(artifactKind('notes.md', text('# Notes\n- one\n--- not a diff'))).toBe('text');
  });
});

describe('prettyJson', () => {
  it('lays out one value, or one per line, and leaves what does not parse', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('{"a":1}\n{"b":2}\n')).toBe('{\n  "a": 1\n}\n{\n  "b": 2\n}');
    expect(prettyJson('{"cut": "at the li')).toBe('{"cut": "at the li');
  });
});

describe('diffLines', () => {
  it('tells files, hunks, additions, removals and context apart, and counts them', () => {
    const lines = diffLines('--- a/app.ts\n+++ b/app.ts\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline\n');
    expect(lines.map((l) => l.kind)).toEqual(['file', 'file', 'hunk', 'context', 'del', 'add', 'meta']);
    expect(diffCounts(lines)).toEqual({ added: 1, removed: 1 });
  });
});

describe('byteSize', () => {
  it('says sizes as a person reads them', () => {
    expect(byteSize(96)).toBe('96 B');
    expect(byteSize(2048)).toBe('2.0 KB');
    expect(byteSize(50_000)).toBe('49 KB');
    expect(byteSize(3_500_000)).toBe('3.3 MB');
  });
});
