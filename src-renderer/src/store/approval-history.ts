import type { StateCreator } from 'zustand';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import { isDecided } from '../../../src-shared/schemas/plain/approval.ts';
import { api } from '../api/client.ts';
import { errorText } from '../api/errors.ts';
import { asked } from './approvals.ts';
import type { BatonState } from './index.ts';

/** How many of the latest decisions the Decided tab lists. */
export const DECIDED_SHOWN = 100;

/** Which list of the Approvals screen is shown: what waits, or what was decided. */
export type ApprovalsTab = 'pending' | 'decided';
/**
 * The order of what waits: what unblocks the most work first (the most tasks downstream waiting
 * on it; the default), the longest waiting first (a queue's), or the latest asked first.
 */
export type ApprovalSort = 'blocking' | 'oldest' | 'newest';
export const APPROVAL_SORTS = ['blocking', 'oldest', 'newest'] as const satisfies readonly ApprovalSort[];

/** One approval of a bulk decision that was not recorded, and why in words. */
export interface BulkFailure {
  id: string;
  task_id: string;
  error: string;
}

/** What a bulk decision did: the approvals decided, and those that were not (each with why). */
export interface BulkResult {
  approve: boolean;
  decided: string[];
  failed: BulkFailure[];
}

export interface ApprovalHistorySlice {
  approvalsTab: ApprovalsTab;
  setApprovalsTab(tab: ApprovalsTab): void;
  approvalSort: ApprovalSort;
  setApprovalSort(sort: ApprovalSort): void;
  /** The latest decisions, the latest first (at most DECIDED_SHOWN); null until read. */
  decided: ApprovalView[] | null;
  loadDecided(): Promise<void>;
  /** Decisions the host's events carry, put in their place in the list (once it was read). */
  applyDecided(changed: ApprovalView[]): void;
  /**
   * Decides every approval of `ids` the same way with one comment, in your name (asked once),
   * after the undo window (held-decisions.ts), one after another: one that fails (decided by
   * someone else meanwhile) is reported in `bulkOutcome` and the others are still decided. False
   * when you did not say who you are.
   */
  decideMany(ids: readonly string[], approve: boolean, comment: string): Promise<boolean>;
  /** What the last bulk decision did once sent (shown over the inbox until dismissed). */
  bulkOutcome: BulkResult | null;
  setBulkOutcome(result: BulkResult | null): void;
}

/** `list` with `changed` in place, the latest decided first, at most DECIDED_SHOWN. */
export function withDecided(list: readonly ApprovalView[], changed: readonly ApprovalView[]): ApprovalView[] {
  const fresh = changed.filter((a) => isDecided(a.status));
  if (fresh.length === 0) return [...list];
  const ids = new Set(fresh.map((a) => a.id));
  return [...fresh, ...list.filter((a) => !ids.has(a.id))]
    .sort((a, b) => (b.decided_at ?? '').localeCompare(a.decided_at ?? ''))
    .slice(0, DECIDED_SHOWN);
}

export const createApprovalHistorySlice: StateCreator<BatonState, [], [], ApprovalHistorySlice> = (
  set,
  get,
) => ({
  approvalsTab: 'pending',
  setApprovalsTab: (approvalsTab) => {
    set({ approvalsTab });
    if (approvalsTab === 'decided') void get().loadDecided();
  },
  approvalSort: 'blocking',
  setApprovalSort: (approvalSort) => set({ approvalSort }),
  decided: null,
  async loadDecided() {
    try {
      set({ decided: await api.listDecidedApprovals(DECIDED_SHOWN) });
    } catch (err) {
      get().fail('Could not load the decided approvals', err);
    }
  },
  applyDecided(changed) {
    const list = get().decided;
    if (list === null || !changed.some((a) => isDecided(a.status))) return;
    set({ decided: withDecided(list, changed) });
  },
  bulkOutcome: null,
  setBulkOutcome: (bulkOutcome) => set({ bulkOutcome }),
  async decideMany(ids, approve, comment) {
    const n = `${ids.length} approval${ids.length === 1 ? '' : 's'}`;
    const me = await get().requireIdentity(`${approve ? 'Approving' : 'Rejecting'} ${n}`);
    if (!me) return false;
    const wanted = new Set(ids);
    const approvals = get().pending.filter((a) => wanted.has(a.id));
    const taskOf = new Map(approvals.map((a) => [a.id, a.task_id]));
    get().holdDecision({
      approvals,
      // Not decided yet: said as done by the bulk outcome once sent.
      title: `${approve ? 'Approving' : 'Rejecting'} ${n}`,
      detail: approvals.map((a) => a.task_id).join(', '),
      comment,
      // Each is decided on its own: one decided elsewhere meanwhile is reported, the others are decided.
      send: async (held) => {
        const result: BulkResult = { approve, decided: [], failed: [] };
        for (const id of held) {
          try {
            await api.decideApproval(id, approve ? 'approve' : 'reject', me.name, comment || undefined);
            result.decided.push(id);
          } catch (err) {
            result.failed.push({ id, task_id: taskOf.get(id) ?? id, error: errorText(err) });
          }
        }
        set({ bulkOutcome: result });
        // What failed is back in the inbox, to decide again; it may have been decided elsewhere:
        // the inbox is read again (when the host can be reached) to show it as it is.
        if (result.failed.length > 0) {
          const failed = new Set(result.failed.map((f) => f.id));
          set((s) => ({
            pending: approvals.filter((a) => failed.has(a.id)).reduce(asked, s.pending),
          }));
          if (get().connection === 'open') await get().loadApprovals();
        }
      },
    });
    return true;
  },
});
