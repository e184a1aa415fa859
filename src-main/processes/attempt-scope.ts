import { createHash, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';

/** The scope of attempts this process runs without a data directory (`attemptScope`). */
export const PROCESS_SCOPE = `p${randomBytes(6).toString('hex')}`;

/**
 * Whose attempts a process-tree marker names (`attemptMarker`, src-main/engine/attempt-leftovers.ts):
 * one data directory's (a hash of its database file's real
 * path, the same in every process that opens it, so the Baton that takes up a dead one's run
 * finds what it left), or, for a database in memory or an executor run without a store, this
 * process's own. Two Batons on two data directories never stop each other's programs, even
 * when their run ids are the same (as tests' fixed ids are).
 */
export function attemptScope(db: { name: string; memory: boolean }): string {
  if (db.memory) return PROCESS_SCOPE;
  let path = db.name;
  try {
    path = realpathSync(db.name);
  } catch {
    // not there (yet): its name as given
  }
  return createHash('sha256').update(path).digest('hex').slice(0, 12);
}
