import { describe, expect, it } from 'vitest';
import type { Rankable } from './rank.ts';
import { rankCandidates } from './rank.ts';

const c = (candidate: number, o: Partial<Rankable> = {}): Rankable => ({
  candidate,
  status: 'passed',
  checks_passed: 1,
  checks_total: 1,
  diff_lines: 10,
  cost_usd: 0.01,
  duration_ms: 60_000,
  ...o,
});
const order = (r: { of: Rankable }[]) => r.map((x) => x.of.candidate);

describe('rankCandidates', () => {
  it('puts checks first: all passed beats red checks, which beats no work', () => {
    const r = rankCandidates([
      c(1, { status: 'failed', checks_passed: 0, diff_lines: 0 }),
      c(2, { status: 'checks_failed', checks_passed: 0, diff_lines: 1 }),
      c(3, { diff_lines: 500, cost_usd: 9 }),
    ]);
    expect(order(r)).toEqual([3, 2, 1]);
    expect(r.map((x) => x.rank)).toEqual([1, 2, 3]);
    expect(r[0]!.reason).toBe('ranked first: its checks passed; #2: its checks failed');
    expect(r[2]!.reason).toContain('ranked below #2');
  });

  it('counts the checks passed among red ones', () => {
    const r = rankCandidates([
      c(1, { status: 'checks_failed', checks_passed: 1, checks_total: 3 }),
      c(2, { status: 'checks_failed', checks_passed: 2, checks_total: 3, diff_lines: 99 }),
    ]);
    expect(order(r)).toEqual([2, 1]);
    expect(r[0]!.reason).toBe('ranked first: 2/3 checks passed; #1: 1/3');
  });

  it("follows the judge's pick among tied candidates, above the smaller diff", () => {
    const r = rankCandidates([c(1, { diff_lines: 3 }), c(2, { diff_lines: 40 })], 2);
    expect(order(r)).toEqual([2, 1]);
    expect(r[0]!.reason).toBe('ranked first: the judge picked it over #1');
  });

  it('never lets the judge lift a candidate over better checks', () => {
    const r = rankCandidates([c(1), c(2, { status: 'checks_failed', checks_passed: 0 })], 2);
    expect(order(r)).toEqual([1, 2]);
  });

  it('then takes the smaller diff, then the lower cost, an unknown cost last, then the first started', () => {
    expect(order(rankCandidates([c(1, { diff_lines: 20 }), c(2, { diff_lines: 5 })]))).toEqual([2, 1]);
    const cost = rankCandidates([c(1, { cost_usd: null }), c(2, { cost_usd: 0.5 }), c(3, { cost_usd: 0.1 })]);
    expect(order(cost)).toEqual([3, 2, 1]);
    expect(cost[0]!.reason).toContain('at a lower cost ($0.1000; #2: $0.5000)');
    expect(order(rankCandidates([c(2), c(1)]))).toEqual([1, 2]);
  });

  it('then fewer fix rounds, then the quicker (to the second), before the one started first', () => {
    const rounds = rankCandidates([c(1, { fix_rounds: 2 }), c(2, { fix_rounds: 0, duration_ms: 90_000 })]);
    expect(order(rounds)).toEqual([2, 1]);
    expect(rounds[0]!.reason).toBe(
      "ranked first: its checks passed, with a diff as small as #1's at the same cost, in fewer fix rounds (0 fix rounds; #1: 2)",
    );
    // What older versions stored has no fix rounds: none.
    expect(order(rankCandidates([c(1, { fix_rounds: 1 }), c(2, { fix_rounds: undefined })]))).toEqual([2, 1]);
    const time = rankCandidates([c(1, { duration_ms: 80_000 }), c(2, { duration_ms: 45_000 })]);
    expect(order(time)).toEqual([2, 1]);
    expect(time[1]!.reason).toBe(
      "ranked below #2, which won on: its checks passed, with a diff as small as #1's at the same cost and fix rounds, in less time (45 s; #1: 80 s)",
    );
    // A few milliseconds apart is a tie: the one started first.
    const tie = rankCandidates([c(2, { duration_ms: 60_200 }), c(1, { duration_ms: 60_400 })]);
    expect(order(tie)).toEqual([1, 2]);
    expect(tie[0]!.reason).toBe(
      'ranked first: tied with #2 on checks, diff, cost, fix rounds and time: the one started first',
    );
  });

  it('says why a single candidate stands', () => {
    expect(rankCandidates([c(1)])[0]!.reason).toBe('the only candidate: its checks passed');
  });
});
