// `npm test`: typecheck, lint, build, then every vitest project (unit, integration, e2e).
// Ends with the 20 slowest test files, then one line `N passed, N failed, N skipped` counting
// tests plus the checks before them: that line is always the last.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureName } from './kit/fixtures.ts';
import { FIXTURES, fixturePresent, missingFixtureLine } from './kit/fixtures.ts';
import type { ReportedFile } from './kit/test-times.ts';
import { slowestLines } from './kit/test-times.ts';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];

function step(name: string, cmd: string, args: string[]): boolean {
  process.stdout.write(`\n── ${name} ──\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status === 0) {
    passed++;
    return true;
  }
  failed++;
  failures.push(name);
  return false;
}

step('typecheck (node side)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
step('typecheck (web side)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
step('lint and format (biome)', bin('biome'), ['check', '.']);
const built = step('build (electron-vite)', bin('electron-vite'), ['build']);

// Optional fixtures that are missing: their tests skip (test/kit/fixtures.ts); said before and after.
const missing = (Object.keys(FIXTURES) as FixtureName[]).filter((f) => !fixturePresent(f));
const sayMissing = () => {
  for (const f of missing) process.stdout.write(`\n${missingFixtureLine(f)}\n`);
};

process.stdout.write('\n── tests (vitest: unit, integration, e2e) ──\n');
sayMissing();
const report = join(results, 'vitest.json');
rmSync(report, { force: true });
const projects = built ? [] : ['--project', 'unit']; // e2e needs the built UI
let slowest: string[] = [];
const vitest = spawnSync(
  bin('vitest'),
  ['run', ...projects, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { cwd: root, stdio: 'inherit', env: process.env },
);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
    testResults: ReportedFile[];
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
  skipped += r.numPendingTests + r.numTodoTests;
  if (r.numFailedTests > 0 || r.numFailedTestSuites > 0) failures.push('tests');
  slowest = slowestLines(r.testResults, root);
} else {
  failed++;
  failures.push('tests (vitest wrote no report)');
}
if (vitest.status !== 0 && !failures.some((f) => f.startsWith('tests'))) {
  failed++;
  failures.push(`tests (vitest exited ${vitest.status})`);
}
if (!built) failures.push('e2e not run: the build failed');

if (slowest.length > 0) process.stdout.write(`\n${slowest.join('\n')}\n`);
sayMissing();
process.stdout.write(`\n${failures.length ? `Failed: ${failures.join('; ')}\n` : ''}`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 || failures.length > 0 ? 1 : 0);
