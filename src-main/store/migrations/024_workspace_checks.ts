/**
 * 023: `workspaces.checks`: the named commands run after a coding attempt's agent ended (a JSON
 * array of `{ name, command, timeout_s?, junit? }`, src-shared/schemas/checks.ts); `[]`: none.
 */
export const up = `
ALTER TABLE workspaces ADD COLUMN checks TEXT NOT NULL DEFAULT '[]';
`;
