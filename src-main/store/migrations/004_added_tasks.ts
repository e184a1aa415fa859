/** 004: tasks a decider adds to a running plan keep their spec on their row (plans are immutable versions). */
export const up = `ALTER TABLE task_runs ADD COLUMN spec TEXT;`;
