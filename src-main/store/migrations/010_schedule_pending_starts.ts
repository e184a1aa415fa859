/**
 * 010: a schedule's fires decided but not yet started. A look at a due schedule moves
 * it on and counts the runs it decided to start in `pending_starts` (with the fire's time) in one
 * transaction; each run is then started in the same transaction as the count going down. A
 * process that dies in between leaves the count behind, and the next look (this process's or the
 * next one's after a restart) starts what is left, each once.
 */
export const up = `
ALTER TABLE schedules ADD COLUMN pending_starts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN pending_fire_at INTEGER;
`;
