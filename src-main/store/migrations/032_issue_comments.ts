/**
 * 032: the comments a `github_issues` trigger with `comment_on_issue` left on the issue that
 * started a run, one per milestone of the run (started, a pull request opened, merged, closed,
 * failed): each recorded once it is posted, so none is posted twice, across restarts.
 */
export const up = `
CREATE TABLE issue_comments (
  run_id TEXT NOT NULL,
  milestone TEXT NOT NULL,
  posted_at TEXT NOT NULL,
  PRIMARY KEY (run_id, milestone)
) STRICT;
`;
