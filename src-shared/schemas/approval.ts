import { z } from 'zod';
import type { BestOfSummary } from './best-of.ts';
import type { CheckOutcome } from './checks.ts';
import { boundedRecordSchema } from './free-json.ts';
import type { Deciders } from './people.ts';
import type { ApprovalKind, ApprovalStatus } from './plain/approval.ts';
import type { TaskStatus } from './plain/run.ts';
import type { ChangedFile } from './workspace.ts';

export interface Approval {
  id: string;
  run_id: string;
  task_id: string;
  status: ApprovalStatus;
  kind: ApprovalKind;
  reason: string;
  cost: number;
  requested_at: string;
  decided_at: string | null;
  actor: string | null;
  comment: string | null;
}

/** What a `tool_call` approval asks about: one call an agent wants to make. */
export interface ToolCallDetails {
  /** The attempt that asked (a later attempt resuming the loop waits on the same approval). */
  attempt: number;
  /** The call's id as the model or CLI gave it. */
  call_id: string;
  agent_id: string | null;
  /** The tool's name at its server (`write_file`), or the CLI's (`Write`). */
  tool: string;
  /** The MCP server it belongs to (the agent config's name), or null for a CLI's own tool. */
  server: string | null;
  /** The arguments the agent asked with. */
  input: unknown;
  /** What the agent said before asking (its text in this loop so far). */
  agent_text: string;
  /** The arguments a person approved instead, if they edited them. */
  edited_input: Record<string, unknown> | null;
  /**
   * The JSON Schema of the tool's arguments, as the tool declared it: arguments a person edits
   * are checked against it. Null when the asker gave none (a coding CLI's own tool).
   */
  input_schema: Record<string, unknown> | null;
  /** How far a person's approval reaches, once decided (null: this call only, or not decided). */
  scope?: ToolCallScope | null;
}

/**
 * What a tool call that writes a file (a `write_file` or `edit_file` tool) would change, for the
 * person deciding: the file's text now (null: it does not exist yet) and after the call, and
 * their unified diff; or why no preview can be shown (the file is outside the tool's folders,
 * an edit's text is not in the file).
 */
export type WritePreview =
  | { ok: true; path: string; before: string | null; after: string; diff: string }
  | { ok: false; path: string | null; error: string };

/**
 * How far a person's approval of a tool call reaches: this call only (`once`), every later call
 * of the same tool in the same task, whichever attempt makes it (`task`), or every later call of
 * it by the same agent (`agent`). The tool is matched on its name as the tool policy sees it.
 */
export const TOOL_CALL_SCOPES = ['once', 'task', 'agent'] as const;
export type ToolCallScope = (typeof TOOL_CALL_SCOPES)[number];

/**
 * A tool a person allowed without asking again: for a task (`scope` `task:<run>/<task>`) or an
 * agent (`agent:<id>`); `tool` as the policy names it (`fs/write_file`, a coding CLI's `Write`).
 */
export interface ToolGrant {
  scope: string;
  tool: string;
  allowed_by: string;
  at: string;
  /** The approval whose answer granted it. */
  approval_id: string | null;
}

/**
 * The change a tool call says it makes to one file (an ACP agent's `diff` content): its path, the
 * text before (null: a new file) and after.
 */
export interface ToolCallDiff {
  path: string;
  old_text: string | null;
  new_text: string;
}

/** A person's answer to a tool call, as the waiting agent gets it. */
export type ToolCallVerdict =
  | {
      approve: true;
      approval_id: string;
      actor: string;
      /** Arguments the person approved instead of the agent's, or null to run the call as asked. */
      input: Record<string, unknown> | null;
      comment: string | null;
      /**
       * How far the approval reaches (absent: this call only). An ACP agent is answered with its
       * "allow always" option for `agent` where it offers one; Baton remembers the rest.
       */
      scope?: ToolCallScope;
    }
  /** Denied; `message` is what the model is told (the person's comment, or a plain denial). */
  | { approve: false; approval_id: string; actor: string; message: string };

/**
 * What a `sandbox_host` approval asks about: a process of an attempt under the network policy
 * `ask` was refused a host its policy does not list; allowed, the host is remembered for the
 * workspace (a coding attempt) or the agent, and every later attempt there may reach it.
 */
