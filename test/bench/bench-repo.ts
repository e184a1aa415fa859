// A repository of `files` files of ~1 KB in 200 folders, one commit on `main`: the 20,000-file
// repository the coding benches (coding-git.ts, coding-attempt-worker.ts) work in.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FOLDERS = 200;

/** The environment the benches' own git commands run with (an identity, no system config). */
export const benchGitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'b@x',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'b@x',
};

export function makeBenchRepository(repo: string, files: number): void {
  const git = (args: string[]) => execFileSync('git', args, { cwd: repo, env: benchGitEnv, stdio: 'ignore' });
  mkdirSync(repo, { recursive: true });
  git(['init', '-q', '-b', 'main']);
  const line = `${'x'.repeat(63)}\n`;
  for (let i = 0; i < files; i++) {
    const folder = join(repo, `pkg${i % FOLDERS}`, 'src');
    if (i < FOLDERS) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file${i}.ts`), `// file ${i}\n${line.repeat(16)}`);
  }
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'initial']);
}
