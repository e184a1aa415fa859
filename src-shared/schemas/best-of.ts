import { z } from 'zod';

/**
 * Best of N (docs/best-of.md): a coding task's attempt runs `attempts` candidates in parallel,
 * each in its own worktree and branch with its checks, and ranks them: checks first, then a
 * judge's pick, then the smaller diff, the lower cost, fewer fix rounds, less time. What a task's output and the
 * candidates' table say of them.
 */

/** How one candidate ended: its work passed its checks, or not, or it produced nothing. */
export const CANDIDATE_STATUSES = ['passed', 'checks_failed', 'failed', 'cancelled'] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** One candidate of a best-of attempt, ranked. */
export interface BestOfCandidate {
  /** 1..N, in the order they were started. */
  candidate: number;
  agent_id: string;
  /** Its own branch (kept after the attempt): `<task branch>-c<n>`. */
  branch: string;
  /** Its branch's commit when it ended; null when it produced no work. */
  commit: string | null;
  start_commit: string | null;
  status: CandidateStatus;
  /** Its checks: how many passed of how many ran, and `test ✓ lint ✗`. */
  checks_passed: number;
  checks_total: number;
  checks_line: string;
  /** What it spent (its usage steps; null: unknown). */
  cost_usd: number | null;
  duration_ms: number;
  /** Lines added plus lines removed. */
  diff_lines: number;
  files: number;
  additions: number;
  deletions: number;
  /** How many times its failing checks went back to its agent (absent in what older versions stored: 0). */
  fix_rounds?: number;
  /** Its CLI's final text, or why it failed. */
  summary: string;
  /** 1 is the winner. */
  rank: number;
  /** Why it ranked where it did, in words. */
  reason: string;
}

/** What a judge (an `llm` agent) answered when candidates tied on their checks. */
export interface JudgeVerdict {
  agent_id: string;
  /** The candidate it picked (1..N), null when it could not answer. */
  pick: number | null;
  reason: string;
}

/** A best-of attempt's candidates and who won: carried on the task's output. */
export interface BestOfSummary {
  winner: number;
  candidates: BestOfCandidate[];
  judge: JudgeVerdict | null;
  /** Who picked the winner when a person chose another candidate at the diff review. */
  picked_by?: string | null;
}

const count = z.number().int().min(0).max(1e9);
const text = (max: number) => z.string().max(max);

/**
 * A best-of summary as a remote worker hands it in with its result (`best_of` on the output):
 * checked before the server records it, so a worker's bad one is refused, never half-stored.
 */
export const bestOfSummarySchema = z.object({
  winner: z.number().int().min(1).max(20),
  candidates: z
    .array(
      z.object({
        candidate: z.number().int().min(1).max(20),
        agent_id: text(200),
        branch: text(1_000),
        commit: text(64).nullable(),
        start_commit: text(64).nullable(),
        status: z.enum(CANDIDATE_STATUSES),
        checks_passed: count,
        checks_total: count,
        checks_line: text(2_000),
        cost_usd: z.number().min(0).nullable(),
        duration_ms: count,
        diff_lines: count,
        files: count,
        additions: count,
        deletions: count,
        fix_rounds: count.optional(),
        summary: text(20_000),
        rank: z.number().int().min(1).max(20),
        reason: text(2_000),
      }),
    )
    .min(1)
    .max(20),
  judge: z.object({ agent_id: text(200), pick: z.number().int().nullable(), reason: text(4_000) }).nullable(),
  picked_by: text(200).nullable().optional(),
});