export interface SandboxHostDetails {
  /** The attempt whose process was refused. */
  attempt: number;
  agent_id: string | null;
  /** Whose allow list it joins: `workspace:<id>` or `agent:<id>`. */
  scope: string;
  /** The same in words: `workspace "app"`, `agent "hal"`. */
  scope_label: string;
  /** The host and port refused (`pypi.org:443`, `127.0.0.1:8080`); a summary's first. */
  host: string;
  /**
   * A summary question's hosts: every host one attempt was refused past the questions it keeps
   * open one by one, all allowed or denied together. Absent: a question of one host.
   */
  hosts?: string[];
}

/** A person's answer to a host an attempt was refused: allowed from now on, or not. */
export interface SandboxHostVerdict {
  allowed: boolean;
  actor: string;
}

/** A person's answer to a merge conflict: resolved in the worktree (go on), or fail the attempt. */
export type MergeConflictVerdict =
  | { resolved: true; actor: string }
  | { resolved: false; actor: string; comment: string | null };

/**
 * The kinds an attempt asks a person about while it runs, each with what the asker is given
 * once a person decided: the task stays `in_progress` and its attempt waits (in this process,
 * over MCP or on a remote worker). Every other kind stops the task itself until a person answers.
 */
export interface AskVerdicts {
  tool_call: ToolCallVerdict;
  merge_conflict: MergeConflictVerdict;
  sandbox_host: SandboxHostVerdict;
}
export type AskKind = Extract<ApprovalKind, keyof AskVerdicts>;
export type AskVerdict = AskVerdicts[AskKind];
/** The kinds that stop a task until a person answers (as it becomes ready, before it starts, after an attempt). */
export type GateKind = Exclude<ApprovalKind, AskKind>;

const ASKED: { [K in AskKind]: true } = { tool_call: true, merge_conflict: true, sandbox_host: true };
/** Whether approvals of this kind are asked by an attempt that waits for the answer. */
export const isAskKind = (kind: ApprovalKind): kind is AskKind => Object.hasOwn(ASKED, kind);

/** An approval with what a person needs to decide: the plan and the task. */
export interface ApprovalView extends Approval {
  plan_id: string | null;
  /**
   * Who or what started the approval's run (the run's `started_by`): a person's name,
   * `schedule`, `trigger`, `cli`, `mcp`, `api`; null for runs from before it was recorded.
   */
  run_started_by: string | null;
  /** Who may decide it: as its task, plan or workspace names them, else any member (`people.ts`). */
  deciders: Deciders;
  task_description: string | null;
  /** What the task builds on: its dependencies in the run, with what they produced. */
  dependencies: { task_id: string; status: TaskStatus; output: unknown }[];
  /** The work that waits on it (a pending approval's; absent once decided): what deciding it unblocks. */
  blocks?: BlockedWork;
  /** Kind `diff_review`: the diff the attempt made (absent for the other kinds). */
  diff?: DiffReviewView;
  /** For a `tool_call` approval: the call. */
  tool_call?: ToolCallDetails;
  /** For a `merge_conflict` approval: the merge that waits (absent on rows asked before migration 012). */
  merge_conflict?: MergeConflictDetails;
  /** For a `sandbox_host` approval: the host, the attempt, and whose allow list it joins. */
  sandbox_host?: SandboxHostDetails;
}

/**
 * How git left one conflicting file, from the stages in the index (`git ls-files -u`): both
 * sides changed it, both added it, one side deleted it and the other changed it, one side added
 * it (a rename on the other), both deleted it (renamed apart).
 */
export const CONFLICT_KINDS = [
  'both_modified',
  'both_added',
  'deleted_by_us',
  'deleted_by_them',
  'added_by_us',
  'added_by_them',
  'both_deleted',
] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

/** One file a merge left unresolved; `kind` null when git's index did not say. */
export interface ConflictFile {
  path: string;
  kind: ConflictKind | null;
}

/** What a `merge_conflict` approval asks about: which branch merges into which, where, and the files. */
export interface MergeConflictDetails {
  /** The attempt that asked. */
  attempt: number;
  /** The task's worktree, where the merge waits. */
  dir: string;
  /** The dependency branch being merged. */
  merging: string;
  /** The task's branch it is merged into. */
  into: string;
  /** Every dependency branch the task starts from, in order (the first is where it began). */
  from: string[];
  /** The files still unresolved. */
  files: ConflictFile[];
  /** Set when a person said it was resolved but it was not: why it is asked again. */
  again: string | null;
}

/**
 * The tasks of an approval's run that wait on its task, directly or through others (a task
 * downstream of one not done has not run): how many (counted up to `BLOCKED_COUNT_LIMIT`:
 * `more` past it), and the ones right after it.
 */
