import { describe, expect, it } from 'vitest';
import type { SkillRecord } from './skill-record.ts';
import { rankRecords, smoothedRate } from './skill-record.ts';

const record = (agent_id: string, r: Partial<SkillRecord>): SkillRecord => ({
  agent_id,
  skill: 'ts',
  attempts: 0,
  checked: 0,
  checks_passed: 0,
  fix_rounds: 0,
  candidacies: 0,
  wins: 0,
  ...r,
});

describe("a skill's leaderboard", () => {
  it('ranks by smoothed wins, then smoothed checks passed, then attempts, then id', () => {
    const rows = rankRecords([
      record('newcomer', { attempts: 1, checked: 1, checks_passed: 1 }),
      record('lucky', { attempts: 1, candidacies: 1, wins: 1 }),
      record('steady', { attempts: 10, candidacies: 8, wins: 6, checked: 10, checks_passed: 9 }),
      record('loser', { attempts: 6, candidacies: 6, wins: 0, checked: 6, checks_passed: 6 }),
      record('busy', { attempts: 4, checked: 1, checks_passed: 1 }),
      record('also-new', { attempts: 1, checked: 1, checks_passed: 1 }),
    ]);
    expect(rows.map((r) => [r.rank, r.agent_id, r.win_rate, r.checks_rate])).toEqual([
      // 7/10 beats one lucky win (2/3); no candidacy sits at ½, above six losses (1/8).
      [1, 'steady', 0.7, 0.8333],
      [2, 'lucky', 0.6667, 0.5],
      [3, 'busy', 0.5, 0.6667],
      [4, 'also-new', 0.5, 0.6667],
      [5, 'newcomer', 0.5, 0.6667],
      [6, 'loser', 0.125, 0.875],
    ]);
  });

  it('smooths a rate towards ½ when little is known', () => {
    expect(smoothedRate(0, 0)).toBe(0.5);
    expect(smoothedRate(1, 1)).toBeCloseTo(2 / 3);
    expect(smoothedRate(99, 100)).toBeCloseTo(100 / 102);
  });
});
