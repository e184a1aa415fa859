import { spawn } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolSource } from '../../../../src-shared/schemas/agent-tools.ts';
import { cliWritePreview } from '../../coding/attempt/write-preview.ts';
import { writePreview } from '../../shared/write-preview.ts';
import { openWorkspaceTools } from './workspace-tools.ts';

/**
 * Every built-in tool that takes a path an agent names, against every way a path can lead out of
 * its folder, with real files: a folder `ws` (the workspace), a folder `outside` beside it whose
 * files must stay unread and unchanged, and links between them.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const signal = new AbortController().signal;
const SECRET = 'the secret outside';

function setUp() {
  const base = mkdtempSync(join(tmpdir(), 'baton-confine-'));
  dirs.push(base);
  const ws = join(base, 'ws');
  const outside = join(base, 'outside');
  mkdirSync(join(ws, 'sub'), { recursive: true });
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(outside, 'dir', 'inner.txt'), SECRET);
  writeFileSync(join(ws, 'sub', 'ok.txt'), 'inside\n');
  // A link on the last component: to a file outside, to a file that does not exist yet (the
  // notes.md -> ~/.ssh/authorized_keys case), to a folder outside, a chain of two links.
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'link-file'));
  symlinkSync(join(outside, 'authorized_keys'), join(ws, 'notes.md'));
  symlinkSync(join(outside, 'dir'), join(ws, 'link-dir'));
  symlinkSync('link-file', join(ws, 'chain'));
  // Links on a parent: to a folder that does not exist yet, relative with .., and one that stays
  // inside (not followed either: a link is never followed, wherever it points).
  symlinkSync(join(outside, 'gone'), join(ws, 'link-gone'));
  symlinkSync('../../outside', join(ws, 'sub', 'up'));
  symlinkSync('sub', join(ws, 'alias'));
  // A second name of a file outside (a hard link): writing it would change the file outside.
  linkSync(join(outside, 'secret.txt'), join(ws, 'hard.txt'));
  return { ws, outside };
}

/** What the folder outside holds: must be the same after every call. */
function snapshot(outside: string): string {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(d, e.name))
        : [`${join(d, e.name)}=${readFileSync(join(d, e.name), 'utf8')}`],
    );
  return walk(outside).sort().join('\n');
}

interface Refusal {
  /** The path the agent names ({outside} stands for the folder outside). */
  path: string;
  why: string;
  /** Only for the tools that write (reading an existing hard link is reading a file inside). */
  writeOnly?: boolean;
}

const refusals: Refusal[] = [
  { path: '../outside/secret.txt', why: '.. out of the folder' },
  { path: 'sub/../../outside/secret.txt', why: '.. after a folder' },
  { path: '{outside}/secret.txt', why: 'an absolute path elsewhere' },
  { path: 'link-file', why: 'a link to a file outside' },
  { path: 'notes.md', why: 'a dangling link (its target does not exist yet)' },
  { path: 'chain', why: 'a link to a link to a file outside' },
  { path: 'link-dir', why: 'a folder link, as the last component' },
  { path: 'link-dir/inner.txt', why: 'a folder link to outside, on a parent' },
  { path: 'link-dir/new/deeper.txt', why: 'a folder link to outside, folders to create under it' },
  { path: 'link-gone/new.txt', why: 'a dangling folder link on a parent' },
  { path: 'sub/up/secret.txt', why: 'a relative link with .. on a parent' },
  { path: 'alias/ok.txt', why: 'a folder link that stays inside (links are never followed)' },
  { path: 'hard.txt', why: 'a hard link to a file outside', writeOnly: true },
];

type Tool = (ws: string, path: string) => Promise<{ ok: boolean; text: string }>;

const workspaceTool =
  (tool: string, extra: Record<string, unknown> = {}): Tool =>
  async (ws, path) =>
    openWorkspaceTools({ kind: 'workspace', name: 'workspace', commands: [] }, ws).call(
      tool,
      { path, ...extra },
      signal,
    );

const tools: { name: string; writes: boolean; call: Tool }[] = [
  { name: 'list_files', writes: false, call: workspaceTool('list_files') },
  { name: 'read_file', writes: false, call: workspaceTool('read_file') },
  { name: 'search_files', writes: false, call: workspaceTool('search_files', { text: 'secret' }) },
  {
    name: 'write_file',
    writes: true,
    call: workspaceTool('write_file', { content: 'written by the agent' }),
  },
  {
    name: 'write_file preview',
    writes: true,
    call: async (ws, path) => {
      const sources: ToolSource[] = [{ kind: 'workspace', name: 'workspace', commands: [] }];
      const p = await writePreview(
        { tool: 'write_file', server: 'workspace', input: { path, content: 'x' } },
        sources,
        ws,
      );
      return p?.ok ? { ok: true, text: p.before ?? '' } : { ok: false, text: p?.error ?? 'no preview' };
    },
  },
  {
    name: 'MCP filesystem edit_file preview',
    writes: true,
    call: async (ws, path) => {
      const sources: ToolSource[] = [
        {
          kind: 'mcp_stdio',
          name: 'fs',
          command: 'mcp-server-filesystem',
          args: [ws],
          env: {},
          idempotent: [],
        },
      ];
      const edits = [{ oldText: 'secret', newText: 'x' }];
      const p = await writePreview({ tool: 'edit_file', server: 'fs', input: { path, edits } }, sources, ws);
      return p?.ok ? { ok: true, text: p.before ?? '' } : { ok: false, text: p?.error ?? 'no preview' };
    },
  },
  {
    name: 'Claude Code Write preview',
    writes: true,
    call: async (ws, path) => {
      const p = await cliWritePreview({ tool: 'Write', input: { file_path: path, content: 'x' } }, ws);
      return p?.ok ? { ok: true, text: p.before ?? '' } : { ok: false, text: p?.error ?? 'no preview' };
    },
  },
];

