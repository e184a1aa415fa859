/**
 * 050: `handed_answers`: a decision on an approval whose run another live Baton process executes
 * (a `baton run` in another terminal), handed to that process through the store; it applies it
 * as its own and deletes the row (`src-main/app/handed-answers.ts`). One per approval.
 */
export const up = `
CREATE TABLE handed_answers (
  approval_id TEXT PRIMARY KEY REFERENCES approvals(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  handed_at TEXT NOT NULL
);
`;
