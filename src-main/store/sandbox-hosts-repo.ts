import type { SandboxHostDetails } from '../../src-shared/schemas/approval.ts';
import type { AllowedSandboxHost } from '../../src-shared/schemas/sandbox.ts';
import type { Db } from './db.ts';

/** What a `sandbox_host` approval asks about, as kept with it. */
export type SandboxHostRecord = SandboxHostDetails & { approval_id: string; run_id: string; task_id: string };

/** A host a person allowed for a workspace or agent (`scope`: `workspace:<id>`, `agent:<id>`). */
export type AllowedHost = AllowedSandboxHost;

/**
 * The network policy `ask` (migration 023): what each `sandbox_host` approval asks, and the hosts
 * people allowed, per workspace or agent, that every later attempt there may reach.
 */
export function createSandboxHostsRepo(db: Db) {
  const insert =
    db.prepare(`INSERT INTO sandbox_host_approvals (approval_id, run_id, task_id, attempt, agent_id,
    scope, scope_label, host) VALUES (@approval_id, @run_id, @task_id, @attempt, @agent_id, @scope, @scope_label, @host)`);
  const get = db.prepare<[string], SandboxHostRecord>(
    'SELECT * FROM sandbox_host_approvals WHERE approval_id = ?',
  );
  // A host is asked about by its own question, or listed in a summary question (migration 033).
  const latest = db.prepare<[string, string, string, string], { id: string; status: string }>(
    `SELECT a.id, a.status FROM approvals a WHERE a.id IN (
       SELECT approval_id FROM sandbox_host_approvals WHERE scope = ? AND host = ?
       UNION SELECT m.approval_id FROM sandbox_host_more m
         JOIN sandbox_host_approvals s ON s.approval_id = m.approval_id WHERE s.scope = ? AND m.host = ?)
     ORDER BY a.requested_at DESC, a.rowid DESC LIMIT 1`,
  );
  const openOf = db.prepare<[string, string, number], { n: number }>(
    `SELECT count(*) AS n FROM sandbox_host_approvals s JOIN approvals a ON a.id = s.approval_id
     WHERE s.run_id = ? AND s.task_id = ? AND s.attempt = ? AND a.status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM sandbox_host_more m WHERE m.approval_id = s.approval_id)`,
  );
  const summaryOf = db.prepare<[string, string, number, string], { id: string }>(
    `SELECT s.approval_id AS id FROM sandbox_host_approvals s JOIN approvals a ON a.id = s.approval_id
     WHERE s.run_id = ? AND s.task_id = ? AND s.attempt = ? AND s.scope = ? AND a.status = 'pending'
       AND EXISTS (SELECT 1 FROM sandbox_host_more m WHERE m.approval_id = s.approval_id)
     ORDER BY a.rowid LIMIT 1`,
  );
  const addMore = db.prepare('INSERT OR IGNORE INTO sandbox_host_more (approval_id, host) VALUES (?, ?)');
  const moreOf = db.prepare<[string], { host: string }>(
    'SELECT host FROM sandbox_host_more WHERE approval_id = ? ORDER BY rowid',
  );
  const allow = db.prepare(`INSERT INTO sandbox_allowed_hosts (scope, host, allowed_by, at, approval_id)
    VALUES (@scope, @host, @allowed_by, @at, @approval_id)
    ON CONFLICT (scope, host) DO UPDATE SET allowed_by = excluded.allowed_by, at = excluded.at,
    approval_id = excluded.approval_id`);
  const list = db.prepare<[string], AllowedHost>(
    'SELECT * FROM sandbox_allowed_hosts WHERE scope = ? ORDER BY at, host',
  );
  const forget = db.prepare('DELETE FROM sandbox_allowed_hosts WHERE scope = ? AND host = ?');
  return {
    insert(r: SandboxHostRecord): void {
      insert.run(r);
    },
    get: (approvalId: string): SandboxHostRecord | undefined => get.get(approvalId),
    /** The latest approval asked about this host for this scope (any run), with its status: its own, or a summary listing it. */
    latest: (scope: string, host: string): { id: string; status: string } | undefined =>
      latest.get(scope, host, scope, host),
    /** How many questions of one host each an attempt has open (summaries aside). */
    openBy: (runId: string, taskId: string, attempt: number): number =>
      openOf.get(runId, taskId, attempt)?.n ?? 0,
    /** The attempt's open summary question for this scope, if it has one. */
    summaryOf: (runId: string, taskId: string, attempt: number, scope: string): string | undefined =>
      summaryOf.get(runId, taskId, attempt, scope)?.id,
    /** Lists a host in a summary question (once). */
    addToSummary(approvalId: string, host: string): void {
      addMore.run(approvalId, host);
    },
    /** Every host a summary question lists, in the order they came; empty for a question of one host. */
    hostsOf: (approvalId: string): string[] => moreOf.all(approvalId).map((r) => r.host),
    /** Remembers a host a person allowed (again: the newer decision). */
    allow(h: AllowedHost): void {
      allow.run(h);
    },
    /** The hosts allowed for a scope, oldest first. */
    allowed: (scope: string): AllowedHost[] => list.all(scope),
    /** Forgets an allowed host: false when it was not remembered. */
    forget: (scope: string, host: string): boolean => forget.run(scope, host).changes > 0,
  };
}
export type SandboxHostsRepo = ReturnType<typeof createSandboxHostsRepo>;
