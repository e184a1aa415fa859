import type { StateCreator } from 'zustand';
import type { PulledTask } from '../../../src-shared/contract/domains/work.ts';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import type { HandedFile } from '../api/client.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

const ACTOR_KEY = 'baton.actor';
const HUMAN_KEY = 'baton.human-agent';

export interface ApprovalsSlice {
  pending: ApprovalView[];
  /** Who decides, remembered in this browser profile. */
  actor: string;
  /** The human agent whose tasks "My tasks" shows. */
  humanAgentId: string | null;
  inbox: { ready: PulledTask[]; in_progress: TaskRun[] };
  setActor(actor: string): void;
  setHumanAgent(id: string | null): Promise<void>;
  loadApprovals(): Promise<void>;
  decide(approvalId: string, approve: boolean, comment: string): Promise<void>;
  loadInbox(): Promise<void>;
  takeTask(task: PulledTask): Promise<void>;
  /** Completes (with the answer and any files) or fails a task the person holds. */
  finishTask(task: TaskRun, ok: boolean, text: string, files?: HandedFile[]): Promise<void>;
}

export const createApprovalsSlice: StateCreator<BatonState, [], [], ApprovalsSlice> = (set, get) => ({
  pending: [],
  actor: localStorage.getItem(ACTOR_KEY) ?? 'me',
  humanAgentId: localStorage.getItem(HUMAN_KEY),
  inbox: { ready: [], in_progress: [] },
  setActor(actor) {
    localStorage.setItem(ACTOR_KEY, actor);
    set({ actor });
  },
  async setHumanAgent(id) {
    if (id) localStorage.setItem(HUMAN_KEY, id);
    else localStorage.removeItem(HUMAN_KEY);
    set({ humanAgentId: id });
    await get().loadInbox();
  },
  async loadApprovals() {
    try {
      set({ pending: await api.listApprovals() });
    } catch (err) {
      get().fail('Could not load approvals', err);
    }
  },
  async decide(approvalId, approve, comment) {
    try {
      const escalation = get().pending.find((a) => a.id === approvalId)?.kind === 'escalation';
      await api.decideApproval(approvalId, approve ? 'approve' : 'reject', get().actor || 'me', comment);
      set((s) => ({ pending: s.pending.filter((a) => a.id !== approvalId) }));
      get().notify(
        'info',
        escalation
          ? `${approve ? 'Acknowledged' : 'Rejected'}: recorded; the failed task stays failed (re-run it from the run view)`
          : approve
            ? 'Approved: the task goes on'
            : 'Rejected: the task and what depends on it are skipped',
      );
    } catch (err) {
      get().fail('The decision was not recorded', err);
      await get().loadApprovals();
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
  async takeTask(task) {
    const id = get().humanAgentId;
    if (!id) return;
    try {
      const r = await api.takeTask(id, task.run_id, task.task_id);
      if (r.status !== 'in_progress') get().notify('error', `Not taken: ${r.error ?? r.status}`);
    } catch (err) {
      get().fail('Could not take the task', err);
    }
    await get().loadInbox();
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
