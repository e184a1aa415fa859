/**
 * Where a coding task's work can be opened on this machine: its worktree while it is on disk,
 * else its branch in the workspace's repository. What a person copies or opens from the task
 * panel (Copy path, a terminal command), as Conductor's workspace offers; the worktree's *Open in
 * editor* is the panel's (WorktreeTools.tsx, `worktrees.open`).
 */
export type WorkPlace =
  | { kind: 'worktree'; dir: string; branch: string }
  | { kind: 'branch'; repo: string; branch: string; task: string };

/** A word for a POSIX shell, quoted only when it needs it. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The worktree on disk when Baton still has it (not removed), else the branch in the repository. */
export function workPlace(
  task: string,
  session: { dir: string; state: string } | undefined,
  out: { branch: string },
  repo: string | undefined,
): WorkPlace | null {
  if (session && session.state !== 'removed')
    return { kind: 'worktree', dir: session.dir, branch: out.branch };
  return repo ? { kind: 'branch', repo, branch: out.branch, task } : null;
}

/** The folder a person opens: the worktree, or the repository that holds the branch. */
export const placeFolder = (p: WorkPlace): string => (p.kind === 'worktree' ? p.dir : p.repo);

/**
 * The command that opens a terminal on the work: `cd` into the worktree; for a branch alone, a
 * worktree of its own beside the repository (the person's checkout is never switched).
 */
export function terminalCommand(p: WorkPlace): string {
  if (p.kind === 'worktree') return `cd ${shellWord(p.dir)}`;
  const dir = `${p.repo.replace(/\/+$/, '')}-${p.task}`;
  return `git -C ${shellWord(p.repo)} worktree add ${shellWord(dir)} ${shellWord(p.branch)} && cd ${shellWord(dir)}`;
}
