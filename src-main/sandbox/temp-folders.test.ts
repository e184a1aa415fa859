import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempFolder, reapOrphanTempFolders } from './temp-folders.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sandboxed programs’ temp folders', () => {
  it('names each for the Baton that made it', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-temps-'));
    const made = makeTempFolder(dir);
    expect(made.startsWith(join(dir, `baton-tmp-${process.pid}-`))).toBe(true);
    expect(existsSync(made)).toBe(true);
  });

  it('removes the folders of Batons that are gone, and only those', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-temps-'));
    const mine = makeTempFolder(dir);
    for (const name of ['baton-tmp-111-aaaaaa', 'baton-tmp-222-bbbbbb', 'baton-tmp-x', 'other-333-cccccc']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'scratch'), 'left behind');
    }
    const removed = reapOrphanTempFolders(dir, (pid) => pid === 222);
    expect(removed).toEqual(['baton-tmp-111-aaaaaa']);
    expect(existsSync(mine)).toBe(true); // this Baton's own, in use
    expect(existsSync(join(dir, 'baton-tmp-222-bbbbbb'))).toBe(true); // its Baton still runs
    expect(existsSync(join(dir, 'baton-tmp-x'))).toBe(true); // not named as ours
    expect(existsSync(join(dir, 'other-333-cccccc'))).toBe(true);
  });

  it('finds nothing to do in a folder that does not exist', () => {
    dir = join(tmpdir(), 'baton-temps-missing');
    expect(reapOrphanTempFolders(dir, () => false)).toEqual([]);
  });
});
