import type { StateCreator } from 'zustand';
import type { PulledTask } from '../../../src-shared/contract/domains/work.ts';
import type { ApprovalView, LineComment, ToolCallScope } from '../../../src-shared/schemas/approval.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import type { HandedFile } from '../api/client.ts';
import { api } from '../api/client.ts';
import type { ApprovalFilter } from '../approvals/approval-filter.ts';
import { APPROVAL_KINDS, decidedText } from '../approvals/approval-kinds.ts';
import type { BatonState } from './index.ts';

/** How long an expired approval stays in the inbox, so a person sees what went unanswered. */
const EXPIRED_SHOWN_MS = 24 * 60 * 60 * 1000;
const EXPIRED_SHOWN = 20;

export interface ApprovalsSlice {
  pending: ApprovalView[];
  /** Approvals that expired in the last day, newest first: nobody answered before the asker gave up. */
  expired: ApprovalView[];
  /** The tasks of the human agent you are (`humanAgentId`): ready to take, and taken. */
  inbox: { ready: PulledTask[]; in_progress: TaskRun[] };
  /** Reads the pending and recently expired approvals (at start, and when events were missed). */
  loadApprovals(): Promise<void>;
  /**
   * Approvals asked, asked again or closed, as the host's events carry them (each with its view):
   * a pending one takes its place in the inbox, a closed one leaves it, an expired one is shown
   * as expired. Nothing is read again.
   */
  applyApprovals(changed: ApprovalView[]): void;
  /**
   * A decision on `approval` that was not recorded: its card is back in the inbox with the comment
   * typed, to decide again; the inbox is read again when the host can be reached (it may have been
   * decided elsewhere).
   */
  backInInbox(approval: ApprovalView | undefined, comment: string): Promise<void>;
  /** What the Approvals inbox is narrowed to; kept while you go to other screens and back. */
  approvalFilter: ApprovalFilter;
  setApprovalFilter(f: ApprovalFilter): void;
  /**
   * Decides in your name (asking who you are first, once): the approval leaves the inbox at once
   * and the decision is sent after the undo window (held-decisions.ts). Resolves once sent: true
   * when recorded; false when you did not say who you are, undid it, or it was not recorded.
   */
  decide(
    approvalId: string,
    approve: boolean,
    comment: string,
    /** A tool call approved with arguments a person edited. */
    input?: Record<string, unknown>,
    /** An approved tool call: also for the rest of its task, or always for its agent. */
    scope?: ToolCallScope,
  ): Promise<boolean>;
  /**
   * A reviewer's request for changes to a coding attempt (a diff review): the comment and line
   * comments go to the same agent, which resumes its session in the same worktree.
   */
  requestChanges(approvalId: string, comment: string, lineComments: LineComment[]): Promise<boolean>;
  /**
   * A best-of task's reviewer picks another candidate before deciding: its commit becomes the
   * task's branch and its diff the one under review; false when nothing was recorded.
   */
  pickCandidate(approvalId: string, candidate: number): Promise<boolean>;
  loadInbox(): Promise<void>;
  /** Reads the inbox again soon, at most twice a second however often tasks move. */
  refreshInbox(): void;
  takeTask(task: Pick<PulledTask, 'run_id' | 'task_id'>): Promise<void>;
  /** Completes (with the answer and any files) or fails a task the person holds. */
  finishTask(task: TaskRun, ok: boolean, text: string, files?: HandedFile[]): Promise<void>;
}

/** The expired approvals shown: those of the last day, newest first, at most EXPIRED_SHOWN. */
function recentlyExpired(expired: ApprovalView[]): ApprovalView[] {
  const since = Date.now() - EXPIRED_SHOWN_MS;
  return expired
    .filter((a) => a.decided_at !== null && Date.parse(a.decided_at) >= since)
    .sort((a, b) => (b.decided_at ?? '').localeCompare(a.decided_at ?? ''))
    .slice(0, EXPIRED_SHOWN);
}

/**
 * The pending approvals with `a` asked (or asked again): in its place when already there, else
 * after those asked before it, as the host lists them (oldest first).
 */
export function asked(pending: ApprovalView[], a: ApprovalView): ApprovalView[] {
  if (pending.some((x) => x.id === a.id)) return pending.map((x) => (x.id === a.id ? a : x));
  const after = pending.findIndex((x) => x.requested_at > a.requested_at);
  return after === -1 ? [...pending, a] : [...pending.slice(0, after), a, ...pending.slice(after)];
}

/** What a held decision's toast says under its title: nothing has been sent yet. */
const NOT_SENT = 'Not sent yet: Undo puts it back in the inbox.';

/**
 * Holds one approval's decision for the undo window: resolves once it is sent (true: recorded),
 * or with false when it was undone, decided elsewhere meanwhile, or not recorded. Its toast says
 * what is being decided (`deciding`: "Approving deploy") while it waits; once the host recorded
 * it, what was decided (`decided`: "Approved deploy") and what it does (`effect`).
 */
function held(
  get: () => BatonState,
  d: {
    approvals: ApprovalView[];
    deciding: string;
    decided: string;
    effect: string;
    comment: string;
    send(): Promise<boolean>;
  },
): Promise<boolean> {
  return new Promise((resolve) =>
    get().holdDecision({
      approvals: d.approvals,
      title: d.deciding,
      detail: NOT_SENT,
      comment: d.comment,
      send: async () => {
        const recorded = await d.send();
        if (recorded) get().notify('info', d.decided, [d.effect]);
        resolve(recorded);
      },
      dropped: () => resolve(false),
    }),
  );
}

/** A read of the inbox waiting to be made (refreshInbox). */
let inboxTimer: ReturnType<typeof setTimeout> | null = null;