describe('every workspace tool stays inside its folder', () => {
  for (const tool of tools)
    for (const r of refusals.filter((r) => tool.writes || !r.writeOnly))
      it(`${tool.name}: ${r.path} (${r.why}) is refused, naming the path`, async () => {
        const { ws, outside } = setUp();
        const before = snapshot(outside);
        const path = r.path.replace('{outside}', outside);
        const got = await tool.call(ws, path);
        expect(got.ok, got.text).toBe(false);
        expect(got.text).toContain(path);
        expect(got.text).not.toContain(SECRET);
        expect(snapshot(outside)).toBe(before);
        expect(existsSync(join(outside, 'gone'))).toBe(false);
      });

  it('what is inside is still listed, read, searched and written (absolute paths inside too)', async () => {
    const { ws, outside } = setUp();
    const before = snapshot(outside);
    const t = openWorkspaceTools({ kind: 'workspace', name: 'workspace', commands: [] }, ws);
    expect(await t.call('list_files', {}, signal)).toEqual({
      ok: true,
      text: ['alias', 'chain', 'hard.txt', 'link-dir', 'link-file', 'link-gone', 'notes.md', 'sub/'].join(
        '\n',
      ),
    });
    expect(await t.call('read_file', { path: join(ws, 'sub', 'ok.txt') }, signal)).toEqual({
      ok: true,
      text: 'inside\n',
    });
    // The search goes past every link; the hard link is a file of the folder, read as such.
    expect(await t.call('search_files', { text: 'inside' }, signal)).toEqual({
      ok: true,
      text: 'sub/ok.txt:1: inside',
    });
    expect(await t.call('write_file', { path: 'new/deeper/a.txt', content: 'a' }, signal)).toEqual({
      ok: true,
      text: 'wrote 1 bytes to new/deeper/a.txt',
    });
    expect(await t.call('write_file', { path: 'sub/ok.txt', content: 'changed' }, signal)).toMatchObject({
      ok: true,
    });
    expect(readFileSync(join(ws, 'new', 'deeper', 'a.txt'), 'utf8')).toBe('a');
    expect(readFileSync(join(ws, 'sub', 'ok.txt'), 'utf8')).toBe('changed');
    expect(snapshot(outside)).toBe(before);
  });
});

describe('a link swapped in between a check and its use', () => {
  it('is not followed: another process swaps a file and a folder for links out while the tools run', async () => {
    const { ws, outside } = setUp();
    mkdirSync(join(ws, 'd'));
    writeFileSync(join(ws, 'd', 'inner.txt'), 'inside\n');
    writeFileSync(join(ws, 'swapped.md'), 'inside\n');
    const before = snapshot(outside);
    // The swapper: swapped.md is a file, then a link to the secret; d is a folder, then a link to
    // the folder outside; over and over until stopped.
    const script = `
      const fs = require('node:fs'); const path = require('node:path');
      const [ws, outside] = process.argv.slice(1);
      const at = (n) => path.join(ws, n);
      for (let i = 0; ; i++) {
        fs.symlinkSync(path.join(outside, 'secret.txt'), at('.l')); fs.renameSync(at('.l'), at('swapped.md'));
        fs.renameSync(at('d'), at('.d')); fs.symlinkSync(path.join(outside, 'dir'), at('d'));
        if (i === 0) process.stdout.write('swapping\\n');
        fs.writeFileSync(at('.f'), 'inside\\n'); fs.renameSync(at('.f'), at('swapped.md'));
        fs.unlinkSync(at('d')); fs.renameSync(at('.d'), at('d'));
      }`;
    const swapper = spawn(process.execPath, ['-e', script, ws, outside], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ended = new Promise((done) => swapper.once('exit', done));
    try {
      await new Promise<void>((ready, failed) => {
        swapper.stdout.once('data', () => ready());
        swapper.once('exit', (code) => failed(new Error(`the swapper ended (${code})`)));
      });
      const t = openWorkspaceTools({ kind: 'workspace', name: 'workspace', commands: [] }, ws);
      const calls: [string, Record<string, unknown>][] = [
        ['write_file', { path: 'swapped.md', content: 'written by the agent' }],
        ['read_file', { path: 'swapped.md' }],
        ['write_file', { path: 'd/inner.txt', content: 'written by the agent' }],
        ['write_file', { path: 'd/new.txt', content: 'written by the agent' }],
        ['read_file', { path: 'd/inner.txt' }],
        ['search_files', { text: 'secret', path: 'd' }],
        ['list_files', { path: 'd' }],
      ];
      let refused = 0;
      for (let round = 0; round < 150; round++)
        for (const [tool, args] of calls) {
          const got = await t.call(tool, args, signal);
          expect(got.text).not.toContain(SECRET);
          if (!got.ok) {
            refused++;
            // Refused, naming the path (or gone for an instant while the folder is swapped back).
            expect(got.text).toContain(`"${args.path}"`);
          }
        }
      expect(refused).toBeGreaterThan(0);
    } finally {
      swapper.kill();
      await ended;
    }
    expect(snapshot(outside)).toBe(before);
  });
});
