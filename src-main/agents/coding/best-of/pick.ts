import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { ChangedFile, CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { splitUnifiedDiff } from '../../../../src-shared/unified-diff.ts';
import { AppError, invalidInput } from '../../../base/errors.ts';
import { readRecordedFileSync } from '../../../files/recorded-file.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { diffCommits, resetWorktree } from '../workspaces/index.ts';
import { candidateDiff, MAX_DIFF_BYTES } from './run-best-of.ts';

export interface PickInput {
  approval_id: string;
  candidate: number;
  actor: string;
}

/** What a pick changes besides the coding wing's own records: the waiting task's output (`Engine.replaceWaitingOutput`). */
export interface PickDeps {
  store: CodingStore;
  replaceOutput: (runId: string, taskId: string, output: CodingOutput, actor: string, why: string) => void;
}

const bad = (path: string, message: string) => invalidInput('pick', [{ path, message }]);

/**
 * A reviewer of a best-of task picks another candidate before approving: the task's worktree and
 * branch go to that candidate's commit, its output becomes that candidate's work (its diff, files,
 * checks and summary; dependents build on it once approved), and the pick is recorded with who
 * made it. Refused, naming the field, unless the approval is a pending diff review of a best-of
 * task and the candidate produced work.
 */
export async function pickCandidate(deps: PickDeps, input: PickInput): Promise<void> {
  const { store } = deps;
  const a = store.approvals.get(input.approval_id);
  if (!a) throw new AppError('not_found', `approval "${input.approval_id}" not found`);
  if (a.kind !== 'diff_review') throw bad('approval_id', `must name a diff review, not a ${a.kind} approval`);
  if (a.status !== 'pending')
    throw new AppError('conflict', `the diff review "${a.id}" is already ${a.status}`);
  const task = store.runs.task(a.run_id, a.task_id);
  const out = task?.output;
  if (!task || !isCodingOutput(out) || !out.best_of)
    throw bad('approval_id', `task "${a.task_id}" ran one attempt: it has no candidates to pick from`);
  const best = out.best_of;
  const c = best.candidates.find((x) => x.candidate === input.candidate);
  if (!c)
    throw bad(
      'candidate',
      `must be one of the candidates: ${best.candidates.map((x) => x.candidate).join(', ')}`,
    );
  if (c.commit === null || c.start_commit === null)
    throw bad('candidate', `candidate #${c.candidate} produced no work to pick (${c.summary || c.status})`);
  const worker = store.agents.get(task.agent_id ?? '')?.worker;
  let files: ChangedFile[];
  let branch = out.branch;
  if (worker !== undefined) {
    // The attempt ran on a remote worker: its repository and the candidates' branches are there.
    // The task's work becomes the candidate's branch as it is (dependents on that worker build
    // on it), its files read from the candidate's diff the worker handed in.
    files = candidateFiles(store, a.run_id, a.task_id, task.attempt, c.candidate);
    branch = c.branch;
  } else {
    const session = store.sessions.get(a.run_id, a.task_id);
    const ws = store.workspaces.get(out.workspace_id);
    if (!session || !ws)
      throw new AppError('not_found', `the worktree of task "${a.task_id}" or its workspace is gone`);
    await resetWorktree({
      repo: ws.path,
      dir: session.dir,
      branch: out.branch,
      to: c.commit,
      keepIgnored: ws.keep_ignored,
    });
    const diff = await diffCommits({ repo: ws.path, base: c.start_commit, head: c.commit, maxPatchBytes: 0 });
    files = diff.files.map((f) => ({
      path: f.path,
      ...(f.oldPath ? { old_path: f.oldPath } : {}),
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
    }));
  }
  const checks = lastChecks(store, a.run_id, a.task_id, task.attempt, c.candidate);
  const picked: CodingOutput = {
    ...out,
    branch,
    commit: c.commit,
    start_commit: c.start_commit,
    files,
    additions: files.reduce((n, f) => n + (f.additions ?? 0), 0),
    deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    summary: c.summary,
    diff_artifact: files.length > 0 ? candidateDiff(c.candidate) : null,
    ...(checks ? { checks: checks.checks, fix_rounds: checks.round } : {}),
    best_of: { ...best, winner: c.candidate, picked_by: input.actor },
  };
  const was = best.winner;
  deps.replaceOutput(
    a.run_id,
    a.task_id,
    picked,
    input.actor,
    `${input.actor} picked candidate #${c.candidate} (${c.agent_id}) over #${was} for review: its commit ${c.commit.slice(0, 12)} is now ${branch === out.branch ? out.branch : `the task's work, on ${branch}${worker ? ` on worker ${worker}` : ''}`}`,
  );
  store.bestOf.pick(a.run_id, a.task_id, task.attempt, c.candidate, input.actor);
  // A later review's "changes since your last review" starts from what this one saw.
  store.diffReviews.picked(a.id, c.commit, c.start_commit);
}

/** A candidate's checks on its last fix round, from the attempt's steps. */
function lastChecks(
  store: CodingStore,
  runId: string,
  taskId: string,
  attempt: number,
  candidate: number,
): { checks: CheckOutcome[]; round: number } | null {
  const ran = store.steps
    .list(runId, taskId, attempt)
    .flatMap((s) =>
      s.kind === 'check' && s.candidate === candidate && s.check.status !== 'running' ? [s.check] : [],
    );
  if (ran.length === 0) return null;
  const round = Math.max(...ran.map((c) => c.round));
  return { checks: ran.filter((c) => c.round === round), round };
}

/** Most of a candidate's diff read back for its files (the diff review shows the artifact itself). */
const MAX_DIFF_READ = MAX_DIFF_BYTES;

/** A remote worker's candidate's files, from the diff it handed in with the attempt's result. */
function candidateFiles(
  store: CodingStore,
  runId: string,
  taskId: string,
  attempt: number,
  candidate: number,
): ChangedFile[] {
  const name = candidateDiff(candidate);
  const art = store.execution
    .artifacts(runId, taskId)
    .findLast((x) => x.attempt === attempt && x.name === name);
  if (!art)
    throw bad(
      'candidate',
      `candidate #${candidate}'s diff (${name}) did not reach Baton from its worker: it cannot be picked`,
    );
  if (art.size > MAX_DIFF_READ)
    throw bad(
      'candidate',
      `candidate #${candidate}'s diff is over ${MAX_DIFF_READ / 1024 / 1024} MB: pick it on its worker's repository instead`,
    );
  // Only the bytes recorded (never through a link or from a FIFO in the file's place).
  const read = readRecordedFileSync(art, MAX_DIFF_READ);
  if (!read.ok) throw bad('candidate', `candidate #${candidate}'s diff cannot be read: ${read.why}`);
  return splitUnifiedDiff(read.head.toString('utf8')).map((f) => ({
    path: f.path,
    ...(f.oldPath && f.oldPath !== f.path ? { old_path: f.oldPath } : {}),
    status: f.status,
    additions: f.binary ? null : f.additions,
    deletions: f.binary ? null : f.deletions,
  }));
}
