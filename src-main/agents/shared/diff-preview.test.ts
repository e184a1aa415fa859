import { describe, expect, it } from 'vitest';
import { diffPreview } from './diff-preview.ts';

describe("the preview of an ACP edit's own diff", () => {
  it('names the file relative to the worktree and draws the change as a unified diff', () => {
    const p = diffPreview(
      { path: '/w/tree/src/a.ts', old_text: 'one\ntwo\n', new_text: 'one\n2\n' },
      '/w/tree',
    );
    expect(p).toMatchObject({ ok: true, path: 'src/a.ts', before: 'one\ntwo\n', after: 'one\n2\n' });
    expect(p.ok && p.diff).toContain('-two');
    expect(p.ok && p.diff).toContain('+2');
  });

  it('keeps a path outside the worktree as the agent gave it, and a new file has no text before', () => {
    expect(
      diffPreview({ path: '/elsewhere/b.txt', old_text: null, new_text: 'x\n' }, '/w/tree'),
    ).toMatchObject({
      ok: true,
      path: '/elsewhere/b.txt',
      before: null,
    });
  });
});
