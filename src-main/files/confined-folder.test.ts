import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfinedFolder, FolderError } from './confined-folder.ts';
import type { Lookup } from './open-folder.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setUp() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'baton-confined-')));
  dirs.push(base);
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  writeFileSync(join(root, 'sub', 'a.txt'), 'a');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link'));
  symlinkSync(join(outside, 'new.txt'), join(root, 'dangling'));
  symlinkSync(join(outside, 'gone'), join(root, 'gone'));
  return { base, root, outside };
}

const reasonOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof FolderError ? `${err.reason}: ${err.message}` : `thrown: ${err}`),
  );

// Linux looks names up through the open folder (openat); elsewhere by path: both must refuse the
// same things (only a swap between a check and its use tells them apart).
const lookups: Lookup[] = process.platform === 'linux' ? ['fd', 'path'] : ['path'];

for (const lookup of lookups)
  describe(`ConfinedFolder (${lookup} lookup)`, () => {
    it('reads inside; refuses links on the last part or on the way, .., and says what is missing', async () => {
      const { root, outside } = setUp();
      const f = new ConfinedFolder(root, { label: 'the test folder', lookup });
      expect((await f.readFile('sub/a.txt')).toString()).toBe('a');
      expect((await f.readFile(join(root, 'sub', 'a.txt'))).toString()).toBe('a');
      expect(await reasonOf(f.readFile('link'))).toBe(
        `link: path "link" is a symbolic link (to ${outside}/secret.txt); symbolic links are not followed`,
      );
      expect(await reasonOf(f.readFile('dangling'))).toMatch(/^link: path "dangling" is a symbolic link/);
      expect(await reasonOf(f.readFile('gone/x.txt'))).toBe(
        `link: path "gone/x.txt" goes through gone, which is a symbolic link (to ${outside}/gone); symbolic links are not followed`,
      );
      expect(await reasonOf(f.readFile('../outside/secret.txt'))).toBe(
        'outside: path "../outside/secret.txt" is outside the test folder',
      );
      expect(await reasonOf(f.readFile('nope/x.txt'))).toBe(
        'missing: path "nope/x.txt" does not exist (no nope)',
      );
      expect(await reasonOf(f.readFile('sub/x.txt'))).toBe('missing: path "sub/x.txt" does not exist');
      expect(await reasonOf(f.readFile('sub'))).toBe('not_a_file: path "sub" is a folder, not a file');
      expect(await reasonOf(f.readFile('sub/a.txt/b'))).toBe(
        'not_a_folder: path "sub/a.txt/b" goes through sub/a.txt, which is not a folder',
      );
      expect(await reasonOf(f.readFile('.'))).toBe('not_a_file: path "." is the test folder, not a file');
      expect(await reasonOf(f.readFile('a\0b'))).toBe('outside: path "a\\u0000b" holds a NUL character');
      expect(await reasonOf(f.readFile('sub/a.txt', 0))).toBe(
        'too_large: path "sub/a.txt" is over 0 bytes (1)',
      );
    });

    it('a FIFO is not opened as a file (nothing waits for a writer)', async () => {
      const { root } = setUp();
      execFileSync('mkfifo', [join(root, 'pipe')]);
      const f = new ConfinedFolder(root, { lookup });
      expect(await reasonOf(f.readFile('pipe'))).toBe('not_a_file: path "pipe" is not a regular file');
      expect(await reasonOf(f.writeFile('pipe', 'x'))).toBe('not_a_file: path "pipe" is not a regular file');
    });

    it('writes in place, making folders; refuses a link, a dangling link, a hard link', async () => {
      const { root, outside } = setUp();
      linkSync(join(outside, 'secret.txt'), join(root, 'hard'));
      const f = new ConfinedFolder(root, { lookup });
      expect(await f.writeFile('new/deeper/b.txt', 'b', { makeFolders: true })).toBe('new/deeper/b.txt');
      expect(readFileSync(join(root, 'new', 'deeper', 'b.txt'), 'utf8')).toBe('b');
      expect(await f.writeFile('sub/a.txt', 'longer text')).toBe('sub/a.txt');
      expect(await f.writeFile('sub/a.txt', 'short')).toBe('sub/a.txt');
      expect(readFileSync(join(root, 'sub', 'a.txt'), 'utf8')).toBe('short');
      expect(await reasonOf(f.writeFile('dangling', 'x'))).toMatch(
        /^link: path "dangling" is a symbolic link/,
      );
      expect(await reasonOf(f.writeFile('gone/x.txt', 'x', { makeFolders: true }))).toMatch(
        /^link: path "gone\/x.txt" goes through gone/,
      );
      expect(await reasonOf(f.writeFile('hard', 'x'))).toBe(
        'hard_link: path "hard" is a file with 2 names (hard links); writing it would change the others too',
      );
      expect(await reasonOf(f.writeFile('missing/x.txt', 'x'))).toBe(
        'missing: path "missing/x.txt" does not exist (no missing)',
      );
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
      expect(existsSync(join(outside, 'new.txt'))).toBe(false);
      expect(existsSync(join(outside, 'gone'))).toBe(false);
    });

    it('a fresh write replaces a link (or a hard link) with a new file of its own, the target untouched', async () => {
      const { root, outside } = setUp();
      linkSync(join(outside, 'secret.txt'), join(root, 'hard'));
      const f = new ConfinedFolder(root, { lookup });
      for (const name of ['link', 'dangling', 'hard', 'sub/a.txt']) {
        await f.writeFile(name, 'mine', { fresh: true, mode: 0o600 });
        const st = lstatSync(join(root, name));
        expect(st.isFile(), name).toBe(true);
        expect(st.mode & 0o777, name).toBe(0o600);
        expect(readFileSync(join(root, name), 'utf8')).toBe('mine');
      }
      await f.writeFile('.baton/context.json', '{}', { fresh: true, makeFolders: true, folderMode: 0o700 });
      expect(statSync(join(root, '.baton')).mode & 0o777).toBe(0o700);
      expect(await reasonOf(f.writeFile('sub', 'x', { fresh: true }))).toBe(
        'not_a_file: path "sub" is a folder, not a file',
      );
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
      expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    });

    it('opens a folder or a file (entry), lists a folder without following its links', async () => {
      const { root } = setUp();
      const f = new ConfinedFolder(root, { lookup });
      const top = await f.entry('.');
      if (!('folder' in top)) throw new Error('expected a folder');
      expect((await top.folder.entries()).map((e) => e.name)).toEqual(['dangling', 'gone', 'link', 'sub']);
      await top.folder.close();
      const file = await f.entry('sub/a.txt');
      if (!('file' in file)) throw new Error('expected a file');
      expect(file.file.rel).toBe('sub/a.txt');
      await file.file.handle.close();
      expect(await reasonOf(f.entry('gone'))).toMatch(/^link: path "gone" is a symbolic link/);
      expect(await reasonOf(f.entry('nope'))).toBe('missing: path "nope" does not exist');
    });

    it('takes a root given through a link as its real folder; an absolute path may use either form', async () => {
      const { base, root } = setUp();
      symlinkSync(root, join(base, 'alias'));
      const f = new ConfinedFolder(join(base, 'alias'), { lookup });
      expect((await f.readFile(join(base, 'alias', 'sub', 'a.txt'))).toString()).toBe('a');
      expect((await f.readFile(join(root, 'sub', 'a.txt'))).toString()).toBe('a');
    });
  });
