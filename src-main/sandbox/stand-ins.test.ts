import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const second = holdStandIns(guarded, [tree]);
    // What bubblewrap makes for them on the host while the programs run (the first part missing).
    mkdirSync(join(tree, '.bashrc'));
    mkdirSync(join(tree, '.claude'));
    mkdirSync(join(tree, '.mcp.json'));
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
