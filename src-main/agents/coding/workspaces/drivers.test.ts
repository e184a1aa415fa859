import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { diffSince, worktreeChangesSince } from './diff.ts';
import { lockedRepositories } from './repo-lock.ts';
import { walkAgentBranch } from './testing/agent-branch.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo, testGitEnv } from './testing/temp-repo.ts';
import { prepareWorktree } from './worktrees.ts';

/**
 * Drivers an agent's files name (`.gitattributes`: `filter=`, `diff=`, `merge=`), defined in the
 * person's global config (plainly, in the old `[filter.name]` form, with a name `-c` could not
 * say, in a file it includes when a condition holds), in the repository's own config (through an
 * include), or in a repository the agent nests in its worktree: each writes a line to `ran` when
 * it runs. Baton's git runs none. (A long-running `process` filter: git-lfs's, lfs.test.ts.)
 */

let t: TempRepo;
let ran: string;
let home: string;

const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const said = () => (existsSync(ran) ? readFileSync(ran, 'utf8') : '');

beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', 'notes.txt': '1\n2\n3\n' });
  ran = join(t.root, 'drivers-ran.log');
  home = join(t.root, 'home');
  const log = (what: string) => `echo '${what}' >> '${ran}'`;
  const filter = (name: string) =>
    `\tclean = ${log(`clean ${name}`)}; cat\n\tsmudge = ${log(`smudge ${name}`)}; cat\n`;
  write(
    join(home, '.gitconfig'),
    [
      `[filter "evil"]\n${filter('evil')}\trequired = true\n`,
      `[filter.Old]\n${filter('old')}`,
      `[filter "x=y"]\n${filter('x=y')}`,
      `[diff "evil"]\n\ttextconv = ${log('textconv evil')}; cat\n\tcommand = ${log('command evil')}; true\n`,
      `[merge "evil"]\n\tdriver = ${log('merge evil')}; exit 0\n`,
      `[includeIf "gitdir:${t.root}/"]\n\tpath = conditional.gitconfig\n`,
    ].join(''),
  );
  write(join(home, 'conditional.gitconfig'), `[filter "cond"]\n${filter('cond')}`);
  // The repository's own config, through an include (relative to .git/config).
  write(join(t.root, 'local.gitconfig'), `[filter "local"]\n${filter('local')}`);
  t.git(['config', 'include.path', '../../local.gitconfig']);
  vi.stubEnv('GIT_CONFIG_GLOBAL', join(home, '.gitconfig'));
});

afterEach(() => {
  vi.unstubAllEnvs();
  expect(lockedRepositories()).toBe(0);
  t.cleanup();
});

/** git as the person runs it, with their global config. */
const asPerson = (args: string[], cwd: string) =>
  execFileSync('git', args, {
    cwd,
    env: { ...testGitEnv(home), GIT_CONFIG_GLOBAL: join(home, '.gitconfig') },
    encoding: 'utf8',
    stdio: 'pipe',
  });

it("runs no filter, diff or merge driver an agent's .gitattributes names, wherever the config defines it", async () => {
  const agentFiles = {
    '.gitattributes': [
      '*.txt filter=evil diff=evil merge=evil',
      '*.old filter=old',
      '*.w filter=x=y',
      '*.cnd filter=cond',
      '*.loc filter=local',
      '',
    ].join('\n'),
    'notes.txt': '1 by the agent\n2\n3\n',
    'a.old': 'old\n',
    'a.w': 'w\n',
    'a.cnd': 'cnd\n',
    'a.loc': 'loc\n',
  };
  const walk = await walkAgentBranch(t, agentFiles, { 'notes.txt': '1\n2\n3 by the other\n' });
  expect(said()).toBe('');
  expect(walk.errors).toEqual({});
  // The file a merge driver would have merged is a conflict in Baton's merge, as it was on the side merged into.
  expect(walk.conflict).toMatchObject({ ok: false, files: ['notes.txt'], merging: 'baton/r1/other' });
  expect(t.read('notes.txt', join(t.worktrees, 'resolve'))).toBe('1 by the agent\n2\n3\n');
  for (const [path, content] of Object.entries(agentFiles))
    expect(t.read(path, join(t.worktrees, 'pooled'))).toBe(content);

  // The same branch in git as the person runs it: every driver runs.
  const byHand = join(t.worktrees, 'by-hand');
  asPerson(['worktree', 'add', '-q', '--detach', byHand, walk.commit], t.repo);
  asPerson(['diff', '--no-ext-diff', 'main', 'HEAD', '--', 'notes.txt'], byHand);
  asPerson(['diff', '--ext-diff', 'main', 'HEAD', '--', 'notes.txt'], byHand);
  asPerson(['merge', '-q', '--no-edit', 'baton/r1/other'], byHand);
  for (const driver of [
    'smudge evil',
    'smudge old',
    'smudge x=y',
    'smudge cond',
    'smudge local',
    'textconv evil',
    'command evil',
    'merge evil',
  ])
    expect(said()).toContain(driver);
}, 120_000);

it('never runs git inside a repository an agent nests in its worktree, whose config it wrote', async () => {
  const w = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: 'baton/r1/nest',
    dir: join(t.worktrees, 'nest'),
  });
  if (!w.ok) throw new Error('conflict');
  // The agent's own repository under vendor/lib, with a filter in its config; .gitmodules asks git to look inside it.
  const lib = join(w.dir, 'vendor', 'lib');
  mkdirSync(lib, { recursive: true });
  t.git(['init', '-q'], lib);
  t.write('.gitattributes', '* filter=nested\n', lib);
  t.write('f', 'one\n', lib);
  t.commitAll('the agent’s own', lib);
  t.git(['config', 'filter.nested.clean', `echo 'clean nested' >> '${ran}'; cat`], lib);
  t.write(
    '.gitmodules',
    '[submodule "lib"]\n\tpath = vendor/lib\n\turl = ./vendor/lib\n\tignore = none\n',
    w.dir,
  );
  const first = await commitLeftovers({ repo: t.repo, dir: w.dir, message: 'nested' });
  expect(t.git(['ls-tree', first.head, 'vendor/lib'])).toMatch(/^160000 commit /);
  // The same size as before: git as a person runs it (the control below) must read the file,
  // through the filter, to see the change, however long ago the nested index was written (a new
  // size, it would know without reading unless the index was racily written).
  t.write('f', 'two\n', lib);

  expect(said()).toBe('');
  expect(await worktreeChangesSince({ repo: t.repo, dir: w.dir, base: w.startCommit })).toEqual(
    expect.arrayContaining(['.gitmodules', 'vendor/lib']),
  );
  expect(said()).toBe('');
  await diffSince({ repo: t.repo, dir: w.dir, base: w.startCommit });
  expect(said()).toBe('');
  await commitLeftovers({ repo: t.repo, dir: w.dir, message: 'again' });
  expect(said()).toBe('');

  // git as a person runs it looks inside, and runs the agent's filter.
  asPerson(['status', '--porcelain'], w.dir);
  expect(said()).toContain('clean nested\n');
});
