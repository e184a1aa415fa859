import { z } from 'zod';
import type { ForgeKind } from './plain/forge.ts';

/**
 * How a plan's work lands once its run is done (the plan's `land`): `none` (it stays on local
 * branches), `push` (the branches pushed to the workspace's remote), `pull_request` (pushed, and a
 * pull request opened on the workspace's forge and followed until it is merged or closed).
 */
export const LAND_MODES = ['none', 'push', 'pull_request'] as const;
export type LandMode = (typeof LAND_MODES)[number];

/** What lands: each done task's final branch (`tasks`), or the run's branches merged into one (`run`). */
export const LAND_BRANCHES = ['tasks', 'run'] as const;
export type LandBranches = (typeof LAND_BRANCHES)[number];

const loginSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a forge user name');

/** The pull request a plan opens (`pull_request` on the plan). */
export const pullRequestOptionsSchema = z.strictObject({
  labels: z.array(z.string().trim().min(1, 'must not be empty').max(50)).max(20).optional(),
  reviewers: z.array(loginSchema).max(15).optional(),
  /** Opened as a draft and marked ready for review once the forge's checks on it have all passed. */
  draft_until_checks: z.boolean().optional(),
});
export type PullRequestOptions = z.infer<typeof pullRequestOptionsSchema>;

/** A branch name as git takes one (no spaces, `..`, `~^:?*[\\`, leading `-`, trailing `/` or `.lock`). */
const branchName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine(
    (b) => !/[\s~^:?*[\\\0]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$/.test(b),
    'must be a branch name (no spaces, "..", ~ ^ : ? * [ or \\; not starting with - / .)',
  );

/**
 * `runs.land`: land a run's work (or one done coding task's) now. Without `how`, as the run's
 * plan says (its `land`); with it, as the person asks: `push`, or `pull_request` with its `base`,
 * `title` and `draft`.
 */
export const landRequestSchema = z
  .strictObject({
    run_id: z.string().min(1).max(200),
    /** One done coding task's branch; absent: the run's work as its plan's `land_branches` says. */
    task_id: z.string().min(1).max(200).optional(),
    how: z.enum(['push', 'pull_request'], { error: 'must be "push" or "pull_request"' }).optional(),
    /** The branch the pull request targets; default: the workspace remote's base branch. */
    base: branchName.optional(),
    /** The pull request's title; default: the task's first line and the plan's name. */
    title: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(256, 'must be at most 256 characters')
      .optional(),
    /** Opened as a draft, marked ready for review once the forge's checks on it pass; default: the plan's `draft_until_checks`. */
    draft: z.boolean().optional(),
    /** Who asks (the audit log's actor). */
    actor: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((r, ctx) => {
    for (const k of ['base', 'title', 'draft'] as const)
      if (r[k] !== undefined && r.how !== 'pull_request')
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: 'is for a pull request: give how "pull_request"',
        });
    if (r.task_id !== undefined && r.how === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['how'],
        message: 'is needed to land one task: "push" or "pull_request"',
      });
  });
export type LandRequest = z.infer<typeof landRequestSchema>;

/**
 * Where one landing is: pushed, its pull request open, its agent fixing what the pull request's
 * checks or a reviewer asked (`fixing`), merged, closed unmerged, failed (why in `message`), or its
 * pull request gone.
 */
export const LANDING_STATES = [
  'pending',
  'pushed',
  'open',
  'fixing',
  'merged',
  'closed',
  'failed',
  'gone',
] as const;
export type LandingState = (typeof LANDING_STATES)[number];

/** One branch of a run landed (a task's, or the run's own when `task_id` is null). */
export interface Landing {
  run_id: string;
  /** The task whose branch landed; null for the run's merged branch. */
  task_id: string | null;
  workspace_id: string;
  mode: Exclude<LandMode, 'none'>;
  /** The branch pushed (the same name on the remote). */
  branch: string;
  /** The commit it lands. */
  commit: string;
  /** What Baton pushed there last (null before its first push). */
  pushed_commit: string | null;
  state: LandingState;
  pr_number: number | null;
  pr_url: string | null;
  pr_draft: boolean;
  /** The merge commit once its pull request was merged. */
  merge_commit: string | null;
  /** Why it failed or closed, or what happened last, in words. */
  message: string | null;
  /** How many times its agent went back to work on what the pull request's checks or reviewers asked. */
  fix_rounds: number;
  /** What its agent is fixing now (`fixing`), recorded before the agent starts, so a restart takes it up again. */
  fix: PrFix | null;
  created_at: string;
  updated_at: string;
  /** Its workspace's forge (how its stage is said: "in review on GitLab"); null or absent: none known. */
  forge?: ForgeKind | null;
  /** What Baton saw of its open pull request at its last look (its checks, its reviews); null or absent: not looked at yet. */
  pr_seen?: PrSeen | null;
}

/**
 * An open pull request as Baton last saw it: the checks on its head commit (how many, the names
 * of those that failed, how many still run) and its reviewers' latest word (a reviewer's last
 * approval or request for changes; comments alone say neither).
 */
export interface PrSeen {
  head: string;
  checks: { total: number; failed: string[]; pending: number };
  review: { approved: string[]; changes_requested: string[] };
  at: string;
}

/** The reviewers' latest word from a pull request's reviews, oldest first (`state` as GitHub says it). */
export function reviewWordOf(reviews: readonly { user: string; state: string }[]): PrSeen['review'] {
  const last = new Map<string, 'approved' | 'changes_requested'>();
  for (const r of reviews) {
    if (r.state === 'APPROVED') last.set(r.user, 'approved');
    else if (r.state === 'CHANGES_REQUESTED') last.set(r.user, 'changes_requested');
    else if (r.state === 'DISMISSED') last.delete(r.user);
  }
  const of = (word: 'approved' | 'changes_requested') =>
    [...last].filter(([, w]) => w === word).map(([user]) => user);
  return { approved: of('approved'), changes_requested: of('changes_requested') };
}

/**
 * What a pull request asked of its agent: its failing checks, a review asking for changes, or its
 * base branch moved and conflicts with it (`conflict`: the branch rebased on the base).
 */
export interface PrFix {
  kind: 'checks' | 'review' | 'conflict';
  /** What it answers, so it is never answered twice: `checks:<head sha>`, `review:<review id>` or `base:<base sha>:<head sha>`. */
  key: string;
  /** The fix round (1 for the first). */
  round: number;
  /** What failed or was asked, in a line ("the checks build, test failed"). */
  summary: string;
  /** What the agent is told. */
  prompt: string;
  /** A review: the reviewer, to name in the comment Baton leaves. */
  reviewer?: string | undefined;
  /** The run the agent fixes it in (a re-run from the task, in the same CLI session); null until it is started. */
  run_id: string | null;
  /** A conflict: the base branch and the commit it moved to (fetched into the workspace as `refs/baton/base/<branch>`). */
  base?: { branch: string; commit: string } | undefined;
  /** A conflict: the files the rebase stopped on. */
  files?: string[] | undefined;
  /** A conflict with the task's `on_conflict: "ask"`: a person resolves the merge of the base in the worktree (the inbox's merge-conflict approval) before its agent goes on. */
  ask?: boolean | undefined;
  /** A conflict Baton rebased cleanly itself (no agent): the rebased commit, pushed under a lease. */
  rebased?: string | undefined;
}
