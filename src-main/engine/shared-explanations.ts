import type {
  MatchExplanation,
  RejectedCandidate,
  ScoreBreakdown,
  SkillWinsPart,
} from '../../src-shared/schemas/run.ts';

/**
 * The `rejected` of every explanation that rejected nobody (one agent could take the task, the
 * usual): one array, frozen, rather than one per task (a run keeps each task's explanation).
 */
export const NONE_REJECTED = Object.freeze([]) as unknown as RejectedCandidate[];

/** How many shared explanations are kept before the table starts again (a few hundred KB at most). */
const MOST_KEPT = 4096;

/** The shared explanations, by their score's total (a double: few explanations share one). */
const byTotal = new Map<number, MatchExplanation[]>();
let kept = 0;

const sameWins = (a: SkillWinsPart | undefined, b: SkillWinsPart | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.candidacies === b.candidacies &&
    a.wins === b.wins &&
    a.expected === b.expected &&
    a.rate === b.rate &&
    a.factor === b.factor);

const sameScore = (a: ScoreBreakdown, b: ScoreBreakdown): boolean =>
  a.total === b.total &&
  a.skill_fit === b.skill_fit &&
  a.free_capacity === b.free_capacity &&
  a.cost === b.cost &&
  a.success_rate === b.success_rate &&
  a.expected_ms === b.expected_ms &&
  a.speed === b.speed &&
  sameWins(a.skill_wins, b.skill_wins);

/**
 * The explanation of a task given to `agentId` with `score` and no other candidate: one frozen
 * object shared by every task explained alike. A run keeps each task's explanation for its
 * length; one per task was ~220 bytes (the explanation, its score and the score's numbers), ~22
 * MB of a 100,000-task run's live heap and up to ~2× that at its peak (the heap's growing factor).
 * The scores repeat: an agent's free capacity takes one value per load, the other parts change
 * when its record does. Frozen, as `NONE_REJECTED`: a change to one would change them all.
 */
export function soleExplanation(agentId: string, score: ScoreBreakdown): MatchExplanation {
  const list = byTotal.get(score.total);
  if (list) for (const e of list) if (e.agent_id === agentId && sameScore(e.score!, score)) return e;
  if (score.skill_wins) Object.freeze(score.skill_wins);
  const made: MatchExplanation = Object.freeze({
    agent_id: agentId,
    score: Object.freeze(score),
    rejected: NONE_REJECTED,
  });
  if (kept >= MOST_KEPT) {
    byTotal.clear();
    kept = 0;
  }
  if (list && byTotal.has(score.total)) list.push(made);
  else byTotal.set(score.total, [made]);
  kept++;
  return made;
}
