import { z } from 'zod';
import { idSchema } from './common.ts';
import { inputNameSchema, runInputValuesSchema } from './run-inputs.ts';

/** How a trigger starts runs: called over HTTP with its secret, or by a repository's labelled issues on GitHub. */
export const TRIGGER_KINDS = ['http', 'github_issues'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const triggerInputSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ - (at most 64)')
    .optional(),
  plan_id: idSchema,
  /** Inputs every run gets; a call's own `inputs` go over them. Checked against the plan. */
  inputs: runInputValuesSchema.default({}),
  /** Most calls a minute (each call counts, refused ones too); past it, 429. */
  rate_per_minute: z.number().int().min(1).max(600).default(60),
});
export type TriggerInput = z.input<typeof triggerInputSchema>;

/**
 * A trigger that watches a workspace's repository on GitHub: each open issue carrying `label`
 * starts one run of the plan (ever), with the issue's title, body, number and address in the run
 * inputs `inputs_from` names. The workspace's forge gives the repository and the token's secret.
 */
export const githubIssuesSourceSchema = z.strictObject({
  /** The workspace whose forge (GitHub, its repository and token) is watched. */
  workspace: idSchema,
  /** The label an issue carries to start a run (GitHub matches it whatever its case). */
  label: z.string().trim().min(1, 'must not be empty').max(50),
  /** Which run inputs receive the issue's title, body, number and address; one left out is not given. */
  inputs_from: z
    .strictObject({
      title: inputNameSchema.optional(),
      body: inputNameSchema.optional(),
      number: inputNameSchema.optional(),
      url: inputNameSchema.optional(),
    })
    .default({ title: 'title', body: 'body' }),
  /** How often the issues are read (seconds; 60). A signed `issues` webhook reads them at once. */
  poll_seconds: z.number().int().min(10).max(86_400).default(60),
  /**
   * Baton comments on the issue at its run's milestones: started, a pull request opened (with
   * its link), merged, closed unmerged, failed. Each once.
   */
  comment_on_issue: z.boolean().default(false),
});
export type GithubIssuesSource = z.infer<typeof githubIssuesSourceSchema>;

export const githubIssuesTriggerInputSchema = z.strictObject({
  id: triggerInputSchema.shape.id,
  plan_id: idSchema,
  /** Inputs every run gets; the issue's go over them. Checked against the plan. */
  inputs: runInputValuesSchema.default({}),
  github_issues: githubIssuesSourceSchema,
});
export type GithubIssuesTriggerInput = z.input<typeof githubIssuesTriggerInputSchema>;

/** An issue that started a run of a trigger's plan: one run per issue, ever. */
export interface TriggerIssue {
  trigger_id: string;
  repo: string;
  number: number;
  title: string;
  url: string;
  run_id: string;
  started_at: string;
}

/** A trigger as listed: never its secret (only a hash of it is kept). */
export interface Trigger {
  id: string;
  kind: TriggerKind;
  plan_id: string;
  inputs: Record<string, unknown>;
  rate_per_minute: number;
  enabled: boolean;
  created_at: string;
  /** Where to POST (Baton's address as others reach it, when known); '' for a trigger not called over HTTP. */
  url: string;
  /** What a `github_issues` trigger watches; null for an HTTP one. */
  github_issues: GithubIssuesSource | null;
  /** Why its last look failed (a token GitHub refused, a missing secret, a repository not found), and when; null once one succeeds. */
  last_error: string | null;
  last_error_at: string | null;
}

/** What creating a trigger answers, once: the secret is not kept and cannot be shown again. */
export interface TriggerCreated {
  trigger: Trigger;
  secret: string;
  url: string;
  curl: string;
}

/** The body of `POST /api/triggers/<id>` (empty is `{}`). */
export const triggerCallSchema = z.strictObject({
  inputs: runInputValuesSchema.optional(),
});
