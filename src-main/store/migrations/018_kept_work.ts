/**
 * 018: a coding task's kept work (`task_sessions.kept_work`, JSON `KeptWork`): what its branch
 * holds that nobody reviewed once its run ended without the task done (committed as work in
 * progress), resumed or discarded by a person; and `continues`: the run whose kept work a
 * resumed task's session goes on with.
 */
export const up = `
ALTER TABLE task_sessions ADD COLUMN kept_work TEXT;
ALTER TABLE task_sessions ADD COLUMN continues TEXT;
`;
