import type { BestOfCandidate, BestOfSummary } from '../../../src-shared/schemas/best-of.ts';
import { spendText } from '../format/cost.ts';

/** The candidate whose work the task holds (under review, or its result). */
export const winnerOf = (best: BestOfSummary): BestOfCandidate | undefined =>
  best.candidates.find((c) => c.candidate === best.winner);

/** "candidate #2 of 3, ranked first" / "…, picked by Ana": which one the task's work is. */
export function whichCandidate(best: BestOfSummary): string {
  const how = best.picked_by ? `picked by ${best.picked_by}` : 'ranked first';
  return `candidate #${best.winner} of ${best.candidates.length}, ${how}`;
}

/** One candidate in a few words: its number, its own agent, its checks and fix rounds. */
export function candidateLine(c: BestOfCandidate): string {
  const rounds = c.fix_rounds ?? 0;
  const checks =
    c.checks_line || (c.status === 'failed' ? 'no work' : c.status === 'cancelled' ? 'stopped' : '');
  return [
    `#${c.candidate} ${c.agent_id}`,
    checks,
    rounds > 0 ? `${rounds} fix round${rounds === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * What the task's cost is made of, candidate by candidate with its own agent: "#1 qwen-coder
 * $0.0100, #2 codex-coder unknown". A judge's answer is counted in the task's cost, not here.
 */
export function candidateCosts(best: BestOfSummary): string {
  return [...best.candidates]
    .sort((a, b) => a.candidate - b.candidate)
    .map((c) => `#${c.candidate} ${c.agent_id} ${spendText(c.cost_usd, false, '$')}`)
    .join(', ');
}
