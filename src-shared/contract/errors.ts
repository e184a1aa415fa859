/** Error codes that cross the boundary. Expected failures are values with one of these. */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'unknown_method',
  'unavailable',
  /** No proven person (a session ended, a token revoked): sign in again. */
  'unauthorized',
  /** The caller's role or the approval's deciders do not allow it: the message says who may. */
  'forbidden',
  /** The disk holding Baton's data is full: nothing was written; free space and try again. */
  'storage_full',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type WireResult<T = unknown> = { ok: true; value: T } | { ok: false; error: WireError };

export interface ValidationIssue {
  path: string;
  message: string;
}

/** The first issue, as a message names it: `path: message (and N more)` (every issue goes in details). */
export function firstIssueText(issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return '';
  return `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
}

/** Thrown by the client when a call fails; carries the wire error unchanged. */
export class ContractError extends Error implements WireError {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(error: WireError) {
    super(error.message);
    this.name = 'ContractError';
    this.code = error.code;
    this.details = error.details;
  }
}

/** Formats a zod-style path as `tasks[1].depends_on[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}
