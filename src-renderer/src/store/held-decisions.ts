import type { StateCreator } from 'zustand';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { BatonState } from './index.ts';

/**
 * How long a decision waits before it is sent, with Undo offered meanwhile (Gmail's and Linear's
 * few seconds). Nothing reaches the host before then: an approval cannot be taken back once the
 * engine acted on it (the task went on, the agent resumed), so the undo is a delay, not a revert.
 */
export const UNDO_WINDOW_MS = 5_000;

/**
 * A decision made and not sent yet: its approvals are out of the inbox (as if decided) and come
 * back as they were on Undo. One per click: a bulk decision is one, with all its approvals.
 */
export interface HeldDecision {
  id: number;
  /** What it decides, as the inbox listed them (kept up to date by the host's events meanwhile). */
  approvals: ApprovalView[];
  /**
   * What is being decided, in words ("Approving deploy", "Rejecting 3 approvals"): nothing is
   * decided until it is sent, so never said as done.
   */
  title: string;
  /** What it does once sent, in words. */
  detail: string;
  /** The comment it carries, given back to the card on Undo. */
  comment: string;
  /** When it is sent (ms since the epoch), for the countdown. */
  due: number;
}

export interface HeldDecisionsSlice {
  /** The decisions waiting out their undo window, the latest last. */
  held: HeldDecision[];
  /**
   * The comment typed on each approval not yet decided, by approval id: kept while the inbox shows
   * another one (j/k), and given back when a decision is undone.
   */
  commentDrafts: Record<string, string>;
  setCommentDraft(approvalId: string, text: string): void;
  /** The approvals of the decision undone last (the inbox makes the first current again); null before any. */
  undone: { ids: string[]; seq: number } | null;
  /**
   * Takes `approvals` out of the inbox and sends the decision (`send`, given the approvals still
   * held) after UNDO_WINDOW_MS, unless it is undone first; `dropped` is told when it is never sent
   * (undone, or every approval of it decided elsewhere meanwhile).
   */
  holdDecision(decision: {
    approvals: ApprovalView[];
    title: string;
    detail: string;
    comment: string;
    send(ids: readonly string[]): Promise<void>;
    dropped?(): void;
  }): void;
  /** Undoes a held decision (by default the latest): nothing was sent, its approvals wait again. */
  undoDecision(id?: number): void;
  /** Sends every held decision now (the window is closing, or the person asked). */
  flushHeld(): void;
  /**
   * What the host said meanwhile of held approvals: a held one asked again is kept up to date; one
   * decided elsewhere leaves its held decision (which is not sent for it), said in a toast.
   */
  applyHeldApprovals(changed: ApprovalView[]): ApprovalView[];
  /** The ids of every held approval (what a read of the inbox must leave out). */
  heldIds(): Set<string>;
}

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  send(ids: readonly string[]): Promise<void>;
  dropped?: (() => void) | undefined;
}

/** The timers and senders of held decisions (functions stay out of the state). */
const senders = new Map<number, Pending>();
let nextHeld = 1;

export const createHeldDecisionsSlice: StateCreator<BatonState, [], [], HeldDecisionsSlice> = (set, get) => {
  /** Sends a held decision now: it leaves the held list whatever the host answers. */
  const sendNow = (id: number) => {
    const pending = senders.get(id);
    const held = get().held.find((h) => h.id === id);
    senders.delete(id);
    if (pending) clearTimeout(pending.timer);
    const sent = new Set(held?.approvals.map((a) => a.id));
    set((s) => ({
      held: s.held.filter((h) => h.id !== id),
      commentDrafts: Object.fromEntries(Object.entries(s.commentDrafts).filter(([k]) => !sent.has(k))),
    }));
    if (!pending) return;
    if (!held || held.approvals.length === 0) return pending.dropped?.();
    void pending.send(held.approvals.map((a) => a.id));
  };
  return {
    held: [],
    commentDrafts: {},
    setCommentDraft: (approvalId, text) =>
      set((s) => ({ commentDrafts: { ...s.commentDrafts, [approvalId]: text } })),
    undone: null,
    holdDecision({ approvals, title, detail, comment, send, dropped }) {
      if (approvals.length === 0) return;
      // With the host out of reach the decision could not be sent: nothing is said to be decided,
      // and the approvals stay in the inbox for the person to decide again once it is back.
      const { connection } = get();
      if (connection === 'closed' || connection === 'ended') {
        get().notify('error', 'Nothing was decided: Baton cannot be reached', [
          `${approvals.map((a) => a.task_id).join(', ')} still ${approvals.length === 1 ? 'waits' : 'wait'} for a decision. Decide again once Baton is back.`,
        ]);
        dropped?.();
        return;
      }
      const id = nextHeld++;
      const ids = new Set(approvals.map((a) => a.id));
      set((s) => ({
        held: [...s.held, { id, approvals, title, detail, comment, due: Date.now() + UNDO_WINDOW_MS }],
        pending: s.pending.filter((a) => !ids.has(a.id)),
      }));
      senders.set(id, { timer: setTimeout(() => sendNow(id), UNDO_WINDOW_MS), send, dropped });
    },
    undoDecision(id) {
      const held = id === undefined ? get().held.at(-1) : get().held.find((h) => h.id === id);
      if (!held) return;
      const pending = senders.get(held.id);
      if (pending) clearTimeout(pending.timer);
      senders.delete(held.id);
      pending?.dropped?.();
      set((s) => ({
        held: s.held.filter((h) => h.id !== held.id),
        commentDrafts: {
          ...s.commentDrafts,
          ...Object.fromEntries(held.approvals.map((a) => [a.id, held.comment])),
        },
        undone: { ids: held.approvals.map((a) => a.id), seq: (s.undone?.seq ?? 0) + 1 },
      }));
      get().applyApprovals(held.approvals);
    },
    flushHeld() {
      for (const h of get().held) sendNow(h.id);
    },
    applyHeldApprovals(changed) {
      const heldIds = get().heldIds();
      if (heldIds.size === 0) return changed;
      const rest: ApprovalView[] = [];
      const decidedElsewhere: ApprovalView[] = [];
      const updates = new Map<string, ApprovalView>();
      for (const a of changed) {
        if (!heldIds.has(a.id)) rest.push(a);
        else if (a.status === 'pending') updates.set(a.id, a);
        else {
          decidedElsewhere.push(a);
          // The decided list still hears of it.
          rest.push(a);
        }
      }
      const gone = new Set(decidedElsewhere.map((a) => a.id));
      const emptied: number[] = [];
      set((s) => ({
        held: s.held.map((h) => {
          const approvals = h.approvals.filter((a) => !gone.has(a.id)).map((a) => updates.get(a.id) ?? a);
          if (approvals.length === 0) emptied.push(h.id);
          return { ...h, approvals };
        }),
      }));
      for (const id of emptied) {
        const pending = senders.get(id);
        if (pending) clearTimeout(pending.timer);
        senders.delete(id);
        pending?.dropped?.();
      }
      if (emptied.length > 0) set((s) => ({ held: s.held.filter((h) => !emptied.includes(h.id)) }));
      for (const a of decidedElsewhere)
        get().notify('error', `${a.task_id} was decided elsewhere meanwhile`, [
          `${a.actor ? `${a.actor}: ` : ''}${a.status.replace('_', ' ')}. Your decision on it was not sent.`,
        ]);
      return rest;
    },
    heldIds() {
      return new Set(get().held.flatMap((h) => h.approvals.map((a) => a.id)));
    },
  };
};
