import type { WireError, WireResult } from '../../src-shared/contract/errors.ts';
import type { BatonHandlers, MethodName } from '../../src-shared/contract/index.ts';
import { contract, isMethodName } from '../../src-shared/contract/index.ts';
import { AppError, invalidInput, toIssues } from '../errors.ts';
import type { ErrorLog } from '../log-line.ts';
import { logToStderr } from '../log-line.ts';
import { isStorageFull, storageFullError } from './storage-full.ts';

export type Dispatch = (method: string, input: unknown) => Promise<WireResult>;

/**
 * The one place calls enter the application: the method must exist, its input is validated
 * against the contract's schema before the handler runs, and every error leaves as
 * `{ code, message, details? }`. Unexpected errors are logged (one line, naming the method) and
 * reported as `internal`, except a full disk (SQLITE_FULL, ENOSPC), which is `storage_full`
 * naming the data directory.
 */
export function createDispatch(
  handlers: BatonHandlers,
  log: ErrorLog = logToStderr,
  opts: { dataDir?: string } = {},
): Dispatch {
  for (const name of Object.keys(contract)) {
    if (typeof (handlers as Record<string, unknown>)[name] !== 'function') {
      throw new Error(`application service has no handler for "${name}"`);
    }
  }
  return async (method, input) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown method "${method}"` } };
    }
    const parsed = contract[method].input.safeParse(input ?? {});
    if (!parsed.success) {
      const err = invalidInput(`${method} input is invalid`, toIssues(parsed.error.issues));
      return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
    try {
      const handler = handlers[method] as (i: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: toWireError(err, method, log, opts.dataDir) };
    }
  };
}

function toWireError(
  err: unknown,
  method: MethodName,
  log: ErrorLog,
  dataDir: string | undefined,
): WireError {
  if (err instanceof AppError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  log(err, method);
  if (isStorageFull(err)) return storageFullError(dataDir);
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal' as const, message: `${method} failed: ${message}` };
}
