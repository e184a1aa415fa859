import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { traceGit } from './git.ts';
import { rememberCommit, requireCommit } from './refs.ts';
import { openRepository } from './repository.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';

let t: TempRepo;
afterEach(() => {
  traceGit(null);
  t?.cleanup();
});

/** The git commands `fn` ran. */
async function commandsOf<T>(fn: () => Promise<T>): Promise<{ value: T; commands: string[] }> {
  const commands: string[] = [];
  traceGit((c) => commands.push(c));
  try {
    return { value: await fn(), commands };
  } finally {
    traceGit(null);
  }
}

describe('requireCommit', () => {
  it("asks git once of a whole commit id; a short id and a tag's id are asked each time, the tag's answered with its commit", async () => {
    t = makeRepo();
    const repo = { path: t.repo };
    const head = t.git(['rev-parse', 'HEAD']);
    t.git(['tag', '-a', '-m', 'v1', 'v1']);
    const tag = t.git(['rev-parse', 'v1']);
    expect(tag).not.toBe(head);

    expect(await commandsOf(() => requireCommit(repo, head, 'c'))).toMatchObject({
      value: head,
      commands: [expect.stringContaining('rev-parse')],
    });
    expect(await commandsOf(() => requireCommit(repo, head.toUpperCase(), 'c'))).toEqual({
      value: head,
      commands: [],
    });
    for (let i = 0; i < 2; i++) {
      expect((await commandsOf(() => requireCommit(repo, head.slice(0, 10), 'c'))).commands).toHaveLength(1);
      expect(await commandsOf(() => requireCommit(repo, tag, 'c'))).toMatchObject({
        value: head,
        commands: [expect.any(String)],
      });
    }
    // Another repository's answer is its own.
    const other = makeRepo({ 'other.txt': 'x\n' });
    try {
      await expect(requireCommit({ path: other.repo }, head, 'base')).rejects.toThrow(
        `base: commit ${head} is not in ${other.repo}`,
      );
    } finally {
      other.cleanup();
    }
  });

  it('knows a commit it was told of (one Baton just made) without asking; a missing id is still refused', async () => {
    t = makeRepo();
    const repo = { path: t.repo };
    t.write('b.txt', 'b\n');
    const made = t.commitAll('b');
    rememberCommit(repo, made);
    expect(await commandsOf(() => requireCommit(repo, made, 'to'))).toEqual({ value: made, commands: [] });
    const missing = 'f'.repeat(40);
    await expect(requireCommit(repo, missing, 'to')).rejects.toThrow(
      `to: commit ${missing} is not in ${t.repo}`,
    );
  });

  it('asks again once the repository at that path was made anew (its object store another folder)', async () => {
    t = makeRepo();
    const head = t.git(['rev-parse', 'HEAD']);
    const first = await openRepository(t.repo);
    await requireCommit(first, head, 'c');
    // Kept only where the file system gives a birth time (without one, git is asked each time).
    const born = statSync(join(t.repo, '.git', 'objects')).birthtimeMs > 0;
    expect((await commandsOf(() => requireCommit(first, head, 'c'))).commands).toHaveLength(born ? 0 : 1);
    // The same path, another repository: the commit is not in it.
    rmSync(join(t.repo, '.git'), { recursive: true, force: true });
    t.git(['init', '-q', '-b', 'main']);
    t.commitAll('again');
    const again = await openRepository(t.repo);
    await expect(requireCommit(again, head, 'base')).rejects.toThrow(
      `base: commit ${head} is not in ${t.repo}`,
    );
  });
});
