import type { CandidateStatus } from '../../../../src-shared/schemas/best-of.ts';

/** What the ranking reads of one candidate. */
export interface Rankable {
  candidate: number;
  status: CandidateStatus;
  checks_passed: number;
  checks_total: number;
  diff_lines: number;
  cost_usd: number | null;
  /** Absent (what older versions stored): 0. */
  fix_rounds?: number | undefined;
  duration_ms: number;
}

export interface Ranked<C extends Rankable> {
  of: C;
  rank: number;
  reason: string;
}

/** Where a candidate's ending puts it: work whose checks all passed, then work with red checks, then none. */
const tier = (c: Rankable): number => (c.status === 'passed' ? 0 : c.status === 'checks_failed' ? 1 : 2);

const checksText = (c: Rankable) => `${c.checks_passed}/${c.checks_total} checks passed`;
const costText = (c: Rankable) => (c.cost_usd === null ? 'an unknown cost' : `$${c.cost_usd.toFixed(4)}`);
const ENDED: Record<CandidateStatus, string> = {
  passed: 'its checks passed',
  checks_failed: 'its checks failed',
  failed: 'it produced no work',
  cancelled: 'it was stopped',
};

const rounds = (c: Rankable) => c.fix_rounds ?? 0;
const roundsText = (n: number) => `${n} fix round${n === 1 ? '' : 's'}`;
/** Times within a second of each other tie: a candidate is not better for a few milliseconds. */
const seconds = (c: Rankable) => Math.round(c.duration_ms / 1000);

/**
 * Ranks a best-of attempt's candidates, best first: all checks passed beats checks failing,
 * which beats no work at all; then more checks passed; then the judge's pick (when it named one
 * of the tied); then the smaller diff; then the lower cost (an unknown cost last); then fewer fix
 * rounds (its checks passed with less going back); then the quicker (to the second); then the
 * one started first. Each gets the reason it stands where it does, said against its neighbour.
 */
export function rankCandidates<C extends Rankable>(
  candidates: readonly C[],
  judgePick: number | null = null,
): Ranked<C>[] {
  const picked = (c: Rankable) => (c.candidate === judgePick && tier(c) < 2 ? 0 : 1);
  const cost = (c: Rankable) => c.cost_usd ?? Number.POSITIVE_INFINITY;
  const order = [...candidates].sort(
    (a, b) =>
      tier(a) - tier(b) ||
      b.checks_passed - a.checks_passed ||
      picked(a) - picked(b) ||
      a.diff_lines - b.diff_lines ||
      cost(a) - cost(b) ||
      rounds(a) - rounds(b) ||
      seconds(a) - seconds(b) ||
      a.candidate - b.candidate,
  );
  /** The first rule that puts `a` before `b`, in words about `a`. */
  const why = (a: C, b: C): string => {
    if (tier(a) !== tier(b)) return `${ENDED[a.status]}; #${b.candidate}: ${ENDED[b.status]}`;
    if (a.checks_passed !== b.checks_passed)
      return `${checksText(a)}; #${b.candidate}: ${b.checks_passed}/${b.checks_total}`;
    if (picked(a) !== picked(b)) return `the judge picked it over #${b.candidate}`;
    if (a.diff_lines !== b.diff_lines)
      return `${ENDED[a.status]} as #${b.candidate}'s did, with a smaller diff (${a.diff_lines} lines changed; #${b.candidate}: ${b.diff_lines})`;
    if (cost(a) !== cost(b))
      return `${ENDED[a.status]} and its diff was as small as #${b.candidate}'s, at a lower cost (${costText(a)}; #${b.candidate}: ${costText(b)})`;
    const same = `${ENDED[a.status]}, with a diff as small as #${b.candidate}'s at the same cost`;
    if (rounds(a) !== rounds(b))
      return `${same}, in fewer fix rounds (${roundsText(rounds(a))}; #${b.candidate}: ${rounds(b)})`;
    if (seconds(a) !== seconds(b))
      return `${same} and fix rounds, in less time (${seconds(a)} s; #${b.candidate}: ${seconds(b)} s)`;
    return `tied with #${b.candidate} on checks, diff, cost, fix rounds and time: the one started first`;
  };
  return order.map((c, i) => {
    const rank = i + 1;
    if (order.length === 1) return { of: c, rank, reason: `the only candidate: ${ENDED[c.status]}` };
    if (i === 0) return { of: c, rank, reason: `ranked first: ${why(c, order[1]!)}` };
    const above = order[i - 1]!;
    return { of: c, rank, reason: `ranked below #${above.candidate}, which won on: ${why(above, c)}` };
  });
}
