import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { ChangedFile, CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { ConfinedFolder } from '../../../files/confined-folder.ts';
import type { DependencyBranch, FileHead, PreparedWorktree } from '../workspaces/index.ts';
import {
  baseMergeStep,
  checkoutChanges,
  commitLeftovers,
  conflictInProgress,
  conflictStep,
  diffSince,
  fileHeads,
  prepareWorktree,
} from '../workspaces/index.ts';
import { HEAD_LINES, MAX_HEADS } from './prompt.ts';

/** The unified diff of a coding attempt, an artifact of the attempt. */
export const DIFF_ARTIFACT = 'changes.diff';

/** The coding dependencies whose branches a task starts from, in the order it depends on them (same workspace only). */
export function dependencyBranches(
  ctx: TaskContext,
  coding: CodingContext,
): (DependencyBranch & { task_id: string })[] {
  const from: (DependencyBranch & { task_id: string })[] = [];
  for (const d of ctx.dependencies) {
    const out = d.output;
    if (d.status !== 'done' || !isCodingOutput(out) || out.workspace_id !== coding.workspace.id) continue;
    from.push({ task_id: d.task_id, branch: out.branch, commit: out.commit, label: `task ${d.task_id}` });
  }
  return from;
}

export type Prepared = { ok: true; worktree: PreparedWorktree } | { ok: false; message: string };

/**
 * The task's worktree: made from the base branch or its dependencies' branches merged, or an
 * earlier attempt's taken again as it is. A conflict between the dependencies fails the attempt
 * naming the files (`on_conflict: "fail"`; `"ask"` goes through `prepareAsking`).
 */
export async function prepare(
  coding: CodingContext,
  from: DependencyBranch[],
  signal: AbortSignal,
): Promise<Prepared> {
  const w = await prepareWorktree({
    repo: coding.workspace.path,
    baseBranch: coding.workspace.base_branch,
    branch: coding.branch,
    dir: coding.dir,
    from,
    ...(coding.pool === null ? {} : { pool: coding.pool, keepIgnored: coding.workspace.keep_ignored }),
    signal,
  });
  if (w.ok) return { ok: true, worktree: w };
  const { files, branches } = w.conflict;
  return {
    ok: false,
    message: `the dependencies' branches do not merge: ${branches.join(' and ')} conflict in ${files.join(', ')}`,
  };
}

/**
 * `prepare`, and with `on_conflict: "ask"` a conflict waits for a person: the merge is done in
 * the task's worktree (`conflictStep`), a `merge_conflict` approval names the files, and once
 * the person answers "resolved" the merge is concluded and the next dependencies merged (asked
 * again if a conflict remains); "fail" fails the attempt. A worktree where a merge waits (Baton
 * restarted meanwhile) is taken up where it is. Session notes name the worktree as soon as it
 * exists, so the run's end removes it like any other.
 */
export async function* prepareAsking(
  ctx: TaskContext,
  coding: CodingContext,
  from: DependencyBranch[],
  signal: AbortSignal,
  sessionNote: (start: string, dir: string) => ExecutorEvent,
): AsyncGenerator<ExecutorEvent, Prepared> {
  const ask = coding.on_conflict === 'ask' ? ctx.askMergeConflict : undefined;
  const at = { repo: coding.workspace.path, branch: coding.branch, dir: coding.dir, signal };
  if (!ask || !(await conflictInProgress(at))) {
    const first = await prepare(coding, from, signal);
    if (first.ok || !ask) return yield* noted(first);
    yield info(`${first.message}: merging them in the worktree for a person to resolve (on_conflict "ask")`);
  }
  let again: string | undefined;
  for (;;) {
    const step = await conflictStep({ ...at, from });
    if (step.ok) break;
    yield sessionNote(from[0]!.commit ?? from[0]!.branch, step.dir);
    yield info(
      `merging ${step.merging} conflicts in ${step.files.join(', ')}: waiting for a person to resolve it in ${step.dir}`,
    );
    const verdict = await ask(
      {
        dir: step.dir,
        files: step.conflicts,
        merging: step.merging,
        into: coding.branch,
        from: from.map((d) => d.branch),
        ...(again ? { again } : {}),
      },
      signal,
    );
    if (!verdict.resolved)
      return {
        ok: false,
        message: `the dependencies' branches do not merge: ${step.merging} conflicts in ${step.files.join(', ')}; ${verdict.actor} chose to fail${verdict.comment ? ` (${verdict.comment})` : ''}`,
      };
    yield info(`${verdict.actor} resolved the conflict in the worktree`);
    again = `${verdict.actor} answered that it was resolved, but conflicts remain`;
  }
  return yield* noted(await prepare(coding, from, signal));
}

/**
 * A pull request's base that moved and conflicts (`coding.base_merge`): merged into the task's
 * branch in its worktree before the agent goes on (`baseMergeStep`). What conflicts is left with
 * git's markers for the agent (the agent edits files; Baton concludes the merge in `finish`), or,
 * with `on_conflict: "ask"`, waits for a person in the inbox (the same `merge_conflict` approval
 * as dependencies' branches that conflict), asked again while conflicts remain; rejected, the
 * attempt fails. A restart takes the merge up where it is, and waits on the question already asked.
 */
export async function* mergeBaseAsking(
  ctx: TaskContext,
  coding: CodingContext,
  dir: string,
  signal: AbortSignal,
): AsyncGenerator<ExecutorEvent, { ok: true } | { ok: false; message: string }> {
  const base = coding.base_merge;
  if (!base) return { ok: true };
  const ask = ctx.askMergeConflict;
  const merging = `${base.branch} (${base.commit.slice(0, 12)})`;
  let again: string | undefined;
  for (;;) {
    const step = await baseMergeStep({
      repo: coding.workspace.path,
      dir,
      branch: coding.branch,
      base,
      signal,
    });
    if (step.ok) {
      yield info(`${merging} is merged into ${coding.branch} (${step.head.slice(0, 12)})`);
      return { ok: true };
    }
    if (!base.ask) {
      yield info(
        `merging ${merging}, the pull request's base, conflicts in ${step.files.join(', ')}: left with conflict markers for the agent to resolve`,
      );
      return { ok: true };
    }
    if (!ask)
      return {
        ok: false,
        message: `merging ${merging} conflicts in ${step.files.join(', ')}, and nobody can be asked here`,
      };
    yield info(
      `merging ${merging}, the pull request's base, conflicts in ${step.files.join(', ')}: waiting for a person to resolve it in ${dir}`,
    );
    const verdict = await ask(
      {
        dir,
        files: step.conflicts,
        merging: base.branch,
        into: coding.branch,
        from: [coding.branch, base.branch],
        ...(again ? { again } : {}),
      },
      signal,
    );
    if (!verdict.resolved)
      return {
        ok: false,
        message: `the pull request's base ${merging} conflicts in ${step.files.join(', ')}; ${verdict.actor} chose to fail${verdict.comment ? ` (${verdict.comment})` : ''}`,
      };
    yield info(`${verdict.actor} resolved the conflict with ${base.branch} in the worktree`);
    again = `${verdict.actor} answered that it was resolved, but conflicts remain`;
  }
}

const info = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });

