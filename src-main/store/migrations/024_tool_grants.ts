/**
 * 024: the wider answers to a tool call. `tool_call_approvals.scope`: how far a person's
 * approval reaches (`once`, `task`, `agent`; null for one decided before). `tool_grants`: the
 * tools a person allowed without asking again, per task (`task:<run>/<task>`, every attempt of
 * it) or agent (`agent:<id>`), matched on the tool's name as the policy sees it (`fs/write_file`,
 * `Write`).
 */
export const up = `
ALTER TABLE tool_call_approvals ADD COLUMN scope TEXT;
CREATE TABLE tool_grants (
  scope TEXT NOT NULL,
  tool TEXT NOT NULL,
  allowed_by TEXT NOT NULL,
  at TEXT NOT NULL,
  approval_id TEXT,
  PRIMARY KEY (scope, tool)
) STRICT;
`;
