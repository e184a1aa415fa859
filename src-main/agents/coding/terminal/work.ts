import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentView } from '../attempt/git-jail.ts';
import { gitJail } from '../attempt/git-jail.ts';
import { commitLeftovers } from '../workspaces/commits.ts';
import type { GitJail } from '../workspaces/git.ts';
import { git, gitText } from '../workspaces/git.ts';
import { rememberCommit } from '../workspaces/refs.ts';
import { openRepository } from '../workspaces/repository.ts';
import { inWorktree, openWorktree } from '../workspaces/worktree-open.ts';

/**
 * A worktree as it stood when the person took over: its HEAD, and the tree of all its files
 * (tracked and new, ignored ones out); `jail`, the sandbox the git that reads its files runs in
 * (the agent is held, but what it started may still run: `../attempt/git-jail.ts`).
 */
export interface Snapshot {
  head: string;
  tree: string;
  jail: Jail;
}

/** The sandbox Baton's git reads a worktree in, writing only the folders given; null: as Baton. */
export type Jail = ((writable: string[]) => GitJail) | null;

/** A terminal's sandbox (`shellRequest`: the agent's) as the sandbox of Baton's git in its worktree. */
type Sandboxed = Omit<AgentView, 'hide'> & { hide?: readonly string[] | undefined };

async function at(repo: string, dir: string) {
  const r = await openRepository(repo);
  return { repo: r, at: inWorktree(openWorktree(r, dir).at, {}) };
}

/**
 * The worktree's files as a tree, written through an index of its own (a temp file): the
 * worktree's index and files are not touched, so an agent held mid-turn finds them as it left them.
 */
async function treeOf(repo: string, dir: string, jail: Jail): Promise<Snapshot> {
  const { at: opts } = await at(repo, dir);
  const folder = await mkdtemp(join(tmpdir(), 'baton-terminal-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(folder, 'index') };
    const head = await gitText(['rev-parse', '--verify', 'HEAD^{commit}'], opts);
    await git(['read-tree', head], { ...opts, env });
    const { worktree } = opts;
    const writable = worktree ? [worktree.dir, worktree.commonDir, folder] : [dir, folder];
    await git(['add', '--all', '--', '.'], { ...opts, env, jail: jail?.(writable) });
    const tree = await gitText(['write-tree'], { ...opts, env });
    return { head, tree, jail };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The worktree as the person finds it, read by git in the agent's sandbox (`view`, the terminal's). */
export const snapshot = (repo: string, dir: string, view: Sandboxed): Promise<Snapshot> =>
  treeOf(repo, dir, (writable) => gitJail({ ...view, hide: view.hide ?? [] }, writable));

/** The files that differ between two trees (`git diff-tree`), by path. */
async function changedBetween(repo: string, dir: string, from: string, to: string): Promise<string[]> {
  if (from === to) return [];
  const { at: opts } = await at(repo, dir);
  const out = await gitText(['diff-tree', '-r', '--name-only', '--no-renames', '-z', from, to], opts);
  return out.split('\0').filter(Boolean);
}

/** What the person changed since `before`: the worktree's files now against the tree they found. */
export async function changedSince(repo: string, dir: string, before: Snapshot): Promise<string[]> {
  const now = await treeOf(repo, dir, before.jail);
  return changedBetween(repo, dir, before.tree, now.tree);
}

/**
 * The person's work committed as theirs on the task's branch. What the agent had left
 * uncommitted when the person took over (the tree they found, when it differs from HEAD) is
 * committed first, by Baton, so that the person's commit holds only their own changes.
 */
export async function commitTakeOver(o: {
  repo: string;
  dir: string;
  branch: string;
  before: Snapshot;
  author: { name: string; email: string };
  message: string;
  taskId: string;
}): Promise<{ commit: string | null; agentCommit: string | null }> {
  const { repo: r, at: opts } = await at(o.repo, o.dir);
  let agentCommit: string | null = null;
  const head = await gitText(['rev-parse', '--verify', 'HEAD^{commit}'], opts);
  const headTree = await gitText(['rev-parse', '--verify', 'HEAD^{tree}'], opts);
  if (head === o.before.head && headTree !== o.before.tree) {
    const message = `Baton: what the agent of task "${o.taskId}" had left when a person took over\n`;
    agentCommit = await gitText(['commit-tree', o.before.tree, '-p', head, '-F', '-'], {
      ...opts,
      input: message,
    });
    rememberCommit(r, agentCommit);
    await git(['update-ref', '-m', 'commit: before a person took over', 'HEAD', agentCommit, head], {
      ...opts,
      retryOnLock: true,
    });
    // The index follows the new HEAD, the files stay as they are.
    await git(['reset', '--quiet', '--mixed', agentCommit], { ...opts, retryOnLock: true });
  }
  const done = await commitLeftovers({
    repo: o.repo,
    dir: o.dir,
    branch: o.branch,
    message: o.message,
    author: o.author,
    jail: o.before.jail ?? undefined,
  });
  return { commit: done.committed ? done.head : null, agentCommit };
}

/** A commit author's address for a person (Baton keeps no e-mail address): their name, made an address on `baton.local`. */
export function authorEmail(who: { name: string }): string {
  const local = who.name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  return `${local || 'person'}@baton.local`;
}

/** `1 file`, `3 files`. */
export const plural = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
