import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { ApprovalKind } from '../../../src-shared/schemas/plain/approval.ts';

/**
 * What a person sees of one kind of approval and what each answer does, in words: the inbox's
 * cards and the task panel both show approvals through this map. A new kind (a diff review, a
 * tool call) is one entry here, which the compiler asks for; a kind that needs more than words
 * to decide on (a diff, a tool call's arguments) also gets a body in
 * components/approvals/ApprovalBody.tsx.
 */
export interface ApprovalKindText {
  /** Its name on the card's pill. */
  label: string;
  /** Its name among the inbox's filters, where six sit in a row. */
  short: string;
  /** The pill's colour: something to weigh, or something that went wrong. */
  tone: 'waiting' | 'failed';
  /** What the card says under the task: why it waits, and what an answer does when that is not plain. */
  explain(a: ApprovalView): string;
  /** The approve button's word. */
  approveLabel: string;
  /** The reject button's word, when it is not "Reject". */
  rejectLabel?: string;
  /** What the reject confirmation says happens (with who the audit log will name). */
  rejectDetail(a: ApprovalView, actor: string): string;
  /** The note after a decision. */
  decided(approve: boolean): string;
  /**
   * Whether several of this kind may be decided together with one comment (the inbox's bulk
   * approve and reject): a gate, whose reason is all there is to read. Not a diff, a tool call's
   * arguments or a merge conflict: each needs its own review.
   */
  bulk: boolean;
  /** How a decided one is named: the decision's word for an approval and a rejection. */
  decidedAs: { approved: string; rejected: string };
  /** The same words while the decision waits out its undo window, not sent yet ("Approving"). */
  decidingAs: { approved: string; rejected: string };
}

