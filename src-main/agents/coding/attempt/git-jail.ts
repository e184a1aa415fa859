import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import { confine } from '../../../sandbox/index.ts';
import type { GitJail } from '../workspaces/git.ts';

/** The agent's sandbox as Baton's git is confined to it: its policy and the folders of Baton's it hides. */
export interface AgentView {
  policy: SandboxPolicy;
  hide: readonly string[];
  /** Protected names of the worktree its agent may write (the workspace's `allow_protected_writes`). */
  mayWrite?: readonly string[] | undefined;
  /** Whose worktree it is, for errors: `agent "hal"`. */
  owner: string;
}

/**
 * Baton's git in a worktree whose agent may still run (a checkpoint after each turn, a person's
 * take-over while the agent is held): in a sandbox with the agent's own view of the machine (its
 * policy's hidden paths, Baton's folders it hides), no network, and writes only to `writable` (the
 * worktree and the repository's git folder, a private index's folder). A process of the agent's
 * can swap a folder of the worktree for a link to a place its sandbox hides (`~/.ssh`) between
 * git's look at a path and its read of it; run as Baton, `git add` then read the hidden files into
 * the repository, where the agent could read them back. In this sandbox the link leads where the
 * agent's own would: nowhere it could not read itself. With the agent's sandbox off, git runs as
 * Baton (the agent reads what Baton reads).
 */
export function gitJail(view: AgentView, writable: readonly string[]): GitJail {
  const policy: SandboxPolicy = {
    ...view.policy,
    network: { ...view.policy.network, allow: [], unlisted: 'deny' },
  };
  return async (command, args, env, cwd) => {
    const made = await confine({
      policy,
      command,
      args,
      cwd,
      env,
      folders: [...writable],
      hide: view.hide,
      mayWrite: view.mayWrite,
      owner: `Baton's git in the worktree of ${view.owner}`,
    });
    if (!made.ok) throw new Error(made.error);
    return made.program;
  };
}
