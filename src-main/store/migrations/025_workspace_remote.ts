/**
 * 023: `workspaces.remote`: where a workspace's work lands (a JSON `WorkspaceRemote`,
 * src-shared/schemas/forge.ts: the remote's URL, its base branch, the forge and the name of the
 * secret holding its token), or null while its work stays local.
 */
export const up = `
ALTER TABLE workspaces ADD COLUMN remote TEXT;
`;
