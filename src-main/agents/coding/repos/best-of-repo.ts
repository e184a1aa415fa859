import type { BestOfCandidate, BestOfSummary, JudgeVerdict } from '../../../../src-shared/schemas/best-of.ts';
import type { Db } from '../../../store/db.ts';

interface CandidateRow {
  run_id: string;
  task_id: string;
  attempt: number;
  candidate: number;
  agent_id: string;
  branch: string;
  commit_sha: string | null;
  start_commit: string | null;
  status: string;
  checks_passed: number;
  checks_total: number;
  checks_line: string;
  cost_usd: number | null;
  duration_ms: number;
  diff_lines: number;
  files: number;
  additions: number;
  deletions: number;
  fix_rounds: number;
  summary: string;
  rank: number;
  reason: string;
  winner: number;
  picked_by: string | null;
  judge: string | null;
}

/** A task's best-of attempt as stored: its candidates, its winner and who picked it. */
export interface StoredBestOf extends BestOfSummary {
  run_id: string;
  task_id: string;
  attempt: number;
}

/** The candidates of coding tasks' best-of attempts (migration 028). */
export interface BestOfRepo {
  /** Stores (or stores again) one attempt's candidates. */
  save(runId: string, taskId: string, attempt: number, summary: BestOfSummary): void;
  /** The task's latest best-of attempt, if it had one. */
  latest(runId: string, taskId: string): StoredBestOf | undefined;
  /** A person made another candidate the winner. */
  pick(runId: string, taskId: string, attempt: number, candidate: number, actor: string): void;
}

export function createBestOfRepo(db: Db, wrote: () => void = () => {}): BestOfRepo {
  const del = db.prepare<[string, string, number]>(
    'DELETE FROM best_of_candidates WHERE run_id = ? AND task_id = ? AND attempt = ?',
  );
  const ins = db.prepare(
    `INSERT INTO best_of_candidates (run_id, task_id, attempt, candidate, agent_id, branch, commit_sha, start_commit,
       status, checks_passed, checks_total, checks_line, cost_usd, duration_ms, diff_lines, files, additions, deletions,
       fix_rounds, summary, rank, reason, winner, picked_by, judge)
     VALUES (@run_id, @task_id, @attempt, @candidate, @agent_id, @branch, @commit_sha, @start_commit, @status,
       @checks_passed, @checks_total, @checks_line, @cost_usd, @duration_ms, @diff_lines, @files, @additions, @deletions,
       @fix_rounds, @summary, @rank, @reason, @winner, @picked_by, @judge)`,
  );
  const lastAttempt = db.prepare<[string, string], { attempt: number | null }>(
    'SELECT MAX(attempt) AS attempt FROM best_of_candidates WHERE run_id = ? AND task_id = ?',
  );
  const rows = db.prepare<[string, string, number], CandidateRow>(
    'SELECT * FROM best_of_candidates WHERE run_id = ? AND task_id = ? AND attempt = ? ORDER BY rank',
  );
  const setWinner = db.prepare<[number, number, string | null, string, string, number]>(
    `UPDATE best_of_candidates SET winner = (candidate = ?), picked_by = CASE WHEN candidate = ? THEN ? END
     WHERE run_id = ? AND task_id = ? AND attempt = ?`,
  );
  return {
    save(runId, taskId, attempt, s) {
      db.transaction(() => {
        del.run(runId, taskId, attempt);
        const judge = s.judge ? JSON.stringify(s.judge) : null;
        for (const c of s.candidates)
          ins.run({
            run_id: runId,
            task_id: taskId,
            attempt,
            candidate: c.candidate,
            agent_id: c.agent_id,
            branch: c.branch,
            commit_sha: c.commit,
            start_commit: c.start_commit,
            status: c.status,
            checks_passed: c.checks_passed,
            checks_total: c.checks_total,
            checks_line: c.checks_line,
            cost_usd: c.cost_usd,
            duration_ms: Math.round(c.duration_ms),
            diff_lines: c.diff_lines,
            files: c.files,
            additions: c.additions,
            deletions: c.deletions,
            fix_rounds: c.fix_rounds ?? 0,
            summary: c.summary,
            rank: c.rank,
            reason: c.reason,
            winner: c.candidate === s.winner ? 1 : 0,
            picked_by: c.candidate === s.winner ? (s.picked_by ?? null) : null,
            judge,
          });
      })();
      wrote();
    },
    latest(runId, taskId) {
      const attempt = lastAttempt.get(runId, taskId)?.attempt;
      if (attempt == null) return undefined;
      const list = rows.all(runId, taskId, attempt);
      const won = list.find((r) => r.winner === 1) ?? list[0]!;
      const judge = list[0]?.judge ? (JSON.parse(list[0].judge) as JudgeVerdict) : null;
      return {
        run_id: runId,
        task_id: taskId,
        attempt,
        winner: won.candidate,
        picked_by: won.picked_by,
        judge,
        candidates: list.map(toCandidate),
      };
    },
    pick(runId, taskId, attempt, candidate, actor) {
      setWinner.run(candidate, candidate, actor, runId, taskId, attempt);
      wrote();
    },
  };
}

const toCandidate = (r: CandidateRow): BestOfCandidate => ({
  candidate: r.candidate,
  agent_id: r.agent_id,
  branch: r.branch,
  commit: r.commit_sha,
  start_commit: r.start_commit,
  status: r.status as BestOfCandidate['status'],
  checks_passed: r.checks_passed,
  checks_total: r.checks_total,
  checks_line: r.checks_line,
  cost_usd: r.cost_usd,
  duration_ms: r.duration_ms,
  diff_lines: r.diff_lines,
  files: r.files,
  additions: r.additions,
  deletions: r.deletions,
  fix_rounds: r.fix_rounds,
  summary: r.summary,
  rank: r.rank,
  reason: r.reason,
});