/** What the git layer set right in the worktree before trusting it (its `.git`), said in the attempt's log. */
function* noted(p: Prepared): Generator<ExecutorEvent, Prepared> {
  if (p.ok && p.worktree.repaired) yield info(p.worktree.repaired);
  return p;
}

/** The most paths a notice about the user's checkout names. */
const NOTICE_PATHS = 5;

/**
 * A worktree holds committed work only: what the user's checkout has that is not committed, the
 * agent does not see. Said once, as the worktree is made (a notice on the attempt, kept with its
 * log: the checkout as it was then, not as it is later); null when the checkout is clean, or
 * cannot be read (the attempt goes on either way).
 */
export async function checkoutNotice(
  coding: CodingContext,
  signal: AbortSignal,
): Promise<ExecutorEvent | null> {
  let changes: Awaited<ReturnType<typeof checkoutChanges>>;
  try {
    changes = await checkoutChanges({ repo: coding.workspace.path, maxPaths: NOTICE_PATHS, signal });
  } catch {
    return null;
  }
  const { count, paths } = changes;
  if (count === 0) return null;
  const more = count > paths.length ? `, ${count - paths.length} more` : '';
  return {
    type: 'log',
    stream: 'notice',
    text: `your checkout has uncommitted changes the agent will not see: ${count} ${count === 1 ? 'file' : 'files'} (${paths.join(', ')}${more}) in ${coding.workspace.path}. Its worktree holds committed work only; commit them for an agent to see them`,
  };
}

