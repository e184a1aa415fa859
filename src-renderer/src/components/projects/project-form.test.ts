import { describe, expect, it } from 'vitest';
import { checkProject, EMPTY_PROJECT, projectErrorsOf } from './project-form.ts';

describe('the project form', () => {
  it('names each bad field in plain words', () => {
    const r = checkProject({ ...EMPTY_PROJECT, id: 'bad id', name: 'X', budget: '-5' });
    expect(r).toEqual({
      ok: false,
      errors: {
        id: 'Id may contain only letters, digits and . _ : @ -',
        budget: 'Budget must be a number of 0 or more',
      },
    });
    const nan = checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P', budget: 'abc' });
    expect(nan.ok ? {} : nan.errors).toEqual({
      budget: 'Budget must be a number of 0 or more (or empty for no budget)',
    });
    const empty = checkProject(EMPTY_PROJECT);
    expect(empty.ok ? {} : empty.errors).toEqual({
      id: 'Id must not be empty',
      name: 'Name must not be empty',
    });
  });

  it('reads an empty budget as none, and a number as typed', () => {
    expect(checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P' })).toMatchObject({
      ok: true,
      project: { budget: null },
    });
    expect(checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P', budget: ' 12.5 ' })).toMatchObject({
      ok: true,
      project: { budget: 12.5 },
    });
  });

  it('reads the daily cap from its two fields, and names the one that is wrong', () => {
    expect(checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P' })).toMatchObject({
      ok: true,
      project: { daily_cap: null },
    });
    expect(checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P', cap_usd: '20' })).toMatchObject({
      ok: true,
      project: { daily_cap: { usd: 20 } },
    });
    expect(
      checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P', cap_usd: '20', cap_tokens: '2000000' }),
    ).toMatchObject({ ok: true, project: { daily_cap: { usd: 20, tokens: 2_000_000 } } });
    const bad = checkProject({ ...EMPTY_PROJECT, id: 'p', name: 'P', cap_usd: '0', cap_tokens: '1.5' });
    expect(bad.ok ? {} : bad.errors).toEqual({
      cap_usd: 'Daily cap (USD) must be more than 0',
      cap_tokens: 'Daily cap (tokens) must be a whole number of tokens of at least 1',
    });
  });

  it("words the host's issues the same way", () => {
    expect(
      projectErrorsOf([
        { path: 'budget', message: 'Invalid input: expected number, received null' },
        { path: '(root)', message: 'Unrecognized key: "owner"' },
      ]),
    ).toEqual({ budget: 'Budget must be a number', form: 'Project has fields it does not know: "owner"' });
  });
});
