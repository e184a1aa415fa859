import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

const child = join(import.meta.dirname, 'modes-child.ts');
const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);

/**
 * Runs modes-child.ts on `dataDir` under umask 000 (the loosest there is) and calls `look` while
 * it still has the store open, WAL and shared-memory files included.
 */
async function openUnderUmask000(dataDir: string, look: () => void): Promise<void> {
  const proc = spawn('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, child, dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((r) => proc.on('close', r));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('DONE')) resolve();
    });
    void exited.then((code) => reject(new Error(`the child exited ${code} before DONE: ${out}`)));
  });
  try {
    look();
  } finally {
    proc.stdin.write('\n');
    expect(await exited).toBe(0);
  }
}

/** Every directory and file under `dir` (itself included) with its mode, symlinks not followed. */
function modesUnder(dir: string): Record<string, string> {
  const found: Record<string, string> = { '.': mode(dir) };
  const walk = (at: string, rel: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const r = rel ? `${rel}/${name}` : name;
      found[r] = (lstatSync(path).mode & 0o7777).toString(8);
      if (lstatSync(path).isDirectory()) walk(path, r);
    }
  };
  walk(dir, '');
  return found;
}

const tempRoot = () => {
  const root = mkdtempSync(join(tmpdir(), 'baton-modes-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  return root;
};

/** Directories 0700 and files 0600, every one of them. */
function expectPrivate(modes: Record<string, string>): void {
  const loose = Object.entries(modes).filter(([, m]) => m !== '700' && m !== '600');
  expect(loose).toEqual([]);
}

describe.skipIf(process.platform === 'win32')('data directory modes', () => {
  it('creates the data directory 0700 and everything in it 0700/0600, even under umask 000', async () => {
    const dataDir = join(tempRoot(), 'new', 'Baton');
    await openUnderUmask000(dataDir, () => {
      const modes = modesUnder(dataDir);
      expect(modes).toMatchObject({
        '.': '700',
        'baton.db': '600',
        'baton.db-wal': '600',
        'baton.db-shm': '600',
        workspaces: '700',
      });
      // The attempt's workspace and the file the daemon handed in.
      expect(Object.keys(modes).some((p) => p.endsWith('/report.txt'))).toBe(true);
      expectPrivate(modes);
    });
  });

  it('tightens a data directory and database files left readable by others', async () => {
    const dataDir = join(tempRoot(), 'Baton');
    await openUnderUmask000(dataDir, () => {});
    for (const path of Object.keys(modesUnder(dataDir))) {
      const full = join(dataDir, path);
      chmodSync(full, statSync(full).isDirectory() ? 0o777 : 0o666);
    }
    // What an older Baton could leave: WAL and shared-memory files of its own.
    for (const side of ['baton.db-wal', 'baton.db-shm']) {
      const path = join(dataDir, side);
      if (!existsSync(path)) writeFileSync(path, '');
      chmodSync(path, 0o644);
    }
    expect(mode(dataDir)).toBe('777');
    await openUnderUmask000(dataDir, () => {
      const modes = modesUnder(dataDir);
      expect(modes).toMatchObject({
        '.': '700',
        'baton.db': '600',
        'baton.db-wal': '600',
        'baton.db-shm': '600',
      });
    });
  });

  it('leaves the mode of a folder that is not Baton’s alone, and keeps its own files private in it', async () => {
    const shared = join(tempRoot(), 'projects');
    mkdirSync(shared);
    writeFileSync(join(shared, 'notes.txt'), 'mine');
    chmodSync(shared, 0o755);
    await openUnderUmask000(shared, () => {
      expect(mode(shared)).toBe('755');
      expect(mode(join(shared, 'baton.db'))).toBe('600');
      expect(mode(join(shared, 'baton.db-wal'))).toBe('600');
      expect(mode(join(shared, 'workspaces'))).toBe('700');
    });
  });
});
