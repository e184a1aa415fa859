/**
 * 014: what ties a remote worker to the server.
 * - `worker_tokens.worker_id`: the worker a token speaks for. Named when the token is made, or
 *   claimed by the first worker that registers with it; from then on the token is refused (403)
 *   for any other worker id. Null: not claimed yet.
 * - `worker_workspaces`: the workspace ids a worker says it has (its `--workspaces` file; the
 *   repositories themselves stay on the worker). A plan may name one as if it were registered
 *   here, so its coding tasks can go to that worker's coding agents. Replaced at each registration.
 */
export const up = `
ALTER TABLE worker_tokens ADD COLUMN worker_id TEXT;

CREATE TABLE worker_workspaces (
  worker_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  PRIMARY KEY (worker_id, workspace_id)
) STRICT;
`;
