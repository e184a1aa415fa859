import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import { snapshotTree } from '../workspaces/checkpoints.ts';
import { git } from '../workspaces/git.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { prepareWorktree } from '../workspaces/worktrees.ts';
import { gitJail } from './git-jail.ts';

// Baton's git in a worktree whose agent still runs, confined to the agent's view: a folder the
// agent's sandbox hides (here a temp folder standing for ~/.ssh) is hidden from it too.
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const SECRET = 'TOP-SECRET-KEY-MATERIAL';

async function worktreeWithHidden(): Promise<{ t: TempRepo; dir: string; hidden: string }> {
  const t = makeRepo({ 'README.md': 'hello\n' });
  cleanups.push(t.cleanup);
  const w = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: 'baton/r1/t1',
    dir: join(t.worktrees, 't1'),
  });
  if (!w.ok) throw new Error('no worktree');
  const hidden = mkdtempSync(join(tmpdir(), 'baton-hidden-'));
  cleanups.push(() => rmSync(hidden, { recursive: true, force: true }));
  writeFileSync(join(hidden, 'id_key'), `${SECRET}\n`);
  return { t, dir: w.dir, hidden };
}

/** Whether any object of the repository holds the secret. */
async function stored(repo: string): Promise<boolean> {
  const all = await git(['cat-file', '--batch-all-objects', '--batch'], {
    cwd: repo,
    maxOutputBytes: 1 << 30,
  });
  return all.stdout.includes(SECRET);
}

describe.runIf(process.platform === 'linux')("Baton's git in a live agent's worktree", () => {
  it('reads through a link no more than the agent could: a path its sandbox hides is not there', async () => {
    const { t, dir, hidden } = await worktreeWithHidden();
    const view = { policy: DEFAULT_SANDBOX, hide: [hidden], owner: 'agent "hal"' };
    // A link the agent made to the hidden folder, read by path as git reads a file it was handed
    // after its look (`hash-object` follows it, as a swapped folder is followed).
    symlinkSync(hidden, join(dir, 'd2'));
    const asBaton = await git(['hash-object', '-w', '--', 'd2/id_key'], { cwd: dir });
    expect(asBaton.exitCode).toBe(0);
    expect(await stored(t.repo)).toBe(true); // what the jail is for: Baton's own git reads it
    const other = await worktreeWithHidden();
    symlinkSync(other.hidden, join(other.dir, 'd2'));
    const jailed = git(['hash-object', '-w', '--', 'd2/id_key'], {
      cwd: other.dir,
      jail: gitJail({ ...view, hide: [other.hidden] }, [other.dir, join(other.t.repo, '.git')]),
    });
    await expect(jailed).rejects.toThrow(/hash-object/);
    expect(await stored(other.t.repo)).toBe(false);
  });

  it('keeps no hidden file in a checkpoint while a process of the agent swaps a folder for a link to it', async () => {
    const { t, dir, hidden } = await worktreeWithHidden();
    const view = { policy: DEFAULT_SANDBOX, hide: [hidden], owner: 'agent "hal"' };
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'id_key'), 'decoy\n');
    symlinkSync(hidden, join(dir, 'd2'));
    // On a quiet worktree the jail changes nothing of what a checkpoint holds.
    const quiet = await snapshotTree({ repo: t.repo, dir, jail: (w) => gitJail(view, w) });
    expect(quiet.tree).toBe((await snapshotTree({ repo: t.repo, dir })).tree);
    const listed = await git(['ls-tree', '-r', '--name-only', quiet.tree], { cwd: t.repo });
    expect(listed.stdout.toString().split('\n').filter(Boolean).sort()).toEqual([
      'README.md',
      'd/id_key',
      'd2',
    ]);
    // The agent's process: `d` a folder one moment, the link to the hidden folder the next.
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); process.chdir(${JSON.stringify(dir)});
         for (;;) { try { fs.renameSync('d', 'x'); fs.renameSync('d2', 'd'); fs.renameSync('x', 'd2'); } catch {} }`,
      ],
      { stdio: 'ignore' },
    );
    cleanups.push(() => swapper.kill('SIGKILL'));
    // As the attempt's checkpoints run, one after another, while the agent goes on.
    let kept = 0;
    for (let i = 0; i < 40; i++) {
      await snapshotTree({ repo: t.repo, dir, jail: (w) => gitJail(view, w) }).then(
        () => kept++,
        () => {}, // a path gone between git's look and its read: that checkpoint fails, as it may
      );
    }
    swapper.kill('SIGKILL');
    expect(kept).toBeGreaterThan(0);
    expect(await stored(t.repo)).toBe(false);
  }, 120_000);
});
