import type { Db } from './db.ts';

/** A task whose agent a person paused (`runs.pause`): who and when. */
export interface TaskPause {
  run_id: string;
  task_id: string;
  by: string;
  at: string;
}

/**
 * Tasks whose agent a person paused (migration 044). The engine reads them once as it starts and
 * keeps them in memory (`AttemptTurns`); an attempt never comes here unless its task is paused.
 */
export function createPausesRepo(db: Db) {
  const all = db.prepare<[], TaskPause>('SELECT run_id, task_id, by, at FROM task_pauses ORDER BY at');
  const put =
    db.prepare(`INSERT INTO task_pauses (run_id, task_id, by, at) VALUES (@run_id, @task_id, @by, @at)
    ON CONFLICT (run_id, task_id) DO UPDATE SET by = excluded.by, at = excluded.at`);
  const remove = db.prepare<[string, string]>('DELETE FROM task_pauses WHERE run_id = ? AND task_id = ?');
  return {
    list: (): TaskPause[] => all.all(),
    put: (p: TaskPause): void => {
      put.run(p);
    },
    /** True when the task was paused. */
    remove: (runId: string, taskId: string): boolean => remove.run(runId, taskId).changes > 0,
  };
}
export type PausesRepo = ReturnType<typeof createPausesRepo>;
