import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { BestOfCandidate, BestOfSummary, JudgeVerdict } from '../../../../src-shared/schemas/best-of.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { whenAborted } from '../../../base/abort.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import { ConfinedFolder } from '../../../files/confined-folder.ts';
import type { RecordedFile } from '../../../files/recorded-file.ts';
import { readRecordedFileSync } from '../../../files/recorded-file.ts';
import { DIFF_ARTIFACT, dependencyBranches, prepare } from '../attempt/worktree.ts';
import { checksFailedText } from '../checks/checks-prompt.ts';
import {
  adoptWorktree,
  makeRoom,
  parkAllInPool,
  removeWorktree,
  resetWorktree,
} from '../workspaces/index.ts';
import type { CandidateRun } from './candidate.ts';
import { candidateContext, candidateRecord, relabel } from './candidate.ts';
import { mergeStreams } from './merge-streams.ts';
import { rankCandidates } from './rank.ts';

/** The artifact holding candidate `k`'s diff. */
export const candidateDiff = (k: number) => `candidate-${k}.diff`;

export interface BestOfRun {
  ctx: TaskContext<CodingAgent>;
  coding: CodingContext & { best_of: NonNullable<CodingContext['best_of']> };
  signal: AbortSignal;
  now: () => number;
  /** One candidate's whole attempt: the coding executor's own, in the candidate's worktree. */
  attempt: (ctx: TaskContext<CodingAgent>, signal: AbortSignal) => AsyncGenerator<ExecutorEvent>;
  /** The notice of what the user's checkout holds uncommitted (`checkoutNotice`), or null. */
  checkoutNotice?: (signal: AbortSignal) => Promise<ExecutorEvent | null>;
  /** Asks the task's judge which of the tied candidates is best (`judge.ts`). */
  judge?: (tied: readonly BestOfCandidate[], signal: AbortSignal) => Promise<JudgeVerdict & { cost: number }>;
}

const info = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });

/**
 * Best of N: the task's candidates run in parallel, each the coding executor's whole attempt (its
 * setup, agent, checks and fix loop) in its own worktree and branch made from the same start;
 * their steps go into this attempt's trace under their own numbers, marked with the candidate,
 * and every candidate's spend counts (a budget passed stops them all). Then they are ranked
 * (`rank.ts`, the judge asked when the best tie on their checks), the ranking recorded, the
 * others' worktrees parked in the workspace's pool (every candidate's branch kept), the winner's
 * worktree made the task's with the task's branch at its commit (`taskWorktree`), and the
 * winner's work answered as the task's.
 */
