import type { ErrorCode, ValidationIssue } from '../../src-shared/contract/errors.ts';
import { firstIssueText, formatPath } from '../../src-shared/contract/errors.ts';

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
  return new AppError(
    'invalid_input',
    issues.length > 0 ? `${what}: ${firstIssueText(issues)}` : `${what} is invalid`,
    { issues },
  );
}
