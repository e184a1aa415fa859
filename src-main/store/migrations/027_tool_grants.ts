/**
 * 024: the wider answers to a tool call. `tool_call_approvals.scope`: how far a person's
 * approval reaches (`once`, `task`, `agent`; null for one decided before). `tool_grants`: the
 * tools a person allowed without asking again, per task (`task:<run>/<task>`, every attempt of
 * it) or agent (`agent:<id>`), matched on the tool's name as the policy sees it (`fs/write_file`,
 * `Write`). `tool_call_approvals.diff`: the change an ACP agent's edit says it makes (its
 * `diff` content: path, old and new text), for the inbox's preview.
 */
export const up = `
ALTER TABLE tool_call_approvals ADD COLUMN scope TEXT;
ALTER TABLE tool_call_approvals ADD COLUMN diff TEXT;
CREATE TABLE tool_grants (
  scope TEXT NOT NULL,
  tool TEXT NOT NULL,
  allowed_by TEXT NOT NULL,
  at TEXT NOT NULL,
  approval_id TEXT,
  PRIMARY KEY (scope, tool)
) STRICT;
`;
