import type { WireError } from '../../src-shared/contract/errors.ts';

/**
 * Whether an error says the disk is full: SQLite's SQLITE_FULL (the database or its journal
 * could not grow) or the OS's ENOSPC (a file write), on the error or anything it wraps.
 */
export function isStorageFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The wire error for a full disk: what to free, and where (the data directory). */
export function storageFullError(dataDir: string | undefined): WireError {
  const where = dataDir && dataDir !== ':memory:' ? ` (Baton's data is in ${dataDir})` : '';
  return {
    code: 'storage_full',
    message: `The disk is full${where}: free some space on it, then try again.`,
    ...(where ? { details: { data_dir: dataDir } } : {}),
  };
}
