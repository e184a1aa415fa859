import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWorkspaceTools } from './workspace-tools.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-ws-tools-'));
  dirs.push(d);
  return d;
};
const signal = new AbortController().signal;

describe('workspace tools', () => {
  it('list, read, search and write inside the folder; run_command only when programs are listed', async () => {
    const ws = temp();
    const tools = openWorkspaceTools({ kind: 'workspace', name: 'workspace', commands: [] }, ws);
    expect(tools.tools.map((t) => [t.name, t.read_only])).toEqual([
      ['list_files', true],
      ['read_file', true],
      ['search_files', true],
      ['write_file', false],
    ]);
    expect(await tools.call('write_file', { path: 'notes/a.txt', content: 'Alpha\nbeta\n' }, signal)).toEqual(
      {
        ok: true,
        text: 'wrote 11 bytes to notes/a.txt',
      },
    );
    expect(await tools.call('list_files', {}, signal)).toEqual({ ok: true, text: 'notes/' });
    expect(await tools.call('read_file', { path: 'notes/a.txt' }, signal)).toEqual({
      ok: true,
      text: 'Alpha\nbeta\n',
    });
    expect(await tools.call('search_files', { text: 'ALPHA' }, signal)).toEqual({
      ok: true,
      text: 'notes/a.txt:1: Alpha',
    });
    expect(await tools.call('run_command', { command: 'ls' }, signal)).toEqual({
      ok: false,
      text: 'no workspace tool "run_command"',
    });
  });

  it('refuses paths that lead outside the folder: .., an absolute path elsewhere, a symbolic link out', async () => {
    const ws = temp();
    const outside = temp();
    writeFileSync(join(outside, 'secret.txt'), 'no');
    symlinkSync(outside, join(ws, 'link'));
    const tools = openWorkspaceTools({ kind: 'workspace', name: 'workspace', commands: [] }, ws);
    const link = `goes through link, which is a symbolic link (to ${outside}); symbolic links are not followed`;
    for (const [path, why] of [
      ['../x.txt', 'is outside the workspace folder'],
      [join(outside, 'secret.txt'), 'is outside the workspace folder'],
      ['link/secret.txt', link],
      ['link/new.txt', link],
    ]) {
      const read = await tools.call('read_file', { path }, signal);
      expect(read.ok, path).toBe(false);
      const write = await tools.call('write_file', { path, content: 'x' }, signal);
      expect(write, path).toEqual({ ok: false, text: `path "${path}" ${why}` });
    }
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('no');
  });

  it('run_command runs only a listed program, without a shell, in the folder', async () => {
    const ws = temp();
    mkdirSync(join(ws, 'sub'));
    const tools = openWorkspaceTools(
      { kind: 'workspace', name: 'workspace', dir: ws, commands: [process.execPath] },
      '/nowhere',
    );
    const ran = await tools.call(
      'run_command',
      { command: process.execPath, args: ['-e', 'console.log(process.cwd(), "$HOME")'] },
      signal,
    );
    // No shell: "$HOME" is printed as written.
    expect(ran).toEqual({ ok: true, text: `${ws} $HOME\n[exit code 0]` });
    expect(await tools.call('run_command', { command: 'sh', args: ['-c', 'echo hi'] }, signal)).toEqual({
      ok: false,
      text: `"sh" is not an allowed program (allowed: ${process.execPath})`,
    });
    const failed = await tools.call(
      'run_command',
      { command: process.execPath, args: ['-e', 'process.exit(4)'] },
      signal,
    );
    expect(failed).toEqual({ ok: false, text: '[exit code 4]' });
  });

  it('run_command checks the program, not its arguments: an allowed program reads outside the folder (the limit the README states, until the OS sandbox)', async () => {
    const ws = temp();
    const outside = temp();
    writeFileSync(join(outside, 'notes.txt'), 'outside the folder');
    const tools = openWorkspaceTools(
      { kind: 'workspace', name: 'workspace', commands: [process.execPath] },
      ws,
    );
    const read = `process.stdout.write(require("node:fs").readFileSync(${JSON.stringify(join(outside, 'notes.txt'))}, "utf8"))`;
    expect(
      await tools.call('run_command', { command: process.execPath, args: ['-e', read] }, signal),
    ).toEqual({
      ok: true,
      text: 'outside the folder\n[exit code 0]',
    });
  });
});
