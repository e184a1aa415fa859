import { describe, expect, it } from 'vitest';
import { argumentsChanged, parseArguments, prettyArguments } from './tool-call-input.ts';

describe('a tool call’s arguments as a person edits them', () => {
  it('round-trips pretty JSON of an object', () => {
    const input = { path: 'a.txt', content: 'x', n: [1, 2] };
    expect(parseArguments(prettyArguments(input))).toEqual({ ok: true, value: input });
  });
  it('names what is wrong: JSON that does not parse, or a value that is not an object', () => {
    const broken = parseArguments('{"path": "a.txt",}');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toMatch(/^Arguments are not valid JSON: /);
    expect(parseArguments('[1]')).toEqual({
      ok: false,
      error: 'Arguments must be a JSON object ({ … }), not an array',
    });
    expect(parseArguments('"text"')).toEqual({
      ok: false,
      error: 'Arguments must be a JSON object ({ … }), not a string',
    });
    expect(parseArguments('null')).toMatchObject({ error: expect.stringContaining('not null') });
  });
  it('tells an edit from a reformatting', () => {
    expect(argumentsChanged({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(false);
    expect(argumentsChanged({ a: 1 }, { a: 2 })).toBe(true);
  });
});
