import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolSource } from '../../../src-shared/schemas/agent-tools.ts';
import { unifiedDiff } from './line-diff.ts';
import { writePreview } from './write-preview.ts';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-preview-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const workspaceTools = (dir?: string): ToolSource => ({
  kind: 'workspace',
  name: 'workspace',
  commands: [],
  ...(dir ? { dir } : {}),
});
const fsServer = (dir: string): ToolSource => ({
  kind: 'mcp_stdio',
  name: 'fs',
  command: 'mcp-server-filesystem',
  args: [dir],
  env: {},
  idempotent: [],
});

describe('unifiedDiff', () => {
  it('gives hunks with three lines of context, a new file against /dev/null', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\ni\n';
    expect(unifiedDiff('x.txt', before, after)).toBe(
      '--- a/x.txt\n+++ b/x.txt\n@@ -2,7 +2,8 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n+i\n',
    );
    expect(unifiedDiff('new.txt', null, 'one\ntwo\n')).toBe(
      '--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n',
    );
  });
  it('keeps far apart changes in hunks of their own', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const changed = lines.map((l, i) => (i === 1 || i === 18 ? `${l}!` : l));
    const diff = unifiedDiff('f', `${lines.join('\n')}\n`, `${changed.join('\n')}\n`);
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
  });
});

describe('writePreview', () => {
  it('the workspace tools’ write_file: the file now and after, inside the attempt’s workspace', async () => {
    const ws = temp();
    writeFileSync(join(ws, 'notes.md'), 'old line\nsame\n');
    const p = await writePreview(
      { tool: 'write_file', server: 'workspace', input: { path: 'notes.md', content: 'new line\nsame\n' } },
      [workspaceTools()],
      ws,
    );
    expect(p).toEqual({
      ok: true,
      path: 'notes.md',
      before: 'old line\nsame\n',
      after: 'new line\nsame\n',
      diff: '--- a/notes.md\n+++ b/notes.md\n@@ -1,2 +1,2 @@\n-old line\n+new line\n same\n',
    });
  });
  it('a file that does not exist yet is new; a path out of the folder, or a link out, is not read', async () => {
    const ws = temp();
    const outside = temp();
    writeFileSync(join(outside, 'secret.txt'), 'do not show');
    symlinkSync(outside, join(ws, 'out'));
    const tools = [workspaceTools()];
    const fresh = await writePreview(
      { tool: 'write_file', server: 'workspace', input: { path: 'sub/new.txt', content: 'x\n' } },
      tools,
      ws,
    );
    expect(fresh).toMatchObject({ ok: true, before: null, after: 'x\n' });
    for (const [path, why] of [
      ['../x.txt', 'outside the folders'],
      [join(outside, 'secret.txt'), 'outside the folders'],
      ['out/secret.txt', 'symbolic links are not followed'],
    ] as const) {
      const p = await writePreview(
        { tool: 'write_file', server: 'workspace', input: { path, content: '' } },
        tools,
        ws,
      );
      expect(p).toMatchObject({ ok: false, error: expect.stringContaining(why) });
      expect(JSON.stringify(p)).not.toContain('do not show');
    }
  });
  it('an MCP filesystem server’s edit_file: its edits applied in order, inside its allowed folders', async () => {
    const allowed = temp();
    mkdirSync(join(allowed, 'src'));
    writeFileSync(join(allowed, 'src', 'a.ts'), 'const port = 3000;\nexport { port };\n');
    const input = {
      path: join(allowed, 'src', 'a.ts'),
      edits: [{ oldText: '3000', newText: '8080' }],
    };
    const p = await writePreview({ tool: 'edit_file', server: 'fs', input }, [fsServer(allowed)], temp());
    expect(p).toMatchObject({ ok: true, path: 'src/a.ts', after: 'const port = 8080;\nexport { port };\n' });
    const missing = await writePreview(
      { tool: 'edit_file', server: 'fs', input: { ...input, edits: [{ oldText: 'nope', newText: 'x' }] } },
      [fsServer(allowed)],
      temp(),
    );
    expect(missing).toEqual({
      ok: false,
      path: input.path,
      error: 'edits[0].oldText is not in the file as written',
    });
  });
  it('null for a tool that writes no file, or a source the agent does not have', async () => {
    const ws = temp();
    expect(
      await writePreview(
        { tool: 'read_file', server: 'workspace', input: { path: 'a' } },
        [workspaceTools()],
        ws,
      ),
    ).toBeNull();
    expect(
      await writePreview({ tool: 'write_file', server: 'gone', input: { path: 'a', content: '' } }, [], ws),
    ).toBeNull();
  });
});
