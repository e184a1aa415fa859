import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import { checkMark, taskChecks } from './latest-checks.ts';

const check = (name: string, status: CheckOutcome['status'], round: number): CheckOutcome => ({
  name,
  status,
  exit_code: status === 'failed' ? 1 : 0,
  duration_ms: 10,
  output_tail: '',
  output_bytes: 0,
  tests: null,
  round,
});
const step = (seq: number, c: CheckOutcome): Step => ({
  kind: 'check',
  seq,
  at: '2026-01-01T00:00:00Z',
  check: c,
});

describe("a task's checks", () => {
  it("are its output's when it has them", () => {
    const output = {
      workspace_id: 'w',
      branch: 'b',
      commit: 'c',
      files: [],
      checks: [check('test', 'passed', 1)],
      fix_rounds: 1,
    };
    expect(taskChecks(output, {})).toEqual({ checks: [check('test', 'passed', 1)], rounds: 1 });
  });

  it("are else the last round's of its latest attempt", () => {
    const book = {
      1: [step(3, check('test', 'failed', 0))],
      2: [
        step(3, check('test', 'failed', 0)),
        step(4, check('lint', 'passed', 0)),
        step(9, check('test', 'timed_out', 1)),
        step(10, check('lint', 'passed', 1)),
      ],
    };
    expect(taskChecks(null, book)).toEqual({
      checks: [check('test', 'timed_out', 1), check('lint', 'passed', 1)],
      rounds: 1,
    });
    expect(taskChecks(null, undefined)).toEqual({ checks: [], rounds: 0 });
  });

  it('are marked in words', () => {
    expect(
      checkMark({
        ...check('t', 'failed', 0),
        tests: { passed: 2, failed: 1, failing: ['x'], source: 'tap' },
      }).words,
    ).toBe('failed (exit 1): 1 of 3 tests failing');
    expect(checkMark(check('t', 'timed_out', 0))).toMatchObject({ mark: '⏱', tone: 'failed' });
  });
});
