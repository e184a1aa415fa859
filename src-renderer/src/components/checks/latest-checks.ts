import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';

/** The checks of an attempt's last round, from its steps (in seq order). */
export function lastRoundChecks(steps: readonly Step[]): CheckOutcome[] {
  const checks = steps.flatMap((s) => (s.kind === 'check' ? [s.check] : []));
  const round = Math.max(-1, ...checks.map((c) => c.round));
  return checks.filter((c) => c.round === round);
}

/**
 * What a task's checks came to: its output's (a done task, or one waiting for its diff review),
 * else its latest attempt's steps (a task whose checks failed, or that runs them now).
 */
export function taskChecks(
  output: unknown,
  book: Readonly<Record<number, readonly Step[]>> | undefined,
): { checks: CheckOutcome[]; rounds: number } {
  if (isCodingOutput(output) && output.checks)
    return { checks: output.checks, rounds: output.fix_rounds ?? 0 };
  const attempts = Object.keys(book ?? {}).map(Number);
  if (attempts.length === 0) return { checks: [], rounds: 0 };
  const checks = lastRoundChecks(book![Math.max(...attempts)] ?? []);
  return { checks, rounds: checks[0]?.round ?? 0 };
}

/** One check's mark and its words: "✓ passed", "✗ failed: 1 of 3 tests failing". */
export function checkMark(c: CheckOutcome): { mark: string; tone: string; words: string } {
  const tests = c.tests
    ? c.tests.failed > 0
      ? `: ${c.tests.failed} of ${c.tests.passed + c.tests.failed} tests failing`
      : `: ${c.tests.passed} tests passed`
    : '';
  switch (c.status) {
    case 'passed':
      return { mark: '✓', tone: 'done', words: `passed${tests}` };
    case 'failed':
      return {
        mark: '✗',
        tone: 'failed',
        words: `failed${c.exit_code === null ? '' : ` (exit ${c.exit_code})`}${tests}`,
      };
    case 'timed_out':
      return { mark: '⏱', tone: 'failed', words: `timed out${tests}` };
    case 'running':
      return { mark: '…', tone: 'in_progress', words: 'running' };
  }
}
