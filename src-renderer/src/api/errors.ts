import type { ValidationIssue } from '../../../src-shared/contract/errors.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';

/** The per-field issues of an invalid-input error from the contract; none for any other error. */
export function contractIssues(err: unknown): ValidationIssue[] {
  if (!(err instanceof ContractError)) return [];
  return (err.details as { issues?: ValidationIssue[] } | undefined)?.issues ?? [];
}
