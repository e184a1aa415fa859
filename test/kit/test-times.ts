// The suite's time, file by file, from vitest's JSON report (`test-results/vitest.json`, written
// by `npm test`): test/run-all.ts prints the slowest files at the end of a run.
import { relative } from 'node:path';

/** What the JSON report says of one test file. */
export interface ReportedFile {
  /** The file's absolute path. */
  name: string;
  /** When its first test started and its last test ended (ms since the epoch). */
  startTime: number;
  endTime: number;
  status: string;
}

/** One file's time: from its first test's start to its last test's end. */
export interface FileTime {
  file: string;
  ms: number;
}

/** The `n` slowest files of a report, slowest first (ties by name), paths from `root`. */
export function slowestFiles(files: readonly ReportedFile[], root: string, n: number): FileTime[] {
  return files
    .map((f) => ({
      file: relative(root, f.name).split('\\').join('/'),
      ms: Math.max(0, f.endTime - f.startTime),
    }))
    .sort((a, b) => b.ms - a.ms || (a.file < b.file ? -1 : 1))
    .slice(0, n);
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * The lines run-all prints: a heading, a line per file (its seconds right-aligned), and what all
 * the files took together. A report with no file says so.
 */
export function slowestLines(files: readonly ReportedFile[], root: string, n = 20): string[] {
  if (files.length === 0) return ['No test file in the report: no times to show.'];
  const slowest = slowestFiles(files, root, n);
  const total = files.reduce((sum, f) => sum + Math.max(0, f.endTime - f.startTime), 0);
  const width = seconds(slowest[0]!.ms).length;
  return [
    `The ${slowest.length} slowest test files (from a file's first test to its last, in seconds):`,
    ...slowest.map((t) => `  ${seconds(t.ms).padStart(width)}  ${t.file}`),
    files.length > 1
      ? `All ${files.length} files together: ${seconds(total)} s (side by side: more than the run took).`
      : `The one file: ${seconds(total)} s.`,
  ];
}
