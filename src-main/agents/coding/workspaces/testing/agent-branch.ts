import { join } from 'node:path';
import { tryRebase } from '../../landing/rebase.ts';
import { baseMergeStep } from '../base-merge.ts';
import { commitLeftovers } from '../commits.ts';
import { conflictStep } from '../conflict-worktree.ts';
import { diffCommits, diffSince, worktreeChangesSince } from '../diff.ts';
import { mergeBranches } from '../merge-branches.ts';
import { parkInPool } from '../worktree-pool.ts';
import { prepareWorktree } from '../worktrees.ts';
import type { TempRepo } from './temp-repo.ts';

/**
 * Every path on which Baton's own git checks out, commits, merges, rebases or diffs a branch an
 * agent wrote, walked in order over one: the agent's files committed from its worktree (`add -A`),
 * its diff for review, a dependent's fresh worktree from its branch, a merge of it with another
 * dependency, a worktree taken from the pool for it, the worktree a person resolves a conflict
 * in, a pull request's base merged into a task's worktree, landing's rebase, the end-of-run
 * merge. `around(step, run)` wraps each step (to count what it caused); a step that throws is
 * recorded in `errors` and the walk goes on.
 */
export interface AgentBranchWalk {
  /** The agent's commit. */
  commit: string;
  /** What a step threw, by step. */
  errors: Record<string, string>;
  /** The dependency merge's and the conflict step's results. */
  merged: unknown;
  conflict: unknown;
}

export const STEPS = [
  'commit what the agent left',
  'diff for review',
  'dependent from its branch',
  'merge of dependencies',
  'worktree from the pool',
  'conflict worktree',
  'base merged into a worktree',
  'landing rebase',
  'end-of-run merge',
] as const;
export type Step = (typeof STEPS)[number];

export async function walkAgentBranch(
  t: TempRepo,
  agentFiles: Record<string, string>,
  /** What another dependency (from main) changes, merged with the agent's branch. */
  otherFiles: Record<string, string>,
  around: (step: Step, run: () => Promise<void>) => Promise<void> = (_s, run) => run(),
): Promise<AgentBranchWalk> {
  const errors: Record<string, string> = {};
  const out: AgentBranchWalk = { commit: '', errors, merged: null, conflict: null };
  const wt = (name: string) => join(t.worktrees, name);
  const step = async (name: Step, run: () => Promise<void>) => {
    try {
      await around(name, run);
    } catch (e) {
      errors[name] = e instanceof Error ? e.message : String(e);
    }
  };
  // Branches a person (the test) makes with plain git and no drivers: another dependency, and one that conflicts with the agent's.
  const other = dependency(t, 'other', otherFiles);
  const clash = dependency(t, 'clash', { 'README.md': 'the other side\n' });

  let start = '';
  await step('commit what the agent left', async () => {
    const a = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: 'baton/r1/agent',
      dir: wt('agent'),
    });
    if (!a.ok) throw new Error('the agent’s worktree conflicted');
    start = a.startCommit;
    for (const [path, content] of Object.entries({ ...agentFiles, 'README.md': 'the agent says\n' }))
      t.write(path, content, a.dir);
    await worktreeChangesSince({ repo: t.repo, dir: a.dir, base: a.startCommit });
    out.commit = (await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'the agent’s work' })).head;
  });
  const agent = { branch: 'baton/r1/agent', commit: out.commit, label: 'task agent' };
  await step('diff for review', async () => {
    await diffSince({ repo: t.repo, dir: wt('agent'), base: start });
    await diffCommits({ repo: t.repo, base: start, head: out.commit });
  });
  await step('dependent from its branch', async () => {
    await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: 'baton/r1/next',
      dir: wt('next'),
      from: [agent],
    });
  });
  await step('merge of dependencies', async () => {
    out.merged = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: 'baton/r1/both',
      dir: wt('both'),
      from: [agent, other],
    });
  });
  await step('worktree from the pool', async () => {
    const pool = join(t.root, 'pool');
    await parkInPool({ repo: t.repo, dir: wt('next'), pool, max: 2 });
    const taken = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: 'baton/r1/pooled',
      dir: wt('pooled'),
      from: [agent],
      pool,
    });
    if (!taken.ok || !taken.recycled) throw new Error('no worktree was taken from the pool');
  });
  await step('conflict worktree', async () => {
    out.conflict = await conflictStep({
      repo: t.repo,
      branch: 'baton/r1/resolve',
      dir: wt('resolve'),
      from: [agent, other, clash],
    });
  });
  await step('base merged into a worktree', async () => {
    const h = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: 'baton/r1/pr',
      dir: wt('pr'),
    });
    if (!h.ok) throw new Error('the pull request’s worktree conflicted');
    await baseMergeStep({ repo: t.repo, dir: h.dir, branch: h.branch, base: agent });
  });
  await step('landing rebase', async () => {
    t.git(['commit', '-q', '--allow-empty', '-m', 'main moves on']);
    await tryRebase({ repo: t.repo, head: out.commit, onto: 'main', keep: 'refs/baton/test/rebased' });
  });
  await step('end-of-run merge', async () => {
    await mergeBranches({
      repo: t.repo,
      target: 'baton/merge/r1',
      createFrom: 'main',
      branches: ['baton/r1/agent', other.branch],
      mode: 'merge',
    });
  });
  return out;
}

/** A dependency's branch from main with `files` committed, made by plain git (no drivers: its global config is /dev/null). */
function dependency(t: TempRepo, name: string, files: Record<string, string>) {
  const dir = join(t.worktrees, `dep-${name}`);
  t.git(['worktree', 'add', '-q', '-b', `baton/r1/${name}`, dir, 'main']);
  for (const [p, c] of Object.entries(files)) t.write(p, c, dir);
  const commit = t.commitAll(`work of ${name}`, dir);
  t.git(['worktree', 'remove', dir]);
  return { branch: `baton/r1/${name}`, commit, label: `task ${name}` };
}
