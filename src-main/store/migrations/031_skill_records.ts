/**
 * 031: what agents' skill records read (docs/agents.md, "Who wins for a skill"): a best-of
 * candidacy by its agent, and an attempt's check steps (the fix round each belongs to, whether
 * it passed) without reading its other steps. Indexes only: the records are counted from what
 * is stored already.
 */
export const up = `
CREATE INDEX best_of_candidates_agent ON best_of_candidates(agent_id);
CREATE INDEX attempt_steps_checks ON attempt_steps(run_id, task_id, attempt) WHERE kind = 'check';
`;
