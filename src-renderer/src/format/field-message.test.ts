import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldMessage, plainMessage } from './field-message.ts';

const zodSays = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? '' : r.error.issues[0]!.message;
};

describe('plainMessage', () => {
  it("puts zod's own messages in plain words", () => {
    expect(plainMessage(zodSays(z.number(), Number.NaN))).toBe('must be a number');
    expect(plainMessage(zodSays(z.number(), null))).toBe('must be a number');
    expect(plainMessage(zodSays(z.number(), undefined))).toBe('is required');
    expect(plainMessage(zodSays(z.number().int(), 1.5))).toBe('must be a whole number');
    expect(plainMessage(zodSays(z.number().nonnegative(), -5))).toBe('must be a number of 0 or more');
    expect(plainMessage(zodSays(z.number().positive(), 0))).toBe('must be a number more than 0');
    expect(plainMessage(zodSays(z.number().max(20), 30))).toBe('must be at most 20');
    expect(plainMessage(zodSays(z.string().min(1), ''))).toBe('must not be empty');
    expect(plainMessage(zodSays(z.string().max(3), 'abcd'))).toBe('must have at most 3 characters');
    expect(plainMessage(zodSays(z.array(z.string()).min(2), ['a']))).toBe('must have at least 2 items');
    expect(plainMessage(zodSays(z.enum(['HIGH', 'LOW']), 'MID'))).toBe('must be one of HIGH, LOW');
    expect(plainMessage(zodSays(z.string(), 5))).toBe('must be text');
    expect(plainMessage(zodSays(z.record(z.string(), z.unknown()), [1]))).toBe('must be an object');
  });

  it('keeps a message that is already in words', () => {
    expect(plainMessage('must be an ISO 8601 date-time')).toBe('must be an ISO 8601 date-time');
    expect(plainMessage('dependency cycle: a → b → a')).toBe('dependency cycle: a → b → a');
  });
});

describe('fieldMessage', () => {
  it('names the field', () => {
    expect(fieldMessage('Budget', 'Too small: expected number to be >=0')).toBe(
      'Budget must be a number of 0 or more',
    );
    expect(fieldMessage('Timeout (s)', 'Invalid input: expected number, received NaN')).toBe(
      'Timeout (s) must be a number',
    );
    expect(fieldMessage('Id', 'may contain only letters')).toBe('Id may contain only letters');
    expect(fieldMessage('Dependencies', 'unknown dependency "x"')).toBe(
      'Dependencies: unknown dependency "x"',
    );
    expect(fieldMessage('Progress', 'Progress must be a number between 0 and 100')).toBe(
      'Progress must be a number between 0 and 100',
    );
  });
});
