/**
 * 037: how many fix rounds each best-of candidate took (`best_of_candidates.fix_rounds`): the
 * ranking prefers the one its checks passed in fewer, and the review shows it.
 */
export const up = `
ALTER TABLE best_of_candidates ADD COLUMN fix_rounds INTEGER NOT NULL DEFAULT 0;
`;