export const APPROVAL_KINDS: { [K in ApprovalKind]: ApprovalKindText } = {
  approval_required: {
    label: 'Approval required',
    short: 'Approval required',
    tone: 'waiting',
    explain: (a) => `Why: ${a.reason}`,
    approveLabel: 'Approve',
    rejectDetail: (a, actor) =>
      `${a.task_id} and the tasks that depend on it are skipped; the run's other branches go on. The audit log records it as rejected by ${actor}.`,
    decided: (approve) =>
      approve ? 'Approved: the task goes on' : 'Rejected: the task and what depends on it are skipped',
    bulk: true,
    decidedAs: { approved: 'Approved', rejected: 'Rejected' },
    decidingAs: { approved: 'Approving', rejected: 'Rejecting' },
  },
  budget: {
    label: 'Over budget',
    short: 'Over budget',
    tone: 'failed',
    explain: (a) => `Why: ${a.reason}`,
    approveLabel: 'Approve',
    rejectDetail: (a, actor) =>
      `${a.task_id} and the tasks that depend on it are skipped; the run's other branches go on. The audit log records it as rejected by ${actor}.`,
    decided: (approve) =>
      approve ? 'Approved: the task goes on' : 'Rejected: the task and what depends on it are skipped',
    bulk: true,
    decidedAs: { approved: 'Approved', rejected: 'Rejected' },
    decidingAs: { approved: 'Approving', rejected: 'Rejecting' },
  },
  escalation: {
    label: 'Escalated by the decider',
    short: 'Escalated',
    tone: 'failed',
    explain: () =>
      'Approve to acknowledge it and let the run go on, or reject it; either way the failed task stays failed and the run ends failed. To try again, re-run from that task in the run view.',
    approveLabel: 'Approve',
    rejectDetail: (_a, actor) =>
      `The failed task stays failed and the run ends failed. The audit log records it as rejected by ${actor}.`,
    decided: (approve) =>
      `${approve ? 'Acknowledged' : 'Rejected'}: recorded; the failed task stays failed (re-run it from the run view)`,
    bulk: true,
    decidedAs: { approved: 'Acknowledged', rejected: 'Rejected' },
    decidingAs: { approved: 'Acknowledging', rejected: 'Rejecting' },
  },
  diff_review: {
    label: 'Diff review',
    short: 'Diff review',
    tone: 'waiting',
    explain: (a) => `A coding agent's attempt waits for its diff to be reviewed: ${a.reason}`,
    approveLabel: 'Approve',
    rejectDetail: (a, actor) =>
      `The diff is not taken: ${a.task_id} and the tasks that depend on it are skipped; its branch stays. The audit log records it as rejected by ${actor}.`,
    decided: (approve) =>
      approve
        ? 'Approved: the task is done with this diff'
        : 'Rejected: the task and what depends on it are skipped',
    bulk: false,
    decidedAs: { approved: 'Approved', rejected: 'Rejected' },
    decidingAs: { approved: 'Approving', rejected: 'Rejecting' },
  },
  tool_call: {
    label: 'Tool call',
    short: 'Tool call',
    tone: 'waiting',
    explain: (a) => {
      const call = a.tool_call;
      const what = call ? `${call.server ? `${call.server} › ` : ''}${call.tool}` : 'a tool';
      return `An agent's attempt waits to call ${what}: ${a.reason}. Approve to run the call; reject to tell the agent it was denied (your comment is what it reads). The task stays in progress either way.`;
    },
    approveLabel: 'Allow',
    rejectDetail: (_a, actor) =>
      `The call does not run; the agent is told it was denied and goes on. The audit log records it as denied by ${actor}.`,
    decided: (approve) =>
      approve ? 'Allowed: the call runs and the agent goes on' : 'Denied: the agent is told and goes on',
    bulk: false,
    decidedAs: { approved: 'Allowed', rejected: 'Denied' },
    decidingAs: { approved: 'Allowing', rejected: 'Denying' },
  },
  merge_conflict: {
    label: 'Merge conflict',
    short: 'Merge conflict',
    tone: 'failed',
    explain: (a) =>
      `A coding task's dependencies' branches conflict, and its attempt waits for you: ${a.reason} The task stays in progress while it waits.`,
    approveLabel: 'I resolved it in the worktree, go on',
    rejectDetail: (a, actor) =>
      `The attempt of ${a.task_id} fails with the conflict (retried if it has attempts left); the worktree stays. The audit log records it as rejected by ${actor}.`,
    decided: (approve) =>
      approve
        ? 'Resolved: Baton concludes the merge and the agent starts (asked again if conflicts remain)'
        : 'Failed: the attempt fails with the conflict',
    bulk: false,
    decidedAs: { approved: 'Resolved', rejected: 'Failed' },
    decidingAs: { approved: 'Resolving', rejected: 'Failing' },
  },
  sandbox_host: {
    label: 'Sandbox host',
    short: 'Sandbox host',
    tone: 'waiting',
    explain: (a) => {
      const h = a.sandbox_host;
      const where = h ? h.scope_label : 'its workspace';
      if (h?.hosts)
        return `${a.reason} Sandboxed processes of attempt ${h.attempt} tried to reach ${h.hosts.length} hosts past the ones it asks about one by one, and were refused (its network policy asks about hosts it does not list): ${h.hosts.join(', ')}. Allow: every later attempt in ${where} may reach all of them. Deny: they stay blocked and are not asked about again.`;
      return `${a.reason} A sandboxed process${h ? ` of attempt ${h.attempt}` : ''} tried to reach it and was refused (its network policy asks about hosts it does not list). Allow: every later attempt in ${where} may reach it. Deny: it stays blocked and is not asked about again.`;
    },
    approveLabel: 'Allow',
    rejectLabel: 'Deny',
    rejectDetail: (a, actor) =>
      `${a.sandbox_host?.hosts ? `${a.sandbox_host.hosts.length} hosts stay` : `${a.sandbox_host?.host ?? 'The host'} stays`} blocked for ${a.sandbox_host?.scope_label ?? 'its workspace'} and ${a.sandbox_host?.hosts ? 'are' : 'is'} not asked about again (list it in the sandbox policy to allow it later). The audit log records it as denied by ${actor}.`,
    decided: (approve) =>
      approve ? 'Allowed: later attempts there may reach it' : 'Denied: it stays blocked',
    bulk: false,
    decidedAs: { approved: 'Allowed', rejected: 'Denied' },
    decidingAs: { approved: 'Allowing', rejected: 'Denying' },
  },
};

/** The note after deciding an approval of this kind. */
export const decidedText = (kind: ApprovalKind, approve: boolean): string =>
  APPROVAL_KINDS[kind].decided(approve);
