/**
 * 045: what a person reaches a coding task's worktree with.
 *
 * `worktree_ports`: the block of ports each coding task's worktree holds (`first` … `first + count
 * - 1`), handed to its agent, setup and checks as `PORT` and `BATON_PORTS`. Allocated when an
 * attempt is prepared, kept across its attempts, freed when its worktree goes: the trigger below
 * deletes the row as its session is recorded `removed` (a run's end, a discard, an archive), and
 * the next allocation drops the rows of ended runs that kept no worktree. No two rows overlap: the
 * allocation reads and writes in one immediate transaction.
 * `worktree_settings`: one row, what Settings says of worktrees: the editor *Open in editor* starts
 * (a known one by id, or a command of the person's with `{path}`), and where port blocks start.
 */
export const up = `
CREATE TABLE worktree_ports (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  first INTEGER NOT NULL UNIQUE,
  count INTEGER NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
) STRICT;

CREATE TRIGGER worktree_ports_freed AFTER UPDATE OF state ON task_sessions
WHEN new.state = 'removed' BEGIN
  DELETE FROM worktree_ports WHERE run_id = new.run_id AND task_id = new.task_id;
END;

CREATE TABLE worktree_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  editor TEXT,
  custom_command TEXT,
  port_base INTEGER NOT NULL,
  port_block INTEGER NOT NULL
) STRICT;
`;
