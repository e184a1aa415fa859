/**
 * 015: `workspaces.keep_ignored`: the ignored paths (gitignore patterns, a JSON array) that a
 * worktree taken from the workspace's pool keeps from its last attempt (`node_modules/`).
 */
export const up = `
ALTER TABLE workspaces ADD COLUMN keep_ignored TEXT NOT NULL DEFAULT '[]';
`;
