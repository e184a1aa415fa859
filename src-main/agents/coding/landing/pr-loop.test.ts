import { describe, expect, it } from 'vitest';
import type { ChecksSeen, ReviewSeen } from '../../../forges/index.ts';
import type { LoopSoFar } from './pr-loop.ts';
import { commentMarker, fixedComment, prAsk } from './pr-loop.ts';

const so: LoopSoFar = {
  task_id: 'api',
  pr_number: 4,
  head_sha: 'a'.repeat(40),
  rounds: 0,
  max: 2,
  handled: [],
};
const green: ChecksSeen = { total: 1, failed: [], failures: [], pending: 0 };
const red: ChecksSeen = {
  total: 2,
  failed: ['test'],
  failures: [{ name: 'test', conclusion: 'failure', output: 'expected 200, got 500' }],
  pending: 0,
};
const changes: ReviewSeen = {
  id: 77,
  state: 'CHANGES_REQUESTED',
  user: 'alice',
  body: 'Name the route /healthz',
  commit_id: 'a'.repeat(40),
  comments: [{ path: 'src/api.ts', line: 3, body: 'not here' }],
};

describe('what an open pull request asks of its agent', () => {
  it('sends failing checks back with their names and output, once per head commit', () => {
    const ask = prAsk(so, red, []);
    expect(ask).toMatchObject({
      kind: 'fix',
      fix: {
        kind: 'checks',
        key: `checks:${'a'.repeat(40)}`,
        round: 1,
        summary: 'the check test failed',
        run_id: null,
      },
    });
    if (ask.kind !== 'fix') throw new Error('no fix');
    expect(ask.fix.prompt).toContain('Check test (failure):\nexpected 200, got 500');
    expect(ask.fix.prompt).toContain('fix round 1 of 2');
    expect(prAsk({ ...so, handled: [`checks:${'a'.repeat(40)}`] }, red, [])).toEqual({ kind: 'none' });
    // A new head with failing checks is a new round.
    expect(
      prAsk({ ...so, rounds: 1, head_sha: 'b'.repeat(40), handled: [`checks:${'a'.repeat(40)}`] }, red, []),
    ).toMatchObject({ kind: 'fix', fix: { round: 2 } });
  });

  it('waits for checks still running, and does nothing on green checks and approvals', () => {
    expect(prAsk(so, { ...red, pending: 1 }, [])).toEqual({ kind: 'none' });
    expect(prAsk(so, green, [{ ...changes, state: 'APPROVED' }])).toEqual({ kind: 'none' });
  });

  it('sends a review asking for changes back with its body and line comments, once per review', () => {
    const ask = prAsk(so, green, [changes]);
    expect(ask).toMatchObject({ kind: 'fix', fix: { kind: 'review', key: 'review:77', reviewer: 'alice' } });
    if (ask.kind !== 'fix') throw new Error('no fix');
    expect(ask.fix.prompt).toContain('Name the route /healthz');
    expect(ask.fix.prompt).toContain('- src/api.ts:3: not here');
    expect(prAsk({ ...so, handled: ['review:77'] }, green, [changes])).toEqual({ kind: 'none' });
  });

  it('takes failing checks before a review', () => {
    expect(prAsk(so, red, [changes])).toMatchObject({ kind: 'fix', fix: { kind: 'checks' } });
  });

  it("stops at the task's fix rounds and says so once", () => {
    expect(prAsk({ ...so, rounds: 2 }, red, [])).toEqual({
      kind: 'spent',
      key: `checks:${'a'.repeat(40)}`,
      message:
        "the check test failed, and the task's 2 fix rounds are used up: a person's turn on pull request #4",
    });
    expect(prAsk({ ...so, rounds: 0, max: 0 }, green, [changes])).toMatchObject({
      kind: 'spent',
      key: 'review:77',
    });
  });

  it('leaves a comment naming the reviewer, the commit and the round, with a marker found after a restart', () => {
    const ask = prAsk(so, green, [changes]);
    if (ask.kind !== 'fix') throw new Error('no fix');
    const body = fixedComment(ask.fix, 'c'.repeat(40), 'run-2');
    expect(body).toContain(
      '@alice Baton pushed cccccccccccc for the changes you asked for (fix round 1, run run-2).',
    );
    expect(body).toContain(commentMarker(ask.fix));
    expect(commentMarker(ask.fix)).toBe('<!-- baton:review:77 -->');
  });
});
