import { describe, expect, it } from 'vitest';
import type { BestOfCandidate, BestOfSummary } from '../../../src-shared/schemas/best-of.ts';
import { candidateCosts, candidateLine, whichCandidate } from './best-of-facts.ts';

const c = (k: number, o: Partial<BestOfCandidate> = {}): BestOfCandidate => ({
  candidate: k,
  agent_id: k === 2 ? 'codex-coder' : 'qwen-coder',
  branch: `b-c${k}`,
  commit: 'a',
  start_commit: 's',
  status: 'passed',
  checks_passed: 1,
  checks_total: 1,
  checks_line: 'test ✓',
  cost_usd: 0.01 * k,
  duration_ms: 1000,
  diff_lines: 2,
  files: 1,
  additions: 1,
  deletions: 1,
  summary: '',
  rank: k,
  reason: '',
  ...o,
});

describe('a best-of task’s facts', () => {
  const best: BestOfSummary = {
    winner: 2,
    judge: null,
    candidates: [c(2), c(1, { fix_rounds: 1 }), c(3, { cost_usd: null })],
  };
  it('names the candidate under review, and how it came to be', () => {
    expect(whichCandidate(best)).toBe('candidate #2 of 3, ranked first');
    expect(whichCandidate({ ...best, picked_by: 'Ana' })).toBe('candidate #2 of 3, picked by Ana');
  });
  it('says each candidate with its own agent, checks and fix rounds', () => {
    expect(candidateLine(c(1, { fix_rounds: 1 }))).toBe('#1 qwen-coder · test ✓ · 1 fix round');
    expect(candidateLine(c(3, { status: 'failed', checks_line: '' }))).toBe('#3 qwen-coder · no work');
  });
  it('splits the cost by candidate, in order, an unknown one said so', () => {
    expect(candidateCosts(best)).toBe('#1 qwen-coder $0.01, #2 codex-coder $0.02, #3 qwen-coder unknown');
  });
});
