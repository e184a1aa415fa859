/**
 * 023: the network policy `ask`. `sandbox_host_approvals`: what a `sandbox_host` approval asks
 * about (the attempt whose process was refused a host, the workspace or agent it asks for, the
 * host). `sandbox_allowed_hosts`: the hosts a person allowed, per scope (`workspace:<id>` or
 * `agent:<id>`), which every later attempt there may reach.
 */
export const up = `
CREATE TABLE sandbox_host_approvals (
  approval_id TEXT PRIMARY KEY REFERENCES approvals(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  agent_id TEXT,
  scope TEXT NOT NULL,
  scope_label TEXT NOT NULL,
  host TEXT NOT NULL
) STRICT;
CREATE INDEX sandbox_host_approvals_scope ON sandbox_host_approvals(scope, host);
CREATE TABLE sandbox_allowed_hosts (
  scope TEXT NOT NULL,
  host TEXT NOT NULL,
  allowed_by TEXT NOT NULL,
  at TEXT NOT NULL,
  approval_id TEXT,
  PRIMARY KEY (scope, host)
) STRICT;
`;
