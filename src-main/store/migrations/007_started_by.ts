/**
 * 007: who started a run: a person's name (the UI's "you are …"), `schedule`, `cli`, `mcp` or
 * `api`. Runs started before it was recorded keep NULL.
 */
export const up = `
ALTER TABLE runs ADD COLUMN started_by TEXT;
`;
