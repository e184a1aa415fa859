import { REUSED_REASON_PREFIX } from '../../../../src-shared/schemas/plain/run.ts';
import type { SkillRecord } from '../../../../src-shared/schemas/skill-record.ts';
import type { Db } from '../../../store/db.ts';

/** An agent's best-of candidacies for one skill (among other agents), how many it won, and how many an equal would have. */
export interface WinCount {
  wins: number;
  candidacies: number;
  expected: number;
}

/**
 * Agents' records per skill (`SkillRecord`), counted from what the store keeps of each attempt:
 * the task's required skills (its plan version's spec, or its own for a task a decider added),
 * its ending, its `check` steps (the last fix round's checks), its best-of candidates
 * (`best_of_candidates`). Nothing is kept for this alone: a query over the records.
 */
export interface SkillRecordsRepo {
  /** Every agent's record for `skill` over attempts started at `since` or later (all when null). */
  forSkill(skill: string, since: string | null): SkillRecord[];
  /** The agent's candidacies and wins per skill (for matching: `matching.ts`). */
  winsOf(agentId: string): Map<string, WinCount>;
  /**
   * How many times this process wrote best-of candidates (saved or picked): what `winsOf`
   * answers changes only when it does, so matching reads wins again only then.
   */
  generation(): number;
}

/** A task's spec as a JSON text: its own (a task a decider added) or its plan version's. */
const TASK_SPEC = (run: string, task: string) => `coalesce(
    (SELECT tr.spec FROM task_runs tr WHERE tr.run_id = ${run} AND tr.task_id = ${task}),
    (SELECT t.value FROM runs r JOIN plan_versions pv ON pv.plan_id = r.plan_id AND pv.version = r.plan_version,
       json_each(pv.body, '$.tasks') t
     WHERE r.id = ${run} AND json_extract(t.value, '$.task_id') = ${task}))`;

/** The fix round of an attempt's last checks (its candidate's, `cand`, or its own when null); null: none ran. */
const LAST_ROUND = (x: string, cand: string) => `(SELECT max(json_extract(s.body, '$.check.round'))
    FROM attempt_steps s WHERE s.run_id = ${x}.run_id AND s.task_id = ${x}.task_id AND s.attempt = ${x}.attempt
      AND s.kind = 'check' AND json_extract(s.body, '$.candidate') IS ${cand})`;

/** Whether every check of that round passed. */
const ROUND_PASSED = (x: string, cand: string, round: string) => `NOT EXISTS (SELECT 1
    FROM attempt_steps s WHERE s.run_id = ${x}.run_id AND s.task_id = ${x}.task_id AND s.attempt = ${x}.attempt
      AND s.kind = 'check' AND json_extract(s.body, '$.candidate') IS ${cand}
      AND json_extract(s.body, '$.check.round') = ${round} AND json_extract(s.body, '$.check.status') <> 'passed')`;

