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

  it("words the host's issues the same way", () => {
    expect(
      projectErrorsOf([
        { path: 'budget', message: 'Invalid input: expected number, received null' },
        { path: '(root)', message: 'Unrecognized key: "owner"' },
      ]),
    ).toEqual({ budget: 'Budget must be a number', form: 'Project has fields it does not know: "owner"' });
  });
});
