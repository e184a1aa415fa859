/**
 * 047: `workspaces.forward_ports`: whether a server its coding agents start in the OS sandbox on
 * their worktree's ports is reached from this machine (docs/worktrees.md, "Ports for dev
 * servers"); 1 on, 0 off. Off for every workspace, those registered before too: the forwarder
 * costs each attempt of an agent two Node processes and a slower start, so a workspace asks for it.
 */
export const up = `
ALTER TABLE workspaces ADD COLUMN forward_ports INTEGER NOT NULL DEFAULT 0 CHECK (forward_ports IN (0, 1));
`;