const FOR_SKILL = `
WITH versions AS (SELECT DISTINCT plan_id, plan_version FROM runs),
skill_tasks AS (
  SELECT r.id AS run_id, json_extract(t.value, '$.task_id') AS task_id
  FROM versions v JOIN plan_versions pv ON pv.plan_id = v.plan_id AND pv.version = v.plan_version
    JOIN json_each(pv.body, '$.tasks') t JOIN json_each(t.value, '$.required_skills') k
    JOIN runs r ON r.plan_id = v.plan_id AND r.plan_version = v.plan_version
  WHERE k.value = @skill
  UNION
  SELECT tr.run_id, tr.task_id FROM task_runs tr JOIN json_each(tr.spec, '$.required_skills') k
  WHERE tr.spec IS NOT NULL AND k.value = @skill
),
-- Every attempt of those tasks with its agent, start and ending (the row's own, or a replaced one's).
tried AS (
  SELECT t.run_id, t.task_id, t.attempt, t.agent_id, t.started_at, t.status AS outcome
  FROM skill_tasks st JOIN task_runs t ON t.run_id = st.run_id AND t.task_id = st.task_id
  WHERE t.attempt > 0 AND (t.reason IS NULL OR t.reason NOT GLOB @reused)
    AND NOT EXISTS (SELECT 1 FROM task_attempts a
      WHERE a.run_id = t.run_id AND a.task_id = t.task_id AND a.attempt = t.attempt)
  UNION ALL
  SELECT a.run_id, a.task_id, a.attempt, a.agent_id, a.started_at, a.outcome
  FROM skill_tasks st JOIN task_attempts a ON a.run_id = st.run_id AND a.task_id = st.task_id
),
since AS (SELECT * FROM tried WHERE @since IS NULL OR started_at >= @since),
single AS (
  SELECT x.agent_id, ${LAST_ROUND('x', 'NULL')} AS last_round, x.run_id, x.task_id, x.attempt
  FROM since x
  WHERE x.outcome IN ('done', 'failed') AND x.agent_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM best_of_candidates b
      WHERE b.run_id = x.run_id AND b.task_id = x.task_id AND b.attempt = x.attempt)
),
work AS (
  SELECT agent_id, last_round IS NOT NULL AS checked,
    last_round IS NOT NULL AND ${ROUND_PASSED('x', 'NULL', 'x.last_round')} AS passed,
    coalesce(last_round, 0) AS fix_rounds, 0 AS candidacy, 0 AS won
  FROM single x
  UNION ALL
  SELECT b.agent_id, b.checks_total > 0, b.checks_total > 0 AND b.checks_passed = b.checks_total,
    coalesce(${LAST_ROUND('b', 'b.candidate')}, 0), 1, b.winner
  FROM since x JOIN best_of_candidates b
    ON b.run_id = x.run_id AND b.task_id = x.task_id AND b.attempt = x.attempt
)
SELECT agent_id, count(*) AS attempts, sum(checked) AS checked, sum(passed) AS checks_passed,
  sum(fix_rounds) AS fix_rounds, sum(candidacy) AS candidacies, sum(won) AS wins
FROM work GROUP BY agent_id`;

/**
 * One candidacy per best-of attempt the agent was a candidate of among other agents (an attempt
 * of one agent's N tries says nothing of it against others), won when one of its candidates
 * won, and what an agent as good as the others would have won there: one in as many agents.
 */
const WINS_OF = `
SELECT k.value AS skill, count(*) AS candidacies, sum(p.won) AS wins, sum(1.0 / p.agents) AS expected
FROM (
  SELECT b.run_id, b.task_id, b.attempt, max(b.winner) AS won,
    (SELECT count(DISTINCT o.agent_id) FROM best_of_candidates o
     WHERE o.run_id = b.run_id AND o.task_id = b.task_id AND o.attempt = b.attempt) AS agents
  FROM best_of_candidates b WHERE b.agent_id = ?
  GROUP BY b.run_id, b.task_id, b.attempt
) p JOIN json_each(${TASK_SPEC('p.run_id', 'p.task_id')}, '$.required_skills') k
WHERE p.agents > 1
GROUP BY k.value`;

export function createSkillRecordsRepo(db: Db, generation: () => number = () => 0): SkillRecordsRepo {
  const forSkill = db.prepare<
    { skill: string; since: string | null; reused: string },
    Omit<SkillRecord, 'skill'>
  >(FOR_SKILL);
  const winsOf = db.prepare<[string], { skill: string } & WinCount>(WINS_OF);
  return {
    forSkill: (skill, since) =>
      forSkill.all({ skill, since, reused: `${REUSED_REASON_PREFIX}*` }).map((r) => ({ ...r, skill })),
    winsOf: (agentId) =>
      new Map(
        winsOf
          .all(agentId)
          .map((r) => [r.skill, { wins: r.wins, candidacies: r.candidacies, expected: r.expected }]),
      ),
    generation,
  };
}
