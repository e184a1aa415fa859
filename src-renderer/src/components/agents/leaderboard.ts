import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { LeaderboardRow } from '../../../../src-shared/schemas/skill-record.ts';
import { checksCount, winsCount } from '../../../../src-shared/schemas/skill-record.ts';

/** The skills a leaderboard can be asked about: every registered agent's, each once, in order. */
export function leaderboardSkills(agents: readonly Pick<Agent, 'skills'>[]): string[] {
  return [...new Set(agents.flatMap((a) => a.skills))].sort((a, b) => a.localeCompare(b));
}

/** "2 of 3 (67%)", or — with no candidacy (as the CLI says it). */
export const winsText = winsCount;

/** "4 of 5 (80%)", or — when no checks ran on its attempts. */
export const checksText = checksCount;

/** Fix rounds used, and per checked attempt: "3 (1.5 per attempt)". */
export function fixRoundsText(r: Pick<LeaderboardRow, 'fix_rounds' | 'checked'>): string {
  if (r.checked === 0) return '—';
  if (r.fix_rounds === 0) return '0';
  const per = r.fix_rounds / r.checked;
  return `${r.fix_rounds} (${Number.isInteger(per) ? per : per.toFixed(1)} per checked attempt)`;
}
