import type { ValidationIssue } from '../../../src-shared/contract/errors.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';

/** The per-field issues of an invalid-input error from the contract; none for any other error. */
export function contractIssues(err: unknown): ValidationIssue[] {
  if (!(err instanceof ContractError)) return [];
  return (err.details as { issues?: ValidationIssue[] } | undefined)?.issues ?? [];
}

/**
 * The host words some failures with the request's method in front ("webhooks.add input is
 * invalid: …", "plans.save failed: …"): names a person never sees. This takes them off.
 */
const METHOD_PREFIX = /^[a-z][A-Za-z]*\.[a-z][A-Za-z]* (?:input is invalid|failed): /;

/**
 * An error as a person reads it: the host's message without a method name in it; a request the
 * host does not know (a page newer than its host) said so in words.
 */
export function errorText(err: unknown): string {
  if (err instanceof ContractError) {
    if (err.code === 'unknown_method')
      return 'this Baton does not know that request: it may be older than this page (restart Baton, then reload)';
    return err.message.replace(METHOD_PREFIX, '');
  }
  return err instanceof Error ? err.message : String(err);
}
