import {
  existsSync,
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
import { holdStandIns, reapOrphanStandIns } from './stand-ins.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stand-ins of read-only paths that are not there', () => {
  it('are removed when the last program whose folder holds them ends, if still empty', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-stand-ins-'));
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    const guarded = ['.bashrc', '.mcp.json', '.claude/commands', '.claude/agents'].map((p) => ({
      path: join(tree, p),
      standIn: 'folder' as const,
    }));
    const first = holdStandIns(guarded, [tree]);
    // A folder whose parent is there is made before the library plans the sandbox: empty.
    expect(readdirSync(join(tree, '.bashrc'))).toEqual([]);
    expect(readdirSync(join(tree, '.mcp.json'))).toEqual([]);
    expect(existsSync(join(tree, '.claude'))).toBe(false);
    const second = holdStandIns(guarded, [tree]);
    // What bubblewrap makes on the host while the programs run (the first part missing, above the path).
    mkdirSync(join(tree, '.claude'));
    // A person wrote into one meanwhile: it stays.
    writeFileSync(join(tree, '.mcp.json', 'mine'), 'x');
    const record = join(tmpdir(), `baton-stand-ins-${process.pid}`);
    expect(readFileSync(record, 'utf8').split('\n').sort()).toEqual(
      ['', join(tree, '.bashrc'), join(tree, '.claude'), join(tree, '.mcp.json')].sort(),
    );
    first();
    expect(existsSync(join(tree, '.bashrc'))).toBe(true); // the second program still runs
    second();
    expect(existsSync(join(tree, '.bashrc'))).toBe(false);
    expect(existsSync(join(tree, '.claude'))).toBe(false);
    expect(existsSync(join(tree, '.mcp.json', 'mine'))).toBe(true);
    expect(existsSync(record)).toBe(false);
  });

  it('are made by Baton where their parent is there, never through a link', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-stand-ins-'));
    const home = join(dir, 'home');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(join(home, '.claude'), { recursive: true });
    mkdirSync(elsewhere);
    // A link a program planted where a folder is read-only: Baton's own mkdir does not go through it.
    symlinkSync(elsewhere, join(home, '.claude', 'linked'));
    const guarded = [
      { path: join(home, '.claude', 'commands'), standIn: 'folder' as const },
      { path: join(home, '.claude', 'linked', 'agents'), standIn: 'folder' as const },
      { path: join(home, '.claude', 'settings.json'), standIn: 'file' as const },
    ];
    const release = holdStandIns(guarded, [home]);
    expect(readdirSync(join(home, '.claude', 'commands'))).toEqual([]);
    expect(readdirSync(elsewhere)).toEqual([]);
    // A file's stand-in stays the library's (an empty file on the host would be read as the file).
    expect(existsSync(join(home, '.claude', 'settings.json'))).toBe(false);
    release();
    expect(readdirSync(join(home, '.claude')).sort()).toEqual(['linked']);
  });

  it('of a Baton that is gone are removed before the next session, if still empty', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-stand-ins-'));
    const home = join(dir, 'home');
    mkdirSync(join(home, '.claude', 'commands'), { recursive: true });
    writeFileSync(join(home, '.claude', 'settings.json'), '');
    writeFileSync(join(home, '.claude', 'CLAUDE.md'), 'written by the person since');
    const left = ['commands', 'settings.json', 'CLAUDE.md'].map((p) => join(home, '.claude', p));
    writeFileSync(join(dir, 'baton-stand-ins-111'), `${left.join('\n')}\n`);
    writeFileSync(join(dir, 'baton-stand-ins-222'), `${join(home, '.claude', 'commands')}\n`);
    const reaped = reapOrphanStandIns(dir, (pid) => pid === 222);
    expect(reaped.sort()).toEqual([left[0], left[1]].sort());
    expect(existsSync(left[2]!)).toBe(true);
    expect(existsSync(join(dir, 'baton-stand-ins-111'))).toBe(false);
    expect(existsSync(join(dir, 'baton-stand-ins-222'))).toBe(true); // its Baton still runs
  });
});
