import type { StateCreator } from 'zustand';
import type { TeamTasks } from '../../../src-shared/contract/domains/work.ts';
import { api } from '../api/client.ts';
import { errorText } from '../api/errors.ts';
import type { BatonState } from './index.ts';

/** Which tasks My tasks shows: the person's own, or every task waiting for a person. */
export type TasksScope = 'mine' | 'everyone';

/** A task as a handoff names it. */
interface TaskRef {
  run_id: string;
  task_id: string;
}

export interface PeopleSlice {
  tasksScope: TasksScope;
  setTasksScope(scope: TasksScope): void;
  /** Everyone's tasks (`work.team`), read when Everyone's is shown; null before the first read. */
  team: TeamTasks | null;
  loadTeam(): Promise<void>;
  /** Reads everyone's tasks again soon, at most twice a second, while they are shown. */
  refreshTeam(): void;
  /**
   * Hands the task to another person, in your name (asking who you are first, once): null when
   * done, else why not, in words, for the form that asked.
   */
  reassignTask(task: TaskRef, to: string, note: string): Promise<string | null>;
  /** Gives back a task you hold: it waits in the queue again for whoever takes it. */
  giveBackTask(task: TaskRef, note: string): Promise<string | null>;
}

/** A read of everyone's tasks waiting to be made (refreshTeam). */
let teamTimer: ReturnType<typeof setTimeout> | null = null;

export const createPeopleSlice: StateCreator<BatonState, [], [], PeopleSlice> = (set, get) => ({
  tasksScope: 'mine',
  setTasksScope(tasksScope) {
    set({ tasksScope });
    if (tasksScope === 'everyone') void get().loadTeam();
  },
  team: null,
  async loadTeam() {
    try {
      set({ team: await api.teamTasks() });
    } catch (err) {
      get().fail("Could not load everyone's tasks", err);
    }
  },
  refreshTeam() {
    if (teamTimer || get().tasksScope !== 'everyone') return;
    teamTimer = setTimeout(() => {
      teamTimer = null;
      void get().loadTeam();
    }, 500);
  },
  async reassignTask(task, to, note) {
    const me = await get().requireIdentity(`Reassigning ${task.task_id}`);
    if (!me) return 'Say who you are first: the audit log records who hands a task on.';
    try {
      await api.reassignTask(task.run_id, task.task_id, to, me.name, note);
    } catch (err) {
      return errorText(err);
    }
    get().notify('info', `Handed ${task.task_id} to ${to}`);
    await Promise.all([get().loadInbox(), get().loadTeam()]);
    return null;
  },
  async giveBackTask(task, note) {
    const agentId = get().humanAgentId;
    const me = get().identity;
    if (!agentId || !me) return 'Say who you are first: only the person holding a task gives it back.';
    try {
      await api.giveBackTask(agentId, task.run_id, task.task_id, me.name, note);
    } catch (err) {
      return errorText(err);
    }
    get().notify('info', `Gave back ${task.task_id}: it waits for someone to take it`);
    await Promise.all([get().loadInbox(), get().tasksScope === 'everyone' ? get().loadTeam() : undefined]);
    return null;
  },
});
