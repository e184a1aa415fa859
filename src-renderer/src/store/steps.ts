import type { StateCreator } from 'zustand';
import type { StoredStep } from '../../../src-shared/schemas/step.ts';
import { api } from '../api/client.ts';
import type { StepBook } from '../steps/step-book.ts';
import { mergeSteps, overlay } from '../steps/step-book.ts';
import type { BatonState } from './index.ts';

/** A task's steps while someone looks at them; `loaded` once `runs.steps` answered. */
export interface TaskSteps {
  loaded: boolean;
  book: StepBook;
}

/** The key of a task's steps. */
export const stepsKey = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;

/**
 * The steps of the tasks open in a task detail (an agent that thinks in turns: a coding CLI, an
 * LLM using tools), read once and then kept live from `task.step` events. Steps of tasks nobody
 * looks at are not kept: a run of thousands of tasks streams them without filling the page.
 */
export interface StepsSlice {
  steps: Record<string, TaskSteps>;
  watchSteps(runId: string, taskId: string): Promise<void>;
  unwatchSteps(runId: string, taskId: string): void;
  applySteps(steps: readonly StoredStep[]): void;
}

export const createStepsSlice: StateCreator<BatonState, [], [], StepsSlice> = (set, get) => ({
  steps: {},
  async watchSteps(runId, taskId) {
    const key = stepsKey(runId, taskId);
    // Events that arrive while reading land in the entry and are newer than the answer: laid over it.
    set((s) => ({ steps: { ...s.steps, [key]: { loaded: false, book: {} } } }));
    try {
      const read = await api.taskSteps(runId, taskId);
      set((s) => {
        const now = s.steps[key];
        if (!now) return s;
        return {
          steps: { ...s.steps, [key]: { loaded: true, book: overlay(mergeSteps({}, read), now.book) } },
        };
      });
    } catch (err) {
      get().fail(`Could not read the steps of ${taskId}`, err);
    }
  },
  unwatchSteps(runId, taskId) {
    const key = stepsKey(runId, taskId);
    set((s) => {
      if (!(key in s.steps)) return s;
      const { [key]: _gone, ...rest } = s.steps;
      return { steps: rest };
    });
  },
  applySteps(incoming) {
    if (incoming.length === 0) return;
    const watched = get().steps;
    const byTask = new Map<string, StoredStep[]>();
    for (const step of incoming) {
      const key = stepsKey(step.run_id, step.task_id);
      if (!watched[key]) continue;
      const list = byTask.get(key);
      if (list) list.push(step);
      else byTask.set(key, [step]);
    }
    if (byTask.size === 0) return;
    set((s) => {
      const next = { ...s.steps };
      for (const [key, list] of byTask) {
        const entry = next[key];
        // A step merged into the entry keeps its attempt: the book is by attempt.
        if (entry) next[key] = { ...entry, book: mergeSteps(entry.book, list) };
      }
      return { steps: next };
    });
  },
});
