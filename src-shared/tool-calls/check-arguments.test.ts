import { describe, expect, it } from 'vitest';
import { checkArguments, problemText } from './check-arguments.ts';

/** A write tool's schema, as Baton's workspace tools declare theirs. */
const WRITE = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    content: { type: 'string' },
    mode: { enum: ['overwrite', 'append'] },
    edits: {
      type: 'array',
      items: { type: 'object', properties: { oldText: { type: 'string' } }, required: ['oldText'] },
    },
  },
  required: ['path', 'content'],
  additionalProperties: false,
};
const said = (input: unknown, schema: Record<string, unknown> | null = WRITE) => {
  const p = checkArguments(input, schema);
  return p && problemText(p);
};

describe('checkArguments', () => {
  it('passes arguments that fit the schema, and any when there is no schema', () => {
    expect(said({ path: 'a.txt', content: 'A' })).toBeNull();
    expect(said({ anything: 1 }, null)).toBeNull();
  });
  it('names the argument that is missing, of the wrong type, or not taken', () => {
    expect(said({ path: 'a.txt' })).toBe('content is required but missing');
    expect(said({ path: 3, content: 'A' })).toBe('path must be a string, not a number');
    expect(said({ path: 'a.txt', content: 'A', force: true })).toBe(
      'force is not an argument this tool takes',
    );
    expect(said({ path: 'a.txt', content: 'A', mode: 'x' })).toBe(
      'mode must be one of ["overwrite","append"]',
    );
  });
  it('names an argument deep inside, and says other rules in the validator’s words', () => {
    expect(said({ path: 'a.txt', content: 'A', edits: [{}] })).toBe(
      'edits[0].oldText is required but missing',
    );
    expect(said({ path: 'a.txt', content: 'A', edits: [{ oldText: 1 }] })).toBe(
      'edits[0].oldText must be a string, not a number',
    );
    expect(said({ path: '', content: 'A' })).toBe(
      "path does not fit the tool's schema: String is too short (0 < 1)",
    );
  });
  it('checks a draft-04 schema, and leaves arguments unchecked under a schema it cannot use', () => {
    const old = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['q'] };
    expect(said({}, old)).toBe('q is required but missing');
    expect(said({}, { $schema: 'https://example.com/my-dialect', required: ['q'] })).toBeNull();
  });
});
