import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportedFile } from './test-times.ts';
import { slowestFiles, slowestLines } from './test-times.ts';

const root = '/repo';
const file = (name: string, seconds: number): ReportedFile => ({
  name: join(root, name),
  startTime: 1_000_000,
  endTime: 1_000_000 + seconds * 1000,
  status: 'passed',
});

describe("the suite's time by file", () => {
  it('puts the slowest first, ties by name, at most n', () => {
    const files = [
      file('b.test.ts', 2),
      file('a.test.ts', 2),
      file('slow.test.ts', 90.25),
      file('quick.test.ts', 0.1),
    ];
    expect(slowestFiles(files, root, 3)).toEqual([
      { file: 'slow.test.ts', ms: 90_250 },
      { file: 'a.test.ts', ms: 2000 },
      { file: 'b.test.ts', ms: 2000 },
    ]);
  });

  it('prints seconds right-aligned, and what all the files took', () => {
    const lines = slowestLines(
      [file('test/e2e/app.test.ts', 123.45), file('src-main/x.test.ts', 1.5)],
      root,
      20,
    );
    expect(lines).toEqual([
      "The 2 slowest test files (from a file's first test to its last, in seconds):",
      '  123.5  test/e2e/app.test.ts',
      '    1.5  src-main/x.test.ts',
      'All 2 files together: 125.0 s (side by side: more than the run took).',
    ]);
  });

  it('says so when the report has no file', () => {
    expect(slowestLines([], root)).toEqual(['No test file in the report: no times to show.']);
  });
});