export const createApprovalsSlice: StateCreator<BatonState, [], [], ApprovalsSlice> = (set, get) => ({
  pending: [],
  expired: [],
  inbox: { ready: [], in_progress: [] },
  approvalFilter: {},
  setApprovalFilter: (approvalFilter) => set({ approvalFilter }),
  async loadApprovals() {
    try {
      const [pending, expired] = await Promise.all([api.listApprovals(), api.listExpiredApprovals()]);
      // A decision waiting out its undo window keeps its approvals out of the inbox.
      const held = get().heldIds();
      set({ pending: pending.filter((a) => !held.has(a.id)), expired: recentlyExpired(expired) });
    } catch (err) {
      get().fail('Could not load approvals', err);
    }
  },
  applyApprovals(all) {
    const changed = get().applyHeldApprovals(all);
    if (changed.length === 0) return;
    get().applyDecided(changed);
    set((s) => {
      let pending = s.pending;
      const expired: ApprovalView[] = [];
      for (const a of changed) {
        if (a.status === 'pending') pending = asked(pending, a);
        else {
          pending = pending.filter((x) => x.id !== a.id);
          if (a.status === 'expired') expired.push(a);
        }
      }
      if (expired.length === 0) return { pending };
      const ids = new Set(expired.map((a) => a.id));
      return { pending, expired: recentlyExpired([...expired, ...s.expired.filter((a) => !ids.has(a.id))]) };
    });
  },
  async backInInbox(approval, comment) {
    if (approval) {
      get().setCommentDraft(approval.id, comment);
      set((s) => ({ pending: asked(s.pending, approval) }));
    }
    if (get().connection === 'open') await get().loadApprovals();
  },
  async decide(approvalId, approve, comment, input, scope) {
    const approval = get().pending.find((a) => a.id === approvalId);
    const me = await get().requireIdentity(
      `${approve ? 'Approving' : 'Rejecting'} ${approval?.task_id ?? 'a task'}`,
    );
    if (!me) return false;
    const send = async () => {
      try {
        await api.decideApproval(approvalId, approve ? 'approve' : 'reject', me.name, comment, input, scope);
        return true;
      } catch (err) {
        get().fail(`Your decision on ${approval?.task_id ?? 'an approval'} was not recorded`, err);
        await get().backInInbox(approval, comment);
        return false;
      }
    };
    if (!approval) return send();
    const { decidingAs, decidedAs } = APPROVAL_KINDS[approval.kind];
    return held(get, {
      approvals: [approval],
      deciding: `${approve ? decidingAs.approved : decidingAs.rejected} ${approval.task_id}`,
      decided: `${approve ? decidedAs.approved : decidedAs.rejected} ${approval.task_id}`,
      effect:
        scope === 'task'
          ? 'Allowed for the rest of this task: its later calls of the tool run without asking'
          : scope === 'agent'
            ? 'Allowed always for this agent: its calls of the tool run without asking (listed on the agent)'
            : input
              ? 'Allowed with your arguments: the call runs with them'
              : decidedText(approval.kind, approve),
      comment,
      send,
    });
  },
  async requestChanges(approvalId, comment, lineComments) {
    const approval = get().pending.find((a) => a.id === approvalId);
    const me = await get().requireIdentity(`Requesting changes to ${approval?.task_id ?? 'a task'}`);
    if (!me) return false;
    const send = async () => {
      try {
        await api.requestChanges(approvalId, me.name, comment, lineComments);
        return true;
      } catch (err) {
        get().fail(`Your request for changes to ${approval?.task_id ?? 'a task'} was not recorded`, err);
        await get().backInInbox(approval, comment);
        return false;
      }
    };
    if (!approval) return send();
    return held(get, {
      approvals: [approval],
      deciding: `Requesting changes on ${approval.task_id}`,
      decided: `Changes requested on ${approval.task_id}`,
      effect: 'The agent goes on in its session with your comments',
      comment,
      send,
    });
  },
  async pickCandidate(approvalId, candidate) {
    const me = await get().requireIdentity(`Picking candidate #${candidate}`);
    if (!me) return false;
    try {
      const view = await api.pickCandidate(approvalId, candidate, me.name);
      get().applyApprovals([view]);
      get().notify('info', `Candidate #${candidate} is the work under review now: its branch is the task's`);
      return true;
    } catch (err) {
      get().fail(`Candidate #${candidate} was not picked`, err);
      await get().loadApprovals();
      return false;
    }
  },
  async loadInbox() {
    const id = get().humanAgentId;
    if (!id) return set({ inbox: { ready: [], in_progress: [] } });
    try {
      set({ inbox: await api.inbox(id) });
    } catch (err) {
      get().fail(`Could not load the tasks of ${id}`, err);
    }
  },
  refreshInbox() {
    if (inboxTimer) return;
    inboxTimer = setTimeout(() => {
      inboxTimer = null;
      void get().loadInbox();
    }, 500);
  },
  async takeTask(task) {
    const id = get().humanAgentId;
    if (!id) return;
    try {
      const r = await api.takeTask(id, task.run_id, task.task_id);
      if (r.status !== 'in_progress') get().notify('error', `Not taken: ${r.error ?? r.status}`);
    } catch (err) {
      get().fail('Could not take the task', err);
    }
    await Promise.all([get().loadInbox(), get().tasksScope === 'everyone' ? get().loadTeam() : undefined]);
  },
  async finishTask(task, ok, text, files = []) {
    const id = get().humanAgentId;
    if (!id) return;
    try {
      await api.finishTask(id, task.run_id, task.task_id, ok, text, files);
      get().notify('info', ok ? `Completed ${task.task_id}` : `Marked ${task.task_id} as failed`);
    } catch (err) {
      get().fail('Could not finish the task', err);
    }
    await get().loadInbox();
  },
});
