import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningSockets, makeTempFolder, reapOrphanTempFolders } from './temp-folders.ts';

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

  it("removes the sandbox library's proxy sockets of Batons that are gone, and only sockets", async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-temps-'));
    // Real Unix sockets, left as a killed process leaves them: bound by a child, which is SIGKILLed.
    const names = ['srt-mux-111-0.sock', 'srt-mux-222-1.sock', `srt-mux-${process.pid}-2.sock`];
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const net = require('node:net'); let n = 0; for (const p of process.argv.slice(1)) net.createServer().listen(p, () => { if (++n === ${names.length}) console.log('listening'); });`,
        ...names.map((n) => join(dir, n)),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    writeFileSync(join(dir, 'srt-mux-333-0.sock'), 'not a socket');
    for (const name of ['srt-mux-111-0.sock', 'srt-mux-222-1.sock', `srt-mux-${process.pid}-2.sock`])
      expect(existsSync(join(dir, name))).toBe(true);
    const removed = reapOrphanTempFolders(dir, (pid) => pid === 222);
    expect(removed).toEqual(['srt-mux-111-0.sock']);
    expect(existsSync(join(dir, 'srt-mux-222-1.sock'))).toBe(true); // its Baton still runs
    expect(existsSync(join(dir, `srt-mux-${process.pid}-2.sock`))).toBe(true); // this Baton's
    expect(existsSync(join(dir, 'srt-mux-333-0.sock'))).toBe(true); // a file, not a socket
  });

  it.runIf(process.platform === 'linux')(
    "removes the write monitor's socket folders nobody listens on any more, and only those",
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'baton-temps-'));
      for (const name of ['srt-obs-DeadAa', 'srt-obs-LiveBb', 'srt-obs-NewCcc', 'srt-obs-FileDd'])
        mkdirSync(join(dir, name));
      writeFileSync(join(dir, 'srt-obs-FileDd', 'notes.txt'), 'not the library’s');
      // The dead one: bound by a child as the monitor binds it, then the child is SIGKILLed.
      const dead = join(dir, 'srt-obs-DeadAa', 's0a1b2c3d.sock');
      const child = spawn(
        process.execPath,
        [
          '-e',
          `require('node:net').createServer().listen(process.argv[1], () => console.log('listening'))`,
          dead,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      child.kill('SIGKILL');
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // The live one: a monitor of a process that runs (this one) listens on it.
      const live = net.createServer().listen(join(dir, 'srt-obs-LiveBb', 's4e5f6a7b.sock'));
      await new Promise<void>((resolve) => live.once('listening', () => resolve()));
      try {
        expect(existsSync(dead)).toBe(true);
        expect(listeningSockets()?.has(join(dir, 'srt-obs-LiveBb', 's4e5f6a7b.sock'))).toBe(true);
        expect(reapOrphanTempFolders(dir)).toEqual(['srt-obs-DeadAa']);
        expect(existsSync(join(dir, 'srt-obs-LiveBb', 's4e5f6a7b.sock'))).toBe(true);
        expect(existsSync(join(dir, 'srt-obs-NewCcc'))).toBe(true); // being set up: no socket yet
        expect(existsSync(join(dir, 'srt-obs-FileDd', 'notes.txt'))).toBe(true);
        // Where the listening sockets cannot be read, no monitor folder is touched.
        mkdirSync(join(dir, 'srt-obs-DeadEe'));
        expect(
          reapOrphanTempFolders(
            dir,
            () => false,
            () => null,
          ),
        ).toEqual([]);
      } finally {
        await new Promise((resolve) => live.close(resolve));
      }
    },
  );

  it('finds nothing to do in a folder that does not exist', () => {
    dir = join(tmpdir(), 'baton-temps-missing');
    expect(reapOrphanTempFolders(dir, () => false)).toEqual([]);
  });
});
