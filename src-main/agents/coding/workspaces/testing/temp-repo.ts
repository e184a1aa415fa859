import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real git repository in a temp folder, for tests. Its own git calls (setting up history,
 * looking at the result) run with an environment of their own: no global or system config,
 * a fixed identity, so what the code under test does is the only variable.
 */
export interface TempRepo {
  /** The temp folder holding everything (removed by `cleanup`). */
  root: string;
  /** The repository (branch `main`, one commit with `files`). */
  repo: string;
  /** A folder outside the repository for worktrees. */
  worktrees: string;
  /** Runs git in `cwd` (default the repository); returns its output, trimmed. */
  git(args: string[], cwd?: string): string;
  /** Writes a file under `cwd` (default the repository), making folders. */
  write(path: string, content: string | Buffer, cwd?: string): void;
  read(path: string, cwd?: string): string;
  /** `git add -A` and commit in `cwd`; returns the commit. */
  commitAll(message: string, cwd?: string): string;
  cleanup(): void;
}

export const testGitEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test Person',
  GIT_AUTHOR_EMAIL: 'person@example.com',
  GIT_COMMITTER_NAME: 'Test Person',
  GIT_COMMITTER_EMAIL: 'person@example.com',
  LC_ALL: 'C',
  // A test's `git status` never rewrites the index it is checking.
  GIT_OPTIONAL_LOCKS: '0',
});

export function makeRepo(files: Record<string, string> = { 'README.md': 'hello\n' }): TempRepo {
  const root = mkdtempSync(join(tmpdir(), 'baton-ws-'));
  const repo = join(root, 'repo');
  const worktrees = join(root, 'worktrees');
  mkdirSync(repo);
  mkdirSync(worktrees);
  const env = testGitEnv(root);
  const t: TempRepo = {
    root,
    repo,
    worktrees,
    git: (args, cwd = repo) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim(),
    write: (path, content, cwd = repo) => {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), content);
    },
    read: (path, cwd = repo) => readFileSync(join(cwd, path), 'utf8'),
    commitAll: (message, cwd = repo) => {
      t.git(['add', '-A'], cwd);
      t.git(['commit', '-q', '-m', message], cwd);
      return t.git(['rev-parse', 'HEAD'], cwd);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  t.git(['init', '-q', '-b', 'main']);
  for (const [path, content] of Object.entries(files)) t.write(path, content);
  t.commitAll('initial');
  return t;
}
