/**
 * 011: the line comments of a request for changes (a `diff_review` decided
 * `changes_requested`), kept with the decision: the approval row holds only the review comment,
 * and the request lived in memory until the next attempt took it, so a restart in between lost
 * the line comments. The next attempt reads them back from here. `side` is `old` or null (new).
 */
export const up = `
CREATE TABLE approval_line_comments (
  approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  line INTEGER NOT NULL,
  side TEXT CHECK (side IN ('old', 'new')),
  body TEXT NOT NULL,
  PRIMARY KEY (approval_id, seq)
) STRICT;
`;
