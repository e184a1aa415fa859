/**
 * 048: `retired_names`: the names of people removed from this Baton. Plans, workspaces and tasks
 * name approvers by name; a newcomer joining under a removed approver's name would decide what
 * that approver was trusted to. A removed person's name is kept here and no one may take it again.
 */
export const up = `
CREATE TABLE retired_names (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  person_id TEXT NOT NULL,
  retired_at TEXT NOT NULL
);
`;
