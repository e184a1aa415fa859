import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliWritePreview } from './write-preview.ts';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-preview-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('cliWritePreview', () => {
  it('Claude Code’s Write and Edit, inside the attempt’s worktree', async () => {
    const tree = temp();
    writeFileSync(join(tree, 'app.ts'), 'const port = 3000;\nconst host = 3000;\n');
    const file_path = join(tree, 'app.ts');
    expect(
      await cliWritePreview(
        { tool: 'Edit', input: { file_path, old_string: '3000', new_string: '8080' } },
        tree,
      ),
    ).toMatchObject({ ok: true, path: 'app.ts', after: 'const port = 8080;\nconst host = 3000;\n' });
    expect(
      await cliWritePreview(
        { tool: 'Edit', input: { file_path, old_string: '3000', new_string: '8080', replace_all: true } },
        tree,
      ),
    ).toMatchObject({ ok: true, after: 'const port = 8080;\nconst host = 8080;\n' });
    expect(
      await cliWritePreview({ tool: 'Write', input: { file_path: 'new.md', content: '# New\n' } }, tree),
    ).toMatchObject({ ok: true, path: 'new.md', before: null, after: '# New\n' });
    expect(
      await cliWritePreview({ tool: 'Write', input: { file_path: '/etc/hostname', content: '' } }, tree),
    ).toMatchObject({ ok: false, error: expect.stringContaining('outside the folders') });
    expect(await cliWritePreview({ tool: 'Bash', input: { command: 'ls' } }, tree)).toBeNull();
  });
});
