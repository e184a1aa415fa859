import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { TaskStatus } from '../../../src-shared/schemas/plain/run.ts';
import { emptyCounts } from '../../../src-shared/schemas/plain/run.ts';
import { task } from '../components/runs/task-run.fixture.ts';
import type { BatonState } from './index.ts';
import { createRunsSlice } from './runs.ts';

const taskRun = (task_id: string, status: TaskStatus) => task(task_id, status, { run_id: 'r1' });

describe('runTaskCounts', () => {
  it('follows the task runs as they change, without counting the run again', () => {
    // The runs slice alone: these updates use nothing from the others.
    const store = createStore<BatonState>()((...a) => createRunsSlice(...a) as BatonState);
    // As when the run's tasks were loaded whole (opening it): from then on they are counted.
    store.setState({ runTaskCounts: { r1: emptyCounts() } });
    const s = store.getState();
    s.upsertTaskRuns([taskRun('a', 'ready'), taskRun('b', 'ready'), taskRun('c', 'pending')]);
    expect(store.getState().runTaskCounts.r1).toMatchObject({ ready: 2, pending: 1, done: 0 });
    // The same task twice in one batch: only its last status counts.
    s.upsertTaskRuns([taskRun('a', 'done'), taskRun('c', 'ready'), taskRun('a', 'failed')]);
    const counts = store.getState().runTaskCounts.r1!;
    expect(counts).toMatchObject({ ready: 2, pending: 0, done: 0, failed: 1 });
    const tasks = Object.values(store.getState().runTasks.r1!);
    for (const [status, n] of Object.entries(counts)) {
      expect(tasks.filter((t) => t.status === status).length).toBe(n);
    }
  });

  it('does not count a run whose tasks were never loaded whole: only some of them sent events', () => {
    const store = createStore<BatonState>()((...a) => createRunsSlice(...a) as BatonState);
    store.getState().upsertTaskRuns([taskRun('a', 'done'), taskRun('b', 'ready')]);
    expect(store.getState().runTaskCounts.r1).toBeUndefined();
    expect(Object.keys(store.getState().runTasks.r1!)).toEqual(['a', 'b']);
  });
});
