/**
 * What an agent's work on one skill has taught Baton (docs/agents.md, "Who wins for a skill"),
 * counted from what the store records of each attempt: its check steps and its best-of
 * candidacies. A task's attempt counts for every skill the task requires.
 */
export interface SkillRecord {
  agent_id: string;
  skill: string;
  /**
   * Pieces of work ended: attempts that ended done or failed, each best-of candidate counted as
   * one attempt of its own agent (the attempt that ran the candidates is not counted again).
   */
  attempts: number;
  /** Attempts whose workspace ran checks on them. */
  checked: number;
  /** Attempts whose checks all passed on their last round (after the fix rounds). */
  checks_passed: number;
  /** Fix rounds used in all: how many times failing checks went back to the agent. */
  fix_rounds: number;
  /** Best-of candidacies: times it ran as one of a task's candidates, ranked against the others. */
  candidacies: number;
  /** Candidacies it won: ranked first, or picked by a person at the diff review. */
  wins: number;
}

/** One row of a skill's leaderboard: the record, its smoothed rates and its place. */
export interface LeaderboardRow extends SkillRecord {
  /** Its place, 1 for the best; no two share one (a tie goes by agent id). */
  rank: number;
  /** (wins + 1) / (candidacies + 2): ½ with no candidacy, so a newcomer sits in the middle. */
  win_rate: number;
  /** (checks passed + 1) / (checked + 2): ½ with no checked attempt. */
  checks_rate: number;
}

const percent = (n: number, of: number) => `${Math.round((n / of) * 100)}%`;

/** Best-of wins as a person reads them: "2 of 3 (67%)", or — with no candidacy. */
export function winsCount(r: Pick<SkillRecord, 'wins' | 'candidacies'>): string {
  return r.candidacies === 0 ? '—' : `${r.wins} of ${r.candidacies} (${percent(r.wins, r.candidacies)})`;
}

/** Checks passed as a person reads them: "4 of 5 (80%)", or — when no checks ran. */
export function checksCount(r: Pick<SkillRecord, 'checks_passed' | 'checked'>): string {
  return r.checked === 0
    ? '—'
    : `${r.checks_passed} of ${r.checked} (${percent(r.checks_passed, r.checked)})`;
}

/** A smoothed rate: (hits + 1) / (tries + 2), ½ when nothing is known (Laplace's rule of succession). */
export const smoothedRate = (hits: number, tries: number): number => (hits + 1) / (tries + 2);

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * A skill's records, best first: by win rate among best-of candidates, then by the share of
 * attempts whose checks passed, then by attempts (more work shown wins a tie), then by id.
 * Both rates are smoothed, so one lucky attempt does not top agents with a long good record.
 */
export function rankRecords(records: readonly SkillRecord[]): LeaderboardRow[] {
  const rows = records.map((r) => ({
    ...r,
    rank: 0,
    win_rate: round4(smoothedRate(r.wins, r.candidacies)),
    checks_rate: round4(smoothedRate(r.checks_passed, r.checked)),
  }));
  rows.sort(
    (a, b) =>
      b.win_rate - a.win_rate ||
      b.checks_rate - a.checks_rate ||
      b.attempts - a.attempts ||
      (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0),
  );
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
  return rows;
}
