/**
 * 034: `workspaces.allow_protected_writes`: the protected paths (a JSON array of names from the
 * sandbox library's list: `.vscode`, `.mcp.json`, …) the workspace's agents may write on purpose.
 */
export const up = `
ALTER TABLE workspaces ADD COLUMN allow_protected_writes TEXT NOT NULL DEFAULT '[]';
`;
