import { describe, expect, it } from 'vitest';
import type { BestOfCandidate } from '../../../../src-shared/schemas/best-of.ts';
import { openDatabase } from '../../../store/db.ts';
import { createStore } from '../../../store/store.ts';
import { codingStore } from './coding-store.ts';

const candidate = (k: number, fix_rounds?: number): BestOfCandidate => ({
  candidate: k,
  agent_id: `agent-${k}`,
  branch: `baton/r/t-c${k}`,
  commit: 'a'.repeat(40),
  start_commit: 'b'.repeat(40),
  status: 'passed',
  checks_passed: 1,
  checks_total: 1,
  checks_line: 'test ✓',
  cost_usd: null,
  duration_ms: 1_000,
  diff_lines: 2,
  files: 1,
  additions: 1,
  deletions: 1,
  ...(fix_rounds === undefined ? {} : { fix_rounds }),
  summary: 'done',
  rank: k,
  reason: k === 1 ? 'ranked first' : 'ranked below',
});

describe('best-of candidates as stored', () => {
  it('keeps each candidate’s fix rounds (none when a worker’s summary gave none)', () => {
    const store = codingStore(createStore(openDatabase(':memory:')));
    store.bestOf.save('r', 't', 1, { winner: 1, judge: null, candidates: [candidate(1, 2), candidate(2)] });
    expect(store.bestOf.latest('r', 't')!.candidates.map((c) => [c.candidate, c.fix_rounds])).toEqual([
      [1, 2],
      [2, 0],
    ]);
  });
});
