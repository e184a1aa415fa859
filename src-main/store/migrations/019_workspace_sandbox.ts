/**
 * 019: `workspaces.sandbox`: the OS sandbox its setup command runs in (a JSON policy,
 * src-shared/schemas/sandbox.ts), or null for the default (required, nothing listed).
 */
export const up = `
ALTER TABLE workspaces ADD COLUMN sandbox TEXT;
`;
