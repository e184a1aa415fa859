import { describe, expect, it } from 'vitest';
import { emptyLogText } from './log-empty.ts';

describe('what an empty Build logs list says', () => {
  it('says what the audit log will hold when nothing is written yet, not to run a plan', () => {
    const { text, clear } = emptyLogText('audit', '', false);
    expect(text).toMatch(/^Nothing in the audit log yet\. Every change is written here with who made it/);
    expect(text).toContain('secrets (their names, never a value)');
    expect(clear).toBe(false);
    expect(emptyLogText('memory', '', false).text).toMatch(/^No entries yet\. Run a plan/);
  });

  it('says what narrowed it, and offers to clear filters only when there are some', () => {
    expect(emptyLogText('audit', 'deploy', false)).toEqual({
      text: 'Nothing in the audit log matches “deploy”.',
      clear: false,
    });
    expect(emptyLogText('audit', '', true)).toEqual({
      text: 'No audit entry matches these filters.',
      clear: true,
    });
    expect(emptyLogText('memory', 'x', true)).toEqual({
      text: 'Nothing in memory matches “x” with these filters.',
      clear: true,
    });
  });
});
