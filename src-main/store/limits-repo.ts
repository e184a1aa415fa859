import type { AgentLimit } from '../../src-shared/schemas/usage-limit.ts';
import type { Db } from './db.ts';

/** A task waiting for the reset of its agent's account, and the agent it goes on with then. */
export interface QuotaWait {
  task_id: string;
  agent_id: string;
  until: string;
}

interface LimitRow extends Omit<AgentLimit, 'reset_known'> {
  reset_known: number;
}

/**
 * Accounts limited until their reset (migration 043), and the tasks waiting for one. The engine
 * reads the limits once as it starts and keeps them in memory (`AgentLimits`); matching never
 * comes here.
 */
export function createLimitsRepo(db: Db) {
  const all = db.prepare<[], LimitRow>('SELECT * FROM agent_limits ORDER BY until, account');
  const put =
    db.prepare(`INSERT INTO agent_limits (account, until, reset_known, window, message, agent_id, since)
    VALUES (@account, @until, @reset_known, @window, @message, @agent_id, @since)
    ON CONFLICT (account) DO UPDATE SET until = excluded.until, reset_known = excluded.reset_known,
      window = excluded.window, message = excluded.message, agent_id = excluded.agent_id, since = excluded.since`);
  const remove = db.prepare<[string, string]>('DELETE FROM agent_limits WHERE account = ? AND until = ?');
  const waits = db.prepare<[string], QuotaWait>(
    'SELECT task_id, agent_id, until FROM task_quota_waits WHERE run_id = ?',
  );
  const putWait = db.prepare(`INSERT INTO task_quota_waits (run_id, task_id, agent_id, until)
    VALUES (?, ?, ?, ?) ON CONFLICT (run_id, task_id) DO UPDATE SET agent_id = excluded.agent_id, until = excluded.until`);
  const endWait = db.prepare<[string, string]>(
    'DELETE FROM task_quota_waits WHERE run_id = ? AND task_id = ?',
  );
  return {
    list: (): AgentLimit[] => all.all().map((r) => ({ ...r, reset_known: r.reset_known === 1 })),
    /** The account is limited until `limit.until` (a later limit on it replaces an earlier one). */
    set: (limit: AgentLimit): void => {
      put.run({ ...limit, reset_known: limit.reset_known ? 1 : 0 });
    },
    /** The limit reset: removed, unless the account was limited again meanwhile (another `until`). True when removed. */
    clear: (account: string, until: string): boolean => remove.run(account, until).changes > 0,
    waitsOf: (runId: string): QuotaWait[] => waits.all(runId),
    wait: (runId: string, w: QuotaWait): void => {
      putWait.run(runId, w.task_id, w.agent_id, w.until);
    },
    endWait: (runId: string, taskId: string): void => {
      endWait.run(runId, taskId);
    },
  };
}
export type LimitsRepo = ReturnType<typeof createLimitsRepo>;
