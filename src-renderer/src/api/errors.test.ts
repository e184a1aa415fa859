import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../src-shared/contract/errors.ts';
import { errorText } from './errors.ts';

describe('errorText', () => {
  it('takes the method name off what the host says', () => {
    const invalid = new ContractError({
      code: 'invalid_input',
      message: 'webhooks.add input is invalid: url: must be an http(s) URL',
    });
    expect(errorText(invalid)).toBe('url: must be an http(s) URL');
    const failed = new ContractError({ code: 'internal', message: 'plans.save failed: disk I/O error' });
    expect(errorText(failed)).toBe('disk I/O error');
  });

  it('says in words that the host does not know a request', () => {
    const unknown = new ContractError({ code: 'unknown_method', message: 'unknown method "secrets.list"' });
    expect(errorText(unknown)).not.toContain('secrets.list');
    expect(errorText(unknown)).toMatch(/does not know that request/);
  });

  it('leaves other messages as they are', () => {
    expect(errorText(new ContractError({ code: 'conflict', message: 'webhook "ops" already exists' }))).toBe(
      'webhook "ops" already exists',
    );
    expect(errorText(new Error('offline'))).toBe('offline');
    expect(errorText('plain')).toBe('plain');
  });
});
