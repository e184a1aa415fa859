import { describe, expect, it } from 'vitest';
import { checkDraftsOf, checksErrorsOf, checksOf, EMPTY_CHECK } from './checks-draft.ts';

describe('the checks form', () => {
  it('reads back what it shows', () => {
    const checks = [
      { name: 'test', command: ['node', '--test', '--test-reporter=tap'], timeout_s: 120 },
      { name: 'lint', command: ['sh', '-c', 'npm run lint && echo "ok"'], junit: 'out/junit.xml' },
    ];
    expect(checksOf(checkDraftsOf(checks))).toEqual({ ok: true, checks });
  });

  it('names every problem by row and field at once', () => {
    const r = checksOf([
      { ...EMPTY_CHECK, command: 'npm test' },
      { name: 'lint', command: '', timeout_s: 'soon', junit: '' },
      { name: 'lint', command: "sh -c 'x", timeout_s: '0', junit: '' },
    ]);
    expect(r).toEqual({
      ok: false,
      errors: {
        rows: [
          { name: 'Name is required' },
          { command: 'Command is required', timeout_s: 'Timeout must be a whole number of seconds above 0' },
          {
            name: 'Name "lint" is taken by another check',
            command: "Command has a ' that is never closed",
            timeout_s: 'Timeout must be a whole number of seconds above 0',
          },
        ],
      },
    });
  });

  it("puts the host's word under the row's field", () => {
    const e = checksErrorsOf(
      [
        { path: 'checks[1].junit', message: 'must be a path inside the worktree' },
        { path: 'workspace_id', message: 'workspace "x" not found' },
      ],
      2,
    );
    expect(e.rows[1]).toEqual({ junit: 'JUnit file must be a path inside the worktree' });
    expect(e.form).toContain('workspace "x" not found');
  });
});