export interface BlockedWork {
  count: number;
  /** More than `count` wait: the count stopped at the limit. */
  more: boolean;
  /** The tasks that depend on it directly, in the plan's order (the first `BLOCKED_NAMED`). */
  next: string[];
}
/** The most tasks an approval's blocked work is counted to. */
export const BLOCKED_COUNT_LIMIT = 1_000;
/** The most of the tasks right after it that are named. */
export const BLOCKED_NAMED = 5;

/** What a reviewer of a coding attempt's diff is shown: the branch, the files with +/-, the unified diff's artifact. */
export interface DiffReviewView {
  workspace_id: string;
  branch: string;
  commit: string;
  start_commit: string;
  attempt: number;
  files: ChangedFile[];
  additions: number;
  deletions: number;
  /** The `changes.diff` artifact (read with `runs.readArtifact`), or null when nothing changed. */
  artifact: { id: number; name: string; size: number } | null;
  /** The CLI's final words. */
  summary: string;
  /**
   * The changed files that are protected paths (`protected-paths.ts`: `.vscode/…`, `.mcp.json`,
   * `.bashrc`, at any depth): files that make other programs run something, which the sandbox
   * keeps agents from writing unless the workspace allows it; marked for the reviewer. Absent: none.
   */
  protected_files?: string[];
  /** How the workspace's checks ended on this work (red ones put it here), and after how many fix rounds. */
  checks?: CheckOutcome[];
  fix_rounds?: number;
  /** A best-of task's candidates side by side, the winner and why; absent for one attempt. */
  best_of?: BestOfSummary;
  /**
   * The review of an earlier attempt of the task that asked for changes, when there was one:
   * what it saw and said (`approvals.diffSinceReview` gives what changed since).
   */
  previous_review?: PreviousReview;
  /**
   * The review conversation before this one: every earlier review of the task's diff in the
   * run, oldest first (who decided what, when, on which attempt, and said what). Absent when
   * there was none.
   */
  earlier_reviews?: EarlierReview[];
}

/** One earlier review of a task's diff: how it was decided, by whom, when, and what it said. */
export interface EarlierReview {
  approval_id: string;
  decision: Exclude<ApprovalStatus, 'pending'>;
  /** The attempt and commit it saw; null for a review asked before they were recorded. */
  attempt: number | null;
  commit: string | null;
  actor: string | null;
  decided_at: string | null;
  comment: string | null;
  line_comments: LineComment[];
}

/** An earlier review of a task's diff that asked for changes: the commit it saw, who asked, and what. */
export interface PreviousReview {
  approval_id: string;
  attempt: number;
  /** The commit that review saw. */
  commit: string;
  actor: string | null;
  decided_at: string | null;
  comment: string | null;
  line_comments: LineComment[];
}

/** What changed from the commit an earlier review saw to the one under review (`approvals.diffSinceReview`). */
export interface ReviewInterdiff {
  /** The commit the earlier review saw, and the one under review now. */
  from: string;
  to: string;
  files: ChangedFile[];
  additions: number;
  deletions: number;
  /** The unified diff (`git diff from to`), cut at a line end past 1 MB. */
  patch: string;
  truncated: boolean;
}

/** A comment on one line of a diff: `side` old (a removed line) or new (default: an added or kept line). */
export const lineCommentSchema = z.strictObject({
  path: z.string().min(1).max(4_096),
  line: z.number().int().min(1),
  side: z.enum(['old', 'new']).optional(),
  body: z.string().min(1).max(5_000),
});
export type LineComment = z.infer<typeof lineCommentSchema>;

export const decideApprovalInputSchema = z.strictObject({
  approval_id: z.string().min(1),
  /** `request_changes` only for a kind that has that answer (`diff_review`), with a comment. */
  decision: z.enum(['approve', 'reject', 'request_changes']),
  actor: z.string().min(1).max(200),
  /** A rejected tool call: the message the model is told. Otherwise a note for the audit log. */
  comment: z.string().max(5_000).optional(),
  /** With `request_changes`: comments on lines of the diff. */
  line_comments: z.array(lineCommentSchema).max(500).optional(),
  /** A `tool_call` approved with other arguments than the agent asked with (what the tool then runs with). */
  input: boundedRecordSchema.optional(),
  /**
   * An approved `tool_call`: this call only (default), or also every later call of the same tool
   * in this task (`task`), or by this agent (`agent`), which then run without asking.
   */
  scope: z.enum(TOOL_CALL_SCOPES).optional(),
});
