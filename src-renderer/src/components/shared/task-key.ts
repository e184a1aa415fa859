/** A task run's key across runs (a task's id alone repeats in every run of its plan). */
export const taskKey = (t: { run_id: string; task_id: string }) => `${t.run_id}/${t.task_id}`;
