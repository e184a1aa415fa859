/**
 * Approvals' statuses and kinds, without zod: the first screen's addresses and inbox read them,
 * and zod loads only with a form or a check.
 */

/**
 * `changes_requested`: a reviewer of a diff asked for changes (a new attempt goes on with the
 * session). `expired`: nobody answered before the asker stopped waiting (a Claude Code tool call
 * whose call timed out): nothing is left to decide.
 */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'changes_requested', 'expired'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** The statuses of a decision a person made (what the inbox's Decided tab lists). */
export const DECIDED_STATUSES = [
  'approved',
  'rejected',
  'changes_requested',
] as const satisfies readonly ApprovalStatus[];
export const isDecided = (status: ApprovalStatus): boolean =>
  (DECIDED_STATUSES as readonly string[]).includes(status);

/**
 * Why a task waits: the plan asks for approval, the budget would be passed, the decider
 * escalated, a coding agent's attempt waits for a person to review its diff (`diff_review`), or
 * an agent's tool call waits for a person (`tool_call`: the task stays `in_progress`, its attempt waits),
 * or a coding task's dependencies' branches conflict and a person resolves it in the task's worktree
 * (`merge_conflict`, with `on_conflict: "ask"`: asked inside the attempt too), or a sandboxed
 * process was refused a host its policy does not list and says `unlisted: "ask"` (`sandbox_host`:
 * asked inside the attempt, which does not wait; the answer holds for the workspace or agent).
 */
export const APPROVAL_KINDS = [
  'approval_required',
  'budget',
  'escalation',
  'diff_review',
  'tool_call',
  'merge_conflict',
  'sandbox_host',
] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
