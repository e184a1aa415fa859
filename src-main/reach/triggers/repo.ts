import type { GithubIssuesSource, TriggerIssue, TriggerKind } from '../../../src-shared/schemas/trigger.ts';
import type { Db } from '../../store/db.ts';

export interface StoredTrigger {
  id: string;
  kind: TriggerKind;
  plan_id: string;
  /** '' for a trigger not called over HTTP (it has no secret). */
  secret_hash: string;
  inputs: Record<string, unknown>;
  rate_per_minute: number;
  enabled: boolean;
  created_at: string;
  /** What a `github_issues` trigger watches. */
  source: GithubIssuesSource | null;
  last_error: string | null;
  last_error_at: string | null;
}

interface TriggerRow extends Omit<StoredTrigger, 'inputs' | 'enabled' | 'source'> {
  inputs: string;
  enabled: number;
  source: string | null;
}

const toTrigger = (r: TriggerRow): StoredTrigger => ({
  ...r,
  inputs: JSON.parse(r.inputs) as Record<string, unknown>,
  enabled: r.enabled === 1,
  source: r.source === null ? null : (JSON.parse(r.source) as GithubIssuesSource),
});

/** Triggers (migrations 008, 030, 032): each with the hash of its secret, never the secret; the issues that started runs, and the comments left on them. */
export function createTriggersRepo(db: Db) {
  const insert =
    db.prepare(`INSERT INTO triggers (id, kind, plan_id, secret_hash, inputs, rate_per_minute, enabled, created_at, source)
    VALUES (@id, @kind, @plan_id, @secret_hash, @inputs, @rate_per_minute, 1, @created_at, @source)`);
  const all = db.prepare<[], TriggerRow>('SELECT * FROM triggers ORDER BY created_at, id');
  const ofKind = db.prepare<[string], TriggerRow>(
    'SELECT * FROM triggers WHERE kind = ? AND enabled = 1 ORDER BY created_at, id',
  );
  const one = db.prepare<[string], TriggerRow>('SELECT * FROM triggers WHERE id = ?');
  const remove = db.prepare('DELETE FROM triggers WHERE id = ?');
  const setError = db.prepare(
    'UPDATE triggers SET last_error = @error, last_error_at = @at WHERE id = @id AND last_error IS NOT @error',
  );
  const addIssue =
    db.prepare(`INSERT OR IGNORE INTO trigger_issues (trigger_id, repo, number, title, url, run_id, started_at)
    VALUES (@trigger_id, @repo, @number, @title, @url, @run_id, @started_at)`);
  const issue = db.prepare<[string, string, number], TriggerIssue>(
    'SELECT * FROM trigger_issues WHERE trigger_id = ? AND repo = ? AND number = ?',
  );
  const issues = db.prepare<[string], TriggerIssue>(
    'SELECT * FROM trigger_issues WHERE trigger_id = ? ORDER BY started_at DESC, number DESC',
  );
  const issueOfRun = db.prepare<[string], TriggerIssue>('SELECT * FROM trigger_issues WHERE run_id = ?');
  const commented = db.prepare<[string], { milestone: string }>(
    'SELECT milestone FROM issue_comments WHERE run_id = ?',
  );
  const addComment = db.prepare(
    'INSERT OR IGNORE INTO issue_comments (run_id, milestone, posted_at) VALUES (?, ?, ?)',
  );
  return {
    insert(t: Omit<StoredTrigger, 'enabled' | 'last_error' | 'last_error_at'>): void {
      insert.run({
        ...t,
        inputs: JSON.stringify(t.inputs),
        source: t.source === null ? null : JSON.stringify(t.source),
      });
    },
    list: (): StoredTrigger[] => all.all().map(toTrigger),
    ofKind: (kind: TriggerKind): StoredTrigger[] => ofKind.all(kind).map(toTrigger),
    get: (id: string): StoredTrigger | undefined => {
      const r = one.get(id);
      return r ? toTrigger(r) : undefined;
    },
    remove: (id: string): boolean => remove.run(id).changes > 0,
    /** Sets (or clears, with null) why the trigger's last look failed; true when that changed. */
    setError: (id: string, error: string | null, at: string): boolean =>
      setError.run({ id, error, at: error === null ? null : at }).changes > 0,
    /** Records the issue that started `run_id`; false when it started a run before (nothing written). */
    addIssue: (i: TriggerIssue): boolean => addIssue.run(i).changes > 0,
    issue: (triggerId: string, repo: string, number: number): TriggerIssue | undefined =>
      issue.get(triggerId, repo, number),
    issues: (triggerId: string): TriggerIssue[] => issues.all(triggerId),
    /** The issue that started a run, if one did. */
    issueOfRun: (runId: string): TriggerIssue | undefined => issueOfRun.get(runId),
    /** The milestones of a run whose comment was posted on its issue. */
    commented: (runId: string): Set<string> => new Set(commented.all(runId).map((r) => r.milestone)),
    /** Records a milestone's comment as posted. */
    addComment: (runId: string, milestone: string, at: string): void => {
      addComment.run(runId, milestone, at);
    },
  };
}

export type TriggersRepo = ReturnType<typeof createTriggersRepo>;
