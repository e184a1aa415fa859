import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { BestOfCandidate, CandidateStatus } from '../../../../src-shared/schemas/best-of.ts';
import { allPassed } from '../../../../src-shared/schemas/checks.ts';
import { checksLine } from '../../../../src-shared/schemas/plain/checks.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { candidateWorkspace } from '../../../engine/attempt-leftovers.ts';
import type { ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import type { RecordedFile } from '../../../files/recorded-file.ts';

/** One candidate of a best-of attempt as it runs: where it works, its steps' numbers, what it spent and how it ended. */
export interface CandidateRun {
  /** 1..N. */
  k: number;
  agent: CodingAgent;
  branch: string;
  dir: string;
  ctx: TaskContext<CodingAgent>;
  /** Its own step numbers → the attempt's (each candidate numbers its steps from 0). */
  seqs: Map<number, number>;
  /** What its usage reported (USD); null while none priced. */
  cost: number | null;
  /** What it last told the budget it had spent (`budgetPassed`). */
  budgetSpent: number;
  started: number;
  ended: number | null;
  output: CodingOutput | null;
  error: string | null;
  /**
   * Its diff as its attempt recorded it (the artifact of its own attempt folder: where, its size
   * and sha256), if it changed anything. Read only while it is still those bytes (`readRecordedFileSync`):
   * the candidate's CLI may write that folder, and swap the file for a link to what its sandbox hides.
   */
  diff: RecordedFile | null;
  /** Whether its worktree was parked or removed already (`releaseCandidates`). */
  released: boolean;
}

/** The branch of candidate `k` beside its task's: `baton/<run>/<task>-c<k>`. */
export const candidateBranch = (taskBranch: string, k: number) => `${taskBranch}-c${k}`;

/**
 * Candidate `k`'s attempt context: the task's, with its own agent, worktree (beside the task's,
 * `candidate-<k>`, taken from the workspace's pool of parked worktrees when it has one), branch,
 * CLI home and attempt folder, and no earlier session. Its red checks
 * after the fix rounds end its run with its work (they rank it; the task's `on_checks_failed`
 * decides once the winner is known).
 */
export async function candidateContext(
  ctx: TaskContext<CodingAgent>,
  k: number,
  agent: CodingAgent,
): Promise<CandidateRun> {
  const coding = ctx.coding!;
  const dir = join(dirname(coding.dir), `candidate-${k}`);
  const branch = candidateBranch(coding.branch, k);
  const workspace = candidateWorkspace(ctx.workspace, k);
  await mkdir(workspace, { recursive: true, mode: 0o700 });
  return {
    k,
    agent,
    branch,
    dir,
    ctx: {
      ...ctx,
      agent,
      workspace,
      task: { ...ctx.task, on_checks_failed: 'review' },
      coding: {
        ...coding,
        dir,
        branch,
        home: join(dirname(coding.home), `home-c${k}`),
        // Its own process trees (a check's, its CLI's): one candidate's ending stops only its own.
        marker: `${coding.marker}/c${k}`,
        session: null,
        resume: null,
        checking: null,
        // A parked worktree of the workspace's pool when there is one: only the files that differ are written.
        pool: coding.pool,
        earlier: null,
        start_clean: false,
        candidate: k,
        best_of: null,
      },
    },
    seqs: new Map(),
    cost: null,
    budgetSpent: 0,
    started: 0,
    ended: null,
    output: null,
    error: null,
    diff: null,
    released: false,
  };
}

/**
 * A candidate's event as the attempt passes it on: its steps numbered in the attempt's sequence
 * (`next` gives a new number) and marked with the candidate, its log lines prefixed with it. What
 * it says of its own worktree, progress, artifacts and ending is kept here, not passed on (null).
 */
export function relabel(
  r: CandidateRun,
  e: ExecutorEvent,
  next: () => number,
  now: number,
): ExecutorEvent | null {
  switch (e.type) {
    case 'step': {
      let seq = r.seqs.get(e.step.seq);
      if (seq === undefined) {
        seq = next();
        r.seqs.set(e.step.seq, seq);
      }
      if (e.step.kind === 'usage' && e.step.cost_usd !== null) r.cost = (r.cost ?? 0) + e.step.cost_usd;
      return { type: 'step', step: { ...e.step, seq, candidate: r.k } };
    }
    case 'usage':
      r.cost = (r.cost ?? 0) + e.cost;
      return e;
    case 'log':
      return { ...e, text: `candidate #${r.k} (${r.agent.id}): ${e.text}` };
    case 'session':
      r.dir = e.session.dir;
      return null;
    case 'artifact':
      if (e.name.endsWith('.diff')) r.diff = { path: e.path, size: e.size, sha256: e.sha256 };
      return null;
    case 'result':
      r.output = e.output as CodingOutput;
      r.ended = now;
      return null;
    case 'error':
      r.error = e.message;
      r.ended = now;
      return null;
    case 'progress':
      return null;
  }
}

/** How a candidate ended, as the ranking reads it. */
export function candidateStatus(r: CandidateRun): CandidateStatus {
  if (r.output) return allPassed(r.output.checks ?? []) ? 'passed' : 'checks_failed';
  return r.error === 'cancelled' ? 'cancelled' : 'failed';
}

/** A candidate as recorded, before it is ranked. */
export function candidateRecord(r: CandidateRun): Omit<BestOfCandidate, 'rank' | 'reason'> {
  const out = r.output;
  const checks = out?.checks ?? [];
  return {
    candidate: r.k,
    agent_id: r.agent.id,
    branch: r.branch,
    commit: out?.commit ?? null,
    start_commit: out?.start_commit ?? null,
    status: candidateStatus(r),
    checks_passed: checks.filter((c) => c.status === 'passed').length,
    checks_total: checks.length,
    checks_line: checksLine(checks),
    cost_usd: r.cost,
    duration_ms: Math.max(0, (r.ended ?? r.started) - r.started),
    diff_lines: out ? out.additions + out.deletions : 0,
    files: out?.files.length ?? 0,
    additions: out?.additions ?? 0,
    deletions: out?.deletions ?? 0,
    fix_rounds: out?.fix_rounds ?? 0,
    summary: (out ? out.summary : (r.error ?? '')).slice(0, 2_000),
  };
}
