import type { SkillWinsPart } from '../../../../../src-shared/schemas/run.ts';
import { amount } from '../../../format/budget.ts';

/**
 * The skill wins part of a score as matching.ts computes it: 1 + 0.4 × (wins − expected) /
 * (candidacies + 2) over the agent's best-of candidacies against other agents for the task's
 * skills; 1 while it has none (and in matches stored before the part existed).
 */
export function skillWins(part: SkillWinsPart | undefined): string {
  if (!part) return '1 (no best-of candidacy for these skills)';
  const share = part.expected === undefined ? '' : `, ${amount(part.expected)} expected`;
  return `${amount(part.factor)} (won ${part.wins} of ${part.candidacies} best-of candidacies for these skills${share})`;
}
