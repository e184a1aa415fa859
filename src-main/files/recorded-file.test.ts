import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFreshFileSync } from './fresh-file.ts';
import { readRecordedFileSync } from './recorded-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-recorded-'));
  dirs.push(d);
  return d;
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('readRecordedFileSync', () => {
  it('reads the file as recorded; a link swapped in, a change, a FIFO or nothing is refused, saying why', () => {
    const ws = temp();
    const outside = temp();
    writeFileSync(join(outside, 'keys'), 'secret!');
    const path = join(ws, 'out.txt');
    writeFileSync(path, 'report!');
    const recorded = { path, size: 7, sha256: sha('report!') };
    expect(readRecordedFileSync(recorded, 3)).toEqual({ ok: true, head: Buffer.from('rep') });
    expect(readRecordedFileSync(recorded, 100)).toEqual({ ok: true, head: Buffer.from('report!') });
    // Swapped for a link to a file of the same size: not followed.
    symlinkSync(join(outside, 'keys'), join(ws, 'l'));
    renameSync(join(ws, 'l'), path);
    expect(readRecordedFileSync(recorded, 100)).toEqual({
      ok: false,
      why: 'the file is now a symbolic link; it is not read',
    });
    // A second name of the file outside (same size): its bytes are not the recorded ones.
    unlinkSync(path);
    linkSync(join(outside, 'keys'), path);
    expect(readRecordedFileSync(recorded, 100)).toEqual({
      ok: false,
      why: 'the file changed since it was recorded; it is not read',
    });
    unlinkSync(path);
    writeFileSync(path, 'longer report');
    expect(readRecordedFileSync(recorded, 100)).toMatchObject({
      ok: false,
      why: expect.stringContaining('changed'),
    });
    unlinkSync(path);
    execFileSync('mkfifo', [path]);
    expect(readRecordedFileSync(recorded, 100)).toEqual({
      ok: false,
      why: 'the file is no longer a regular file; it is not read',
    });
    unlinkSync(path);
    expect(readRecordedFileSync(recorded, 100)).toEqual({ ok: false, why: 'the file is gone' });
  });
});

describe('writeFreshFileSync', () => {
  it('replaces a link or a second name of a file elsewhere with a new file, the other untouched', () => {
    const dir = temp();
    const outside = temp();
    writeFileSync(join(outside, 'keys'), 'mine');
    symlinkSync(join(outside, 'keys'), join(dir, 'a.txt'));
    symlinkSync(join(outside, 'new.txt'), join(dir, 'b.txt'));
    linkSync(join(outside, 'keys'), join(dir, 'c.txt'));
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) {
      const path = writeFreshFileSync(dir, name, Buffer.from('handed in'), 0o600);
      expect(path).toBe(join(dir, name));
      expect(lstatSync(path).isFile()).toBe(true);
      expect(statSync(path).nlink).toBe(1);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toBe('handed in');
    }
    expect(readFileSync(join(outside, 'keys'), 'utf8')).toBe('mine');
    expect(() => readFileSync(join(outside, 'new.txt'))).toThrow(/ENOENT/);
  });
});
