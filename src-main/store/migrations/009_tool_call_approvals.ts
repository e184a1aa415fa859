/**
 * 009: tool-call approvals. What a person is asked about when an agent's tool call
 * waits for them, beside the approval row (`approvals`, kind `tool_call`): which call of which
 * attempt (`call_id`, so a later attempt of the task that resumes the loop waits on the same
 * approval instead of asking again), the tool and its server, the arguments, the agent's text so
 * far, and the arguments a person edited before approving.
 */
export const up = `
CREATE TABLE tool_call_approvals (
  approval_id TEXT PRIMARY KEY REFERENCES approvals(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  call_id TEXT NOT NULL,
  agent_id TEXT,
  tool TEXT NOT NULL,
  server TEXT,
  input TEXT NOT NULL,
  agent_text TEXT NOT NULL,
  edited_input TEXT
) STRICT;
CREATE INDEX tool_call_approvals_call ON tool_call_approvals(run_id, task_id, call_id);
`;
