/**
 * 039: what an attempt asks is bounded, and answered once.
 * `sandbox_host_more`: the hosts of a summary question (`sandbox_host`, one per attempt), which
 * holds every host an attempt was refused past its open questions; the approval's own row names
 * the first. `tool_call_takers`: a later attempt's call that took an earlier attempt's unheard
 * tool-call approval for the same call (an ACP agent's loaded session asking again under a new
 * id), so that the approval answers that one call, not every same call after it.
 */
export const up = `
CREATE TABLE sandbox_host_more (
  approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  PRIMARY KEY (approval_id, host)
) STRICT;
CREATE INDEX sandbox_host_more_host ON sandbox_host_more(host);
CREATE TABLE tool_call_takers (
  approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  call_id TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, call_id)
) STRICT;
CREATE INDEX tool_call_takers_approval ON tool_call_takers(approval_id);
`;
