import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { git } from './git.ts';
import { withConfigPairs, withoutDrivers } from './git-drivers.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';

let t: TempRepo;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  t = makeRepo();
  home = join(t.root, 'home');
  mkdirSync(home);
  env = { PATH: process.env.PATH ?? '', HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig') };
});
afterEach(() => {
  vi.unstubAllEnvs();
  t.cleanup();
});

/** The config keys `withoutDrivers` sets, with their values. */
async function turnedOff(cwd = t.repo): Promise<Record<string, string>> {
  const out = await withoutDrivers(env, cwd, undefined);
  const pairs: Record<string, string> = {};
  for (let i = 0; i < Number(out.GIT_CONFIG_COUNT ?? 0); i++)
    pairs[out[`GIT_CONFIG_KEY_${i}`]!] = out[`GIT_CONFIG_VALUE_${i}`]!;
  return pairs;
}

it('turns off each driver the config defines, of every kind, and adds nothing where none is', async () => {
  expect(await withoutDrivers(env, t.repo, undefined)).toEqual(env);
  writeFileSync(
    join(home, '.gitconfig'),
    '[filter "lfs"]\n\tprocess = git-lfs filter-process\n\trequired\n[diff "pdf"]\n\ttextconv = pdftotext\n[merge "ours"]\n\tdriver = true\n[user]\n\tname = x\n',
  );
  expect(await turnedOff()).toEqual({
    'filter.lfs.clean': '',
    'filter.lfs.smudge': '',
    'filter.lfs.process': '',
    'filter.lfs.required': 'false',
    'diff.pdf.command': '',
    'diff.pdf.textconv': '',
    'merge.ours.driver': 'exit 1',
  });
});

it('reads a config file again once it changed, and forgets one that is gone', async () => {
  const global = join(home, '.gitconfig');
  writeFileSync(global, '[filter "a"]\n\tclean = a\n');
  expect(Object.keys(await turnedOff())).toContain('filter.a.clean');
  writeFileSync(global, '[filter "a"]\n\tclean = a\n[filter "later"]\n\tsmudge = b\n');
  expect(Object.keys(await turnedOff())).toEqual(
    expect.arrayContaining(['filter.a.clean', 'filter.later.clean']),
  );
  rmSync(global);
  expect(await turnedOff()).toEqual({});
});

it("follows includes: `~/`, relative to the including file, conditional or not, a file included twice read once; the repository's own from a worktree's folder", async () => {
  writeFileSync(
    join(home, '.gitconfig'),
    '[include]\n\tpath = ~/one.inc\n[includeIf "gitdir:/nowhere/"]\n\tpath = sub/two.inc\n',
  );
  writeFileSync(join(home, 'one.inc'), '[diff "one"]\n\ttextconv = x\n[include]\n\tpath = sub/two.inc\n');
  mkdirSync(join(home, 'sub'));
  writeFileSync(join(home, 'sub', 'two.inc'), '[merge "two"]\n\tdriver = x\n');
  t.git(['config', 'filter.local.smudge', 'x']);
  const inRepo = Object.keys(await turnedOff());
  expect(inRepo).toEqual(
    expect.arrayContaining(['diff.one.textconv', 'merge.two.driver', 'filter.local.smudge']),
  );
  // From a folder below the top (git finds the repository above it), and outside any repository.
  mkdirSync(join(t.repo, 'deep', 'er'), { recursive: true });
  expect(Object.keys(await turnedOff(join(t.repo, 'deep', 'er')))).toContain('filter.local.smudge');
  expect(Object.keys(await turnedOff(home))).not.toContain('filter.local.smudge');
});

it('fails a command whose config file git cannot read, naming the file', async () => {
  writeFileSync(join(home, '.gitconfig'), '[filter "broken"\n\tclean = x\n');
  vi.stubEnv('GIT_CONFIG_GLOBAL', join(home, '.gitconfig'));
  await expect(git(['status'], { cwd: t.repo })).rejects.toThrow(
    `git status could not run: the git config file ${join(home, '.gitconfig')} could not be read to turn its drivers off: fatal: bad config line`,
  );
});

it('adds its pairs after those a caller set (a token for a push)', () => {
  expect(
    withConfigPairs(
      { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: 'x' },
      [['merge.m.driver', 'exit 1']],
    ),
  ).toEqual({
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: 'x',
    GIT_CONFIG_KEY_1: 'merge.m.driver',
    GIT_CONFIG_VALUE_1: 'exit 1',
  });
  expect(() => withConfigPairs({ GIT_CONFIG_COUNT: 'two' }, [['a.b.c', '']])).toThrow(
    'GIT_CONFIG_COUNT: must be a count of config pairs, not two',
  );
});
