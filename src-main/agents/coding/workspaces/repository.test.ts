import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitTrace } from './git.ts';
import { traceGit } from './git.ts';
import { openRepository } from './repository.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';

let t: TempRepo;
const asked: string[] = [];
const trace: GitTrace = (command) => {
  if (command.includes('rev-parse')) asked.push(command);
};
beforeEach(() => {
  t = makeRepo();
  asked.length = 0;
  traceGit(trace);
});
afterEach(() => {
  traceGit(null);
  t.cleanup();
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a refusal'),
    (e: Error) => e.message,
  );

describe('openRepository keeps what git said of a repository while it is the same one', () => {
  it('asks git once for the same repository, and hands out copies', async () => {
    const first = await openRepository(t.repo);
    first.commonDir = '/elsewhere';
    const again = await openRepository(t.repo);
    expect(asked).toHaveLength(1);
    expect(again.commonDir).toBe(join(t.repo, '.git'));
    expect(again.root).toBe(t.repo);
  });

  it('asks again once the folder is no repository, is another one, or is bare', async () => {
    await openRepository(t.repo);
    // Its git folder gone: no repository any more.
    rmSync(join(t.repo, '.git'), { recursive: true, force: true });
    expect(await refusal(openRepository(t.repo))).toMatch(/is not a git repository/);
    // Made again in the same place: a repository again.
    execFileSync('git', ['init', '-q'], { cwd: t.repo });
    expect(await openRepository(t.repo)).toMatchObject({ root: t.repo });
    // The folder replaced by a bare repository's.
    rmSync(t.repo, { recursive: true, force: true });
    mkdirSync(t.repo);
    execFileSync('git', ['init', '-q', '--bare'], { cwd: t.repo });
    expect(await openRepository(t.repo)).toMatchObject({ root: null, commonDir: t.repo });
    // And by a plain folder.
    rmSync(t.repo, { recursive: true, force: true });
    mkdirSync(t.repo);
    writeFileSync(join(t.repo, 'x'), 'x');
    expect(await refusal(openRepository(t.repo))).toMatch(/is not a git repository/);
    expect(asked.length).toBeGreaterThanOrEqual(5);
  });

  it('never keeps a refusal: a folder made a repository after is opened', async () => {
    const plain = join(t.root, 'plain');
    mkdirSync(plain);
    expect(await refusal(openRepository(plain))).toMatch(/is not a git repository/);
    execFileSync('git', ['init', '-q'], { cwd: plain });
    expect(await openRepository(plain)).toMatchObject({ root: plain });
  });
});
