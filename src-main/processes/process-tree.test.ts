import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { ProcessTree } from './process-tree.ts';
import { spawnTree, TreeWatcher } from './process-tree.ts';
import { running, sleepTags } from './testing/processes.ts';

const tags = sleepTags();
/** A watcher that records every 20 ms, and one that never gets to. */
const eager = new TreeWatcher({ everyMs: 20 });
const idle = new TreeWatcher({ everyMs: 3_600_000, earlyMs: [] });
const start = (script: string, watcher = eager): ProcessTree =>
  spawnTree('sh', ['-c', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['pipe', 'pipe', 'inherit'],
    graceMs: 200,
    watcher,
  });
/** The first line a stream prints. */
const firstLine = (stream: Readable) =>
  new Promise<string>((resolve) => {
    let text = '';
    stream.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
  });
const parentOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

/**
 * A daemon that clears its environment, leaves the group and whose parent then exits: only a
 * record of the parent link, made while the parent lived, can find it. The script prints the
 * daemon's pid; its parent exits when the test writes a line to the tree's stdin.
 */
async function orphanedDaemon(watcher: TreeWatcher) {
  const [daemonTag, mainTag] = [tags.next(), tags.next()];
  const tree = start(`sh -c 'env -i setsid sleep ${daemonTag} & echo $!; read x'; sleep ${mainTag}`, watcher);
  const daemon = Number(await firstLine(tree.child.stdout!));
  // Until it runs `sleep`, the daemon is a fork of the shell, marker and all.
  await vi.waitFor(
    () => expect(readFileSync(`/proc/${daemon}/cmdline`, 'utf8').split('\0')[0]).toBe('sleep'),
    {
      timeout: 10_000,
    },
  );
  const parent = parentOf(daemon);
  return {
    tree,
    daemon,
    tags: [daemonTag, mainTag],
    /** Lets the daemon's parent exit, and waits until the daemon was re-parented. */
    orphan: async () => {
      tree.child.stdin!.write('\n');
      await vi.waitFor(() => expect(parentOf(daemon)).not.toBe(parent), { timeout: 10_000 });
    },
  };
}

describe.runIf(process.platform === 'linux')('process tree', () => {
  it('finds a daemon whose parent exited, from the parent link recorded while it ran', async () => {
    const d = await orphanedDaemon(eager);
    await vi.waitFor(() => expect(d.tree.known()).toContain(d.daemon), { timeout: 10_000 });
    await d.orphan();
    await d.tree.stop();
    expect(d.tags.flatMap(running)).toEqual([]);
  });

  it('records soon after a tree starts, before the first regular record', async () => {
    const d = await orphanedDaemon(new TreeWatcher({ everyMs: 3_600_000, earlyMs: [10, 100, 1_000] }));
    await vi.waitFor(() => expect(d.tree.known()).toContain(d.daemon), { timeout: 10_000 });
    await d.orphan();
    await d.tree.stop();
    expect(d.tags.flatMap(running)).toEqual([]);
  });

  it('misses it when no record was made while the parent lived (the documented limit)', async () => {
    const d = await orphanedDaemon(idle);
    await d.orphan();
    await d.tree.stop();
    expect(d.tags.flatMap(running)).toEqual([d.daemon]);
    process.kill(d.daemon, 'SIGKILL');
  });

  it('stops only its own tree: the marker of one is not the marker of another', async () => {
    const [mine, theirs] = [tags.next(), tags.next()];
    const a = start(`setsid sleep ${mine} & echo started`);
    const b = start(`setsid sleep ${theirs} & echo started`);
    await Promise.all([firstLine(a.child.stdout!), firstLine(b.child.stdout!)]);
    await vi.waitFor(() => expect([...running(mine), ...running(theirs)]).toHaveLength(2));
    await a.stop();
    expect(running(mine)).toEqual([]);
    expect(running(theirs)).toHaveLength(1);
    await b.stop();
    expect(running(theirs)).toEqual([]);
  });

  it('kills what ignores SIGTERM once the grace period is over', async () => {
    const tag = tags.next();
    const tree = start(`setsid sh -c 'trap "" TERM; exec sleep ${tag}' & echo started; sleep ${tags.next()}`);
    await firstLine(tree.child.stdout!);
    await vi.waitFor(() => expect(running(tag)).toHaveLength(1));
    await tree.stop();
    expect(running(tag)).toEqual([]);
  });

  it('leaves first: a program that drives another is told to stop once that one is gone', async () => {
    const tag = tags.next();
    // On SIGTERM the parent says whether its child still ran, then exits.
    const script = `
      const { spawn } = require('node:child_process');
      const { readFileSync } = require('node:fs');
      const child = spawn('sleep', ['${tag}'], { stdio: 'ignore' });
      child.on('exit', () => {});
      console.log('started');
      process.on('SIGTERM', () => {
        let state = 'gone';
        try { if (!/\\) Z /.test(readFileSync('/proc/' + child.pid + '/stat', 'utf8'))) state = 'running'; } catch {}
        process.stdout.write('child ' + state + '\\n', () => process.exit(0));
      });
      setInterval(() => {}, 1000);`;
    const tree = spawnTree(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'inherit'],
      graceMs: 30_000,
      watcher: eager,
    });
    let out = '';
    tree.child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await vi.waitFor(() => expect(out).toContain('started'), { timeout: 10_000 });
    await vi.waitFor(() => expect(running(tag)).toHaveLength(1), { timeout: 10_000 });
    await tree.stop({ leavesFirst: true });
    await new Promise((r) => (tree.child.exitCode !== null ? r(null) : tree.child.once('exit', r)));
    expect(out).toContain('child gone');
    expect(running(tag)).toEqual([]);
  });

  it('has nothing to stop when the program could not start', async () => {
    const tree = spawnTree('/nonexistent/program', [], { env: {}, graceMs: 200, watcher: eager });
    tree.child.on('error', () => {});
    await tree.stop();
    expect(tree.known()).toEqual([]);
  });
});