/** The first lines of the files each coding dependency changed, for the prompt. */
export async function dependencyHeads(
  coding: CodingContext,
  ctx: TaskContext,
  signal: AbortSignal,
): Promise<Map<string, FileHead[]>> {
  const heads = new Map<string, FileHead[]>();
  for (const d of ctx.dependencies) {
    const out = d.output;
    if (!isCodingOutput(out) || out.workspace_id !== coding.workspace.id) continue;
    const files = out.files.filter((f) => f.status !== 'deleted').map((f) => f.path);
    if (files.length === 0) continue;
    heads.set(
      d.task_id,
      await fileHeads({
        repo: coding.workspace.path,
        commit: out.commit,
        files: files.slice(0, MAX_HEADS),
        lines: HEAD_LINES,
        signal,
      }),
    );
  }
  return heads;
}

/**
 * After an attempt that succeeded: what the agent left uncommitted is committed (message naming
 * run, task and agent; the agent as author), the task's whole diff taken from where its branch
 * started, the unified diff written as an artifact, and the output dependents are handed.
 */
export async function finish(
  ctx: TaskContext,
  coding: CodingContext,
  worktree: PreparedWorktree,
  summary: string,
  sessionId: string | null,
  signal: AbortSignal,
): Promise<{ events: ExecutorEvent[]; output: CodingOutput }> {
  const { agent } = ctx;
  // A merge of the pull request's base the agent resolved: concluded (its files added), unless markers remain.
  if (coding.base_merge) {
    const { branch, commit } = coding.base_merge;
    const step = await baseMergeStep({
      repo: coding.workspace.path,
      dir: worktree.dir,
      branch: worktree.branch,
      base: { branch, commit },
      signal,
    });
    if (!step.ok)
      throw new Error(
        `the merge of ${branch} is not resolved: conflict markers remain in ${step.files.join(', ')}`,
      );
  }
  const committed = await commitLeftovers({
    repo: coding.workspace.path,
    dir: worktree.dir,
    branch: worktree.branch,
    message: `Baton: run ${ctx.run_id}, task ${ctx.task.task_id}, agent ${agent.id} (attempt ${ctx.attempt})\n\n${ctx.task.description.split('\n')[0]!.slice(0, 200)}\n`,
    author: { name: agent.name ?? agent.id, email: `${agent.id}@agents.baton.invalid` },
    signal,
  });
  const diff = await diffSince({
    repo: coding.workspace.path,
    dir: worktree.dir,
    base: worktree.startCommit,
    head: committed.head,
    signal,
  });
  const events: ExecutorEvent[] = committed.repaired ? [info(committed.repaired)] : [];
  let diffArtifact: string | null = null;
  if (diff.files.length > 0) {
    const text = diff.truncatedNote ? `${diff.patch}\n${diff.truncatedNote}\n` : diff.patch;
    const path = join(ctx.workspace, DIFF_ARTIFACT);
    // A file of Baton's own: whatever the agent left by that name (a link too) is replaced.
    await new ConfinedFolder(ctx.workspace).writeFile(DIFF_ARTIFACT, text, { fresh: true, mode: 0o600 });
    const bytes = Buffer.byteLength(text);
    events.push({
      type: 'artifact',
      name: DIFF_ARTIFACT,
      path,
      size: bytes,
      sha256: createHash('sha256').update(text).digest('hex'),
    });
    diffArtifact = DIFF_ARTIFACT;
  }
  const files: ChangedFile[] = diff.files.map((f) => ({
    path: f.path,
    ...(f.oldPath ? { old_path: f.oldPath } : {}),
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
  }));
  return {
    events,
    output: {
      workspace_id: coding.workspace.id,
      branch: worktree.branch,
      commit: committed.head,
      start_commit: worktree.startCommit,
      files,
      additions: diff.additions,
      deletions: diff.deletions,
      summary,
      session_id: sessionId,
      diff_artifact: diffArtifact,
    },
  };
}
