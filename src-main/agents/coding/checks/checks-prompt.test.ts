import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { checksFailedPrompt, checksFailedText, PROMPT_TAIL_CHARS } from './checks-prompt.ts';
import { checksOf } from './fix-loop.ts';

const failed: CheckOutcome = {
  name: 'test',
  status: 'failed',
  exit_code: 1,
  duration_ms: 300,
  output_tail: `${'x'.repeat(PROMPT_TAIL_CHARS)}\nnot ok 2 - adds negatives\n`,
  output_bytes: 9_000,
  tests: { passed: 1, failed: 1, failing: ['adds negatives'], source: 'tap' },
  round: 0,
};
const hung: CheckOutcome = {
  ...failed,
  name: 'e2e',
  status: 'timed_out',
  exit_code: null,
  tests: null,
  output_tail: '',
};

describe('what goes back to the agent when checks fail', () => {
  it('names each failing check, its failing tests and the end of its output, and the round', () => {
    const prompt = checksFailedPrompt('fix', [failed, hung], 1, 2);
    expect(prompt).toContain('task fix, and 2 failed (fix round 1 of 2)');
    expect(prompt).toContain(
      'Check "test" failed (exit code 1): 1 of 2 tests failing.\nFailing tests:\n- adds negatives',
    );
    expect(prompt).toContain('not ok 2 - adds negatives\n```');
    expect(prompt).toContain('Check "e2e" timed out.');
    // Only the end of a long output.
    expect(prompt.length).toBeLessThan(PROMPT_TAIL_CHARS + 1_000);
  });

  it('says why the attempt fails after the last round', () => {
    expect(checksFailedText([failed, hung], 2)).toBe(
      'checks failed after 2 fix rounds: test failed (exit code 1): 1 of 2 tests failing (adds negatives), e2e timed out',
    );
    expect(checksFailedText([hung], 0)).toBe('checks failed: e2e timed out');
  });
});

describe("a task's checks", () => {
  const all = [
    { name: 'test', command: ['npm', 'test'] },
    { name: 'lint', command: ['npm', 'run', 'lint'] },
  ];
  it("are all the workspace's by default, those it names in the workspace's order, or none", () => {
    expect(checksOf({}, all)).toEqual(all);
    expect(checksOf({ checks: ['lint', 'test'] }, all)).toEqual(all);
    expect(checksOf({ checks: ['lint'] }, all)).toEqual([all[1]]);
    expect(checksOf({ checks: [] }, all)).toEqual([]);
  });
});
