/**
 * 030: triggers of a kind (`http`, called with their secret; `github_issues`, watching a
 * repository's labelled issues), with what a `github_issues` one watches (`source`, JSON) and
 * why its last look failed. `trigger_issues`: each issue that started a run, with the run's id,
 * stored in the transaction that stores the run: one run per issue, ever.
 */
export const up = `
ALTER TABLE triggers ADD COLUMN kind TEXT NOT NULL DEFAULT 'http';
ALTER TABLE triggers ADD COLUMN source TEXT;
ALTER TABLE triggers ADD COLUMN last_error TEXT;
ALTER TABLE triggers ADD COLUMN last_error_at TEXT;

CREATE TABLE trigger_issues (
  trigger_id TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  url TEXT NOT NULL,
  run_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  PRIMARY KEY (trigger_id, repo, number)
) STRICT;
CREATE INDEX trigger_issues_run ON trigger_issues (run_id);
`;
