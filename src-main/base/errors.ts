import type { ErrorCode, ValidationIssue } from '../../src-shared/contract/errors.ts';
import { formatPath } from '../../src-shared/contract/errors.ts';

/** An expected failure: crosses the boundary as `{ code, message, details }`. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

interface ZodLikeIssue {
  path: readonly PropertyKey[];
  message: string;
}

export function toIssues(
  issues: readonly ZodLikeIssue[],
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  return issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
}

/** `invalid_input` naming the first bad path, with every issue in details. */
export function invalidInput(what: string, issues: ValidationIssue[]): AppError {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AppError(
    'invalid_input',
    first ? `${what}: ${first.path}: ${first.message}${more}` : `${what} is invalid`,
    { issues },
  );
}