export async function* runBestOf(o: BestOfRun): AsyncGenerator<ExecutorEvent> {
  const { ctx, coding, signal, now } = o;
  const stop = new AbortController();
  const forget = whenAborted(signal, () => stop.abort());
  let budgetStop: string | null = null;
  const runs: CandidateRun[] = [];
  let othersParked: Promise<void> | null = null;
  try {
    for (const [i, agent] of coding.best_of.agents.entries())
      runs.push(await candidateContext(ctx, i + 1, agent));
    // The pool keeps every candidate's worktree and the task's for the next best-of attempt.
    if (coding.pool !== null) makeRoom(coding.pool, runs.length + 1);
    const passed = ctx.budgetPassed;
    if (passed)
      for (const r of runs)
        r.ctx.budgetPassed = (spent) => {
          r.budgetSpent = spent;
          const why = passed(runs.reduce((sum, x) => sum + x.budgetSpent, 0));
          if (why !== null && budgetStop === null) {
            budgetStop = why;
            stop.abort();
          }
          return why;
        };
    yield info(
      `best of ${runs.length}: ${runs.map((r) => `#${r.k} ${r.agent.id} on ${r.branch}`).join(', ')}, in parallel`,
    );
    let nextSeq = 0;
    const next = () => nextSeq++;
    const streams = runs.map((r) => {
      r.started = now();
      return o.attempt(r.ctx, stop.signal);
    });
    // What the user's checkout holds uncommitted, said once for the candidates (they do not say
    // it): read beside their start, not before it (a status of the whole checkout).
    const notices = o.checkoutNotice ? [noticeOf(o.checkoutNotice, signal)] : [];
    for await (const { from, value } of mergeStreams([...streams, ...notices])) {
      if (from === runs.length) {
        yield value;
        continue;
      }
      const passedOn = relabel(runs[from]!, value, next, now());
      if (passedOn) yield passedOn;
    }
    if (signal.aborted) return yield CANCELLED;

    // Every candidate's diff, for the review to show side by side.
    for (const r of runs) {
      if (!r.diff) continue;
      const art = yield* diffArtifact(ctx, r.diff, candidateDiff(r.k));
      if (!art) r.diff = null;
    }
    const records = runs.map(candidateRecord);
    const top = records.filter((c) => c.status === 'passed' || c.status === 'checks_failed');
    const best = top.length > 0 ? Math.max(...top.map((c) => tierScore(c))) : null;
    const tied = best === null ? [] : top.filter((c) => tierScore(c) === best);
    let verdict: JudgeVerdict | null = null;
    if (o.judge && coding.best_of.judge && tied.length > 1) {
      yield info(
        `asking judge ${coding.best_of.judge.id} to pick between ${tied.map((c) => `#${c.candidate}`).join(', ')}`,
      );
      const { cost, ...said } = await o.judge(
        tied.map((c) => ({ ...c, rank: 0, reason: '' })),
        signal,
      );
      verdict = said;
      // What the judge cost is the attempt's too.
      if (cost > 0)
        yield {
          type: 'usage',
          prompt_tokens: 0,
          completion_tokens: 0,
          cost,
          model: `judge ${said.agent_id}`,
        };
      yield info(
        verdict.pick === null
          ? `judge ${verdict.agent_id} picked none: ${verdict.reason}`
          : `judge ${verdict.agent_id} picked #${verdict.pick}: ${verdict.reason}`,
      );
    }
    const ranked = rankCandidates(records, verdict?.pick ?? null);
    const candidates: BestOfCandidate[] = ranked
      .map((x) => ({ ...x.of, rank: x.rank, reason: x.reason }))
      .sort((a, b) => a.candidate - b.candidate);
    const won = ranked[0]!.of;
    const summary: BestOfSummary = { winner: won.candidate, candidates, judge: verdict };
    coding.best_of.record?.(summary);
    for (const c of ranked)
      yield info(
        `candidate #${c.of.candidate} (${c.of.agent_id}): ${c.of.status}${c.of.checks_line ? `, ${c.of.checks_line}` : ''}, ${c.of.diff_lines} lines changed; rank ${c.rank}: ${c.reason}`,
      );
    const winner = runs[won.candidate - 1]!;
    if (!winner.output) {
      const why = runs.map((r) => `#${r.k}: ${r.error ?? 'no work'}`).join('; ');
      return yield {
        type: 'error',
        message: budgetStop ?? `none of the ${runs.length} candidates produced work (${why})`,
      };
    }

    // The winner's worktree becomes the task's (or, where it cannot, is parked and the task's own
    // worktree is taken from the pool and set to its commit); the others' are parked beside that,
    // in one pass of the repository lock.
    othersParked = releaseCandidates(
      coding,
      runs.filter((r) => r !== winner),
    );
    const prepared = yield* taskWorktree(ctx, coding, winner, signal);
    await othersParked;
    if (prepared === null) return;
    const output: CodingOutput = {
      ...winner.output,
      branch: coding.branch,
      diff_artifact: null,
      best_of: summary,
    };
    if (winner.diff) {
      const art = yield* diffArtifact(ctx, winner.diff, DIFF_ARTIFACT);
      if (art) output.diff_artifact = DIFF_ARTIFACT;
    }
    yield info(
      `candidate #${winner.k} won: ${won.commit?.slice(0, 12)} is now ${coding.branch}; the candidates' branches are kept (${runs.map((r) => r.branch).join(', ')})`,
    );
    const red = (winner.output.checks ?? []).filter((c) => c.status !== 'passed');
    if (red.length > 0 && ctx.task.on_checks_failed !== 'review')
      return yield {
        type: 'error',
        message: `${checksFailedText(red, winner.output.fix_rounds ?? 0)} (the best of ${runs.length} candidates)`,
      };
    yield { type: 'result', output };
  } finally {
    forget();
    // Ended while the winner's worktree was adopted (cancelled): the others' parking ends first.
    await othersParked;
    await releaseCandidates(coding, runs);
    // Their CLIs' homes (config and session store): no later attempt resumes a candidate's session.
    for (const r of runs) await rm(r.ctx.coding!.home, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * The candidates' worktrees (their branches stay: the task's worktree holds the winner) parked in
 * the workspace's pool, or removed when it keeps none. What a candidate left uncommitted is lost,
 * as with a removal; the next attempt that takes the worktree wipes it (worktree-pool.ts).
 */
async function releaseCandidates(coding: CodingContext, runs: CandidateRun[]): Promise<void> {
  const repo = coding.workspace.path;
  const free = runs.filter((r) => !r.released);
  for (const r of free) r.released = true;
  if (free.length === 0) return;
  if (coding.pool === null) {
    for (const r of free) await removeWorktree({ repo, dir: r.dir }).catch(() => {});
    return;
  }
  await parkAllInPool({ repo, dirs: free.map((r) => r.dir), pool: coding.pool, max: runs.length + 1 }).catch(
    () => {},
  );
}

/** The checkout's notice as a stream of its own, read beside the candidates'. */
async function* noticeOf(
  notice: (signal: AbortSignal) => Promise<ExecutorEvent | null>,
  signal: AbortSignal,
): AsyncGenerator<ExecutorEvent> {
  const said = await notice(signal);
  if (said) yield said;
}

/** Checks all passed above red checks, then more passed: the ranking's first rule as one number. */
const tierScore = (c: { status: string; checks_passed: number }) =>
  (c.status === 'passed' ? 1_000 : 0) + c.checks_passed;

/** The largest candidate diff copied for the review (and read again to pick one by hand). */
export const MAX_DIFF_BYTES = 64 * 1024 * 1024;

/**
 * A candidate's diff copied into the attempt's folder under `name`, as an artifact of the attempt:
 * only the bytes its attempt recorded (not through a link the candidate's CLI put in their place,
 * nor from a FIFO, which would hold the attempt); false when they are not there any more.
 */
async function* diffArtifact(
  ctx: TaskContext,
  from: RecordedFile,
  name: string,
): AsyncGenerator<ExecutorEvent, boolean> {
  try {
    if (from.size > MAX_DIFF_BYTES) return false;
    const read = readRecordedFileSync(from, MAX_DIFF_BYTES);
    if (!read.ok) {
      yield info(`the candidate's diff was not copied: ${read.why}`);
      return false;
    }
    const text = read.head;
    await new ConfinedFolder(ctx.workspace).writeFile(name, text, { fresh: true, mode: 0o600 });
    yield {
      type: 'artifact',
      name,
      path: join(ctx.workspace, name),
      size: text.byteLength,
      sha256: createHash('sha256').update(text).digest('hex'),
    };
    return true;
  } catch {
    return false;
  }
}

/**
 * The task's worktree, named in the task's session: the winner's own worktree moved to the task's
 * folder with the task's branch at its commit (`adoptWorktree`: its files as the winner left
 * them, as one attempt's would be), or, where that cannot be done (an earlier attempt's worktree
 * is there), the winner's parked and the task's made from its dependencies as one attempt's
 * would be, its branch moved to the winner's commit. Null after the error said why it could not.
 */
async function* taskWorktree(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  winner: CandidateRun,
  signal: AbortSignal,
): AsyncGenerator<ExecutorEvent, true | null> {
  const out = winner.output!;
  const session = (dir: string, branch: string): ExecutorEvent => ({
    type: 'session',
    session: {
      workspace_id: coding.workspace.id,
      cli: winner.agent.cli,
      dir,
      branch,
      start_commit: out.start_commit,
      // The winner's CLI session lived in its own worktree: a request for changes starts a new one here.
      session_id: null,
      home: null,
    },
  });
  try {
    const adopted = await adoptWorktree({
      repo: coding.workspace.path,
      from: winner.dir,
      dir: coding.dir,
      branch: coding.branch,
      to: out.commit,
      start: out.start_commit,
      signal,
    }).catch((err) => {
      if (signal.aborted) throw err;
      return null;
    });
    if (adopted) {
      winner.released = true;
      yield session(adopted.dir, adopted.branch);
      return true;
    }
    await releaseCandidates(coding, [winner]);
    const prepared = await prepare(coding, dependencyBranches(ctx, coding), signal);
    if (!prepared.ok) {
      yield { type: 'error', message: prepared.message };
      return null;
    }
    const w = prepared.worktree;
    await resetWorktree({
      repo: coding.workspace.path,
      dir: w.dir,
      branch: w.branch,
      to: out.commit,
      keepIgnored: coding.workspace.keep_ignored,
      // Made or taken from the pool just now, it holds the start's files and the ignored ones
      // kept, nothing else: only the winner's files are written. One found there is wiped.
      scrub: w.state === 'reused',
      signal,
    });
    yield session(w.dir, w.branch);
    return true;
  } catch (err) {
    yield signal.aborted
      ? CANCELLED
      : {
          type: 'error',
          message: `cannot make the winner's commit the task's branch: ${(err as Error).message}`,
        };
    return null;
  }
}
