import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { LeaderboardRow } from '../../../../src-shared/schemas/skill-record.ts';

/** The skills a leaderboard can be asked about: every registered agent's, each once, in order. */
export function leaderboardSkills(agents: readonly Pick<Agent, 'skills'>[]): string[] {
  return [...new Set(agents.flatMap((a) => a.skills))].sort((a, b) => a.localeCompare(b));
}

const percent = (n: number, of: number) => `${Math.round((n / of) * 100)}%`;

/** "2 of 3 (67%)", or — with no candidacy. */
export function winsText(r: Pick<LeaderboardRow, 'wins' | 'candidacies'>): string {
  return r.candidacies === 0 ? '—' : `${r.wins} of ${r.candidacies} (${percent(r.wins, r.candidacies)})`;
}

/** "4 of 5 (80%)", or — when no checks ran on its attempts. */
export function checksText(r: Pick<LeaderboardRow, 'checks_passed' | 'checked'>): string {
  return r.checked === 0
    ? '—'
    : `${r.checks_passed} of ${r.checked} (${percent(r.checks_passed, r.checked)})`;
}

/** Fix rounds used, and per checked attempt: "3 (1.5 per attempt)". */
export function fixRoundsText(r: Pick<LeaderboardRow, 'fix_rounds' | 'checked'>): string {
  if (r.checked === 0) return '—';
  if (r.fix_rounds === 0) return '0';
  const per = r.fix_rounds / r.checked;
  return `${r.fix_rounds} (${Number.isInteger(per) ? per : per.toFixed(1)} per checked attempt)`;
}
