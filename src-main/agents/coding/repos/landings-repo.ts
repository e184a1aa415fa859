import type { Landing, LandingState, PrFix, PrSeen } from '../../../../src-shared/schemas/landing.ts';
import type { ForgeKind } from '../../../../src-shared/schemas/plain/forge.ts';
import type { Db } from '../../../store/db.ts';

interface LandingRow {
  run_id: string;
  task_id: string;
  workspace_id: string;
  mode: string;
  branch: string;
  commit_sha: string;
  pushed_commit: string | null;
  state: string;
  pr_number: number | null;
  pr_url: string | null;
  pr_draft: number;
  merge_commit: string | null;
  message: string | null;
  polls: number;
  next_poll_at: number | null;
  fix_rounds: number;
  fix: string | null;
  handled: string;
  asked: string | null;
  pr_seen: string | null;
  created_at: string;
  updated_at: string;
  /** Its workspace's forge kind, read with it (not stored on the landing). */
  forge: string | null;
}

/** What a person asked for when they landed it (`runs.land` with `how`): the pull request's base, title, draft, and who. */
export interface LandingAsked {
  base?: string | undefined;
  title?: string | undefined;
  draft?: boolean | undefined;
  actor?: string | undefined;
}

/**
 * A landing as stored, with when it is polled next (epoch ms), how many polls it had, what its
 * pull request asked that was answered already (`checks:<sha>`, `review:<id>`), and what a person
 * asked for when they landed it (null: it lands as its plan says).
 */
export type StoredLanding = Landing & {
  polls: number;
  next_poll_at: number | null;
  handled: string[];
  asked?: LandingAsked | null;
};

const toLanding = (r: LandingRow): StoredLanding => ({
  run_id: r.run_id,
  task_id: r.task_id === '' ? null : r.task_id,
  workspace_id: r.workspace_id,
  mode: r.mode as Landing['mode'],
  branch: r.branch,
  commit: r.commit_sha,
  pushed_commit: r.pushed_commit,
  state: r.state as LandingState,
  pr_number: r.pr_number,
  pr_url: r.pr_url,
  pr_draft: r.pr_draft === 1,
  merge_commit: r.merge_commit,
  message: r.message,
  fix_rounds: r.fix_rounds,
  fix: r.fix === null ? null : (JSON.parse(r.fix) as PrFix),
  handled: JSON.parse(r.handled) as string[],
  asked: r.asked === null ? null : (JSON.parse(r.asked) as LandingAsked),
  pr_seen: r.pr_seen === null ? null : (JSON.parse(r.pr_seen) as PrSeen),
  created_at: r.created_at,
  updated_at: r.updated_at,
  forge: (r.forge as ForgeKind | null) ?? null,
  polls: r.polls,
  next_poll_at: r.next_poll_at,
});

/** A landing's columns, with its workspace's forge kind (how its stage is said: "in review on GitLab"). */
const COLUMNS = `landings.*, (SELECT json_extract(w.remote, '$.forge.kind') FROM workspaces w WHERE w.id = landings.workspace_id) AS forge`;

/** The branches runs landed, and the pull requests Baton follows. */
export function createLandingsRepo(db: Db) {
  const forRun = db.prepare<[string], LandingRow>(
    `SELECT ${COLUMNS} FROM landings WHERE run_id = ? ORDER BY task_id`,
  );
  const recent = db.prepare<[number], LandingRow>(
    `SELECT ${COLUMNS} FROM landings ORDER BY created_at DESC LIMIT ?`,
  );
  const unlanded = db.prepare<[string, number], { id: string }>(
    `SELECT r.id FROM runs r WHERE r.status = 'completed' AND r.finished_at >= ?
      AND NOT EXISTS (SELECT 1 FROM landings l WHERE l.run_id = r.id) ORDER BY r.finished_at DESC LIMIT ?`,
  );
  const one = db.prepare<[string, string], LandingRow>(
    `SELECT ${COLUMNS} FROM landings WHERE run_id = ? AND task_id = ?`,
  );
  const followed = db.prepare<[], LandingRow>(
    `SELECT ${COLUMNS} FROM landings WHERE state IN ('open', 'fixing', 'pending') OR (state = 'pushed' AND mode = 'pull_request') ORDER BY next_poll_at`,
  );
  const fixedIn = db.prepare<[string, string], LandingRow>(
    `SELECT ${COLUMNS} FROM landings WHERE json_extract(fix, '$.run_id') = ?
      OR EXISTS (SELECT 1 FROM json_each(landings.handled) WHERE value = 'run:' || ?)`,
  );
  const insert =
    db.prepare(`INSERT INTO landings (run_id, task_id, workspace_id, mode, branch, commit_sha, state,
      created_at, updated_at) VALUES (@run_id, @task_id, @workspace_id, @mode, @branch, @commit, 'pending', @at, @at)
      ON CONFLICT(run_id, task_id) DO NOTHING`);
  const update =
    db.prepare(`UPDATE landings SET mode = @mode, asked = @asked, commit_sha = @commit, pushed_commit = @pushed_commit, state = @state, pr_number = @pr_number,
      pr_url = @pr_url, pr_draft = @pr_draft, merge_commit = @merge_commit, message = @message, polls = @polls,
      next_poll_at = @next_poll_at, fix_rounds = @fix_rounds, fix = @fix, handled = @handled, pr_seen = @pr_seen,
      updated_at = @updated_at WHERE run_id = @run_id AND task_id = @task_id`);
  return {
    forRun: (runId: string): StoredLanding[] => forRun.all(runId).map(toLanding),
    /** The newest landings of every run. */
    recent: (limit: number): StoredLanding[] => recent.all(limit).map(toLanding),
    get(runId: string, taskId: string | null): StoredLanding | undefined {
      const r = one.get(runId, taskId ?? '');
      return r && toLanding(r);
    },
    /** Runs completed since `since` (ISO) with no landing recorded: those a stop cut short before their landing began (their plan may not land at all). */
    unlanded: (since: string, limit: number): string[] => unlanded.all(since, limit).map((r) => r.id),
    /** The landings still going: cut short (pending, or pushed without its pull request yet), open pull requests and those being fixed. */
    followed: (): StoredLanding[] => followed.all().map(toLanding),
    /** The landing whose pull request run `runId` fixes (or fixed): a fix run lands through it, never on its own. */
    fixedIn(runId: string): StoredLanding | undefined {
      const r = fixedIn.get(runId, runId);
      return r && toLanding(r);
    },
    /** Records a landing about to start, unless that branch of the run has one already; true if new. */
    start: (
      l: {
        run_id: string;
        task_id: string | null;
        workspace_id: string;
        mode: Landing['mode'];
        branch: string;
        commit: string;
      },
      at: string,
    ): boolean => insert.run({ ...l, task_id: l.task_id ?? '', at }).changes > 0,
    save: (l: StoredLanding): void => {
      update.run({
        ...l,
        task_id: l.task_id ?? '',
        pr_draft: l.pr_draft ? 1 : 0,
        fix: l.fix === null ? null : JSON.stringify(l.fix),
        handled: JSON.stringify(l.handled),
        asked: l.asked ? JSON.stringify(l.asked) : null,
        pr_seen: l.pr_seen ? JSON.stringify(l.pr_seen) : null,
      });
    },
  };
}
export type LandingsRepo = ReturnType<typeof createLandingsRepo>;
