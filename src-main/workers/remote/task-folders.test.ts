import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskFolders } from './task-folders.ts';

describe('a worker’s task folders', () => {
  let root: string;
  const said: string[] = [];
  const say = (line: string) => said.push(line);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'baton-task-folders-'));
    said.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const session = (name: string, pid: number | null) => {
    const dir = join(root, 'tasks', name);
    mkdirSync(join(dir, 'run', 'task', '1'), { recursive: true });
    writeFileSync(join(dir, 'run', 'task', '1', 'out.txt'), 'x');
    if (pid !== null) writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid, started: 1 }));
    return dir;
  };

  it('removes what earlier sessions left when it starts, but not a running worker’s nor the kept files', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const gone = session('1-dead', dead);
    const unowned = session('2-unowned', null);
    const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const live = session('3-live', running.pid!);
      mkdirSync(join(root, 'kept', 'r-t-1'), { recursive: true });
      const folders = new TaskFolders(root, say, 'now');
      expect(existsSync(gone)).toBe(false);
      expect(existsSync(unowned)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(join(root, 'kept', 'r-t-1'))).toBe(true);
      expect(said).toEqual([`removed the task folders of 2 earlier session(s) in ${join(root, 'tasks')}`]);
      expect(readdirSync(folders.dir)).toEqual(['owner.json']);
    } finally {
      running.kill('SIGKILL');
    }
  });

  it('removes an attempt’s folder (and its emptied task and run folders) once it ended', () => {
    const folders = new TaskFolders(root, say, 's');
    const a1 = folders.attemptDir('run-1', 'build', 1);
    const a2 = folders.attemptDir('run-1', 'test', 1);
    for (const d of [a1, a2]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'report.txt'), 'r');
    }
    folders.finished(a1, 'build (run run-1, attempt 1)');
    expect(existsSync(join(folders.dir, 'run-1', 'build'))).toBe(false);
    expect(existsSync(a2)).toBe(true);
    folders.finished(a2, 'test (run run-1, attempt 1)');
    expect(readdirSync(folders.dir)).toEqual(['owner.json']);
    folders.close();
    expect(existsSync(folders.dir)).toBe(false);
    expect(said).toEqual([]);
  });

  it('keeps, under kept/, an attempt that left files the server could not take, and says where', () => {
    const folders = new TaskFolders(root, say, 's');
    const dir = folders.attemptDir('run/1', 'build', 2);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'huge.bin'), 'big');
    folders.finished(dir, 'build (run run/1, attempt 2)', ['huge.bin']);
    const kept = join(root, 'kept', 'run%2F1-build-2');
    expect(readFileSync(join(kept, 'huge.bin'), 'utf8')).toBe('big');
    expect(existsSync(join(folders.dir, 'run%2F1'))).toBe(false);
    expect(said).toEqual([
      `build (run run/1, attempt 2): kept its folder ${kept}: 1 file(s) the server could not take stay there (huge.bin); remove it when done`,
    ]);
    // A later session does not remove what was kept.
    folders.close();
    new TaskFolders(root, say, 't').close();
    expect(existsSync(kept)).toBe(true);
  });

  it('removes or keeps an attempt’s folder holding links out without touching what they point to', () => {
    const outside = mkdtempSync(join(tmpdir(), 'baton-task-folders-outside-'));
    try {
      writeFileSync(join(outside, 'keys'), 'mine');
      const folders = new TaskFolders(root, say, 's');
      const plant = (dir: string) => {
        mkdirSync(dir, { recursive: true });
        symlinkSync(join(outside, 'keys'), join(dir, 'keys'));
        symlinkSync(outside, join(dir, 'home'));
        symlinkSync(join(outside, 'gone'), join(dir, 'dangling'));
      };
      const removed = folders.attemptDir('run-1', 'a', 1);
      plant(removed);
      folders.finished(removed, 'a');
      const kept = folders.attemptDir('run-1', 'b', 1);
      plant(kept);
      folders.finished(kept, 'b', ['keys']);
      folders.close();
      expect(existsSync(removed)).toBe(false);
      expect(lstatSync(join(root, 'kept', 'run-1-b-1', 'home')).isSymbolicLink()).toBe(true);
      expect(readdirSync(outside)).toEqual(['keys']);
      expect(readFileSync(join(outside, 'keys'), 'utf8')).toBe('mine');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
