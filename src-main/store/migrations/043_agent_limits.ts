/**
 * 043: usage and rate limits as a scheduling input.
 *
 * `agent_limits`: each account (an API key by its secret's name, a CLI's login, an agent of its
 * own: `accountKeyOf`) that a vendor said ran out, until when, and in the vendor's words. Every
 * agent on that account is limited until then: matching passes it over. A row is removed at the
 * reset (the engine's timer, set again when Baton starts).
 * `task_quota_waits`: a task waiting for the reset of its agent's account (`on_limit: wait`), and
 * the agent it goes on with then; removed when the wait ends. The reset itself is the task's
 * `retry_at`, so a restart arms the same timer.
 */
export const up = `
CREATE TABLE agent_limits (
  account TEXT PRIMARY KEY,
  until TEXT NOT NULL,
  reset_known INTEGER NOT NULL,
  window TEXT,
  message TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  since TEXT NOT NULL
) STRICT;

CREATE TABLE task_quota_waits (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  until TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
) STRICT;
`;
