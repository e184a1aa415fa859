import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Baton's own git never runs a filter, diff or merge driver. A driver is a program named in git's
 * config (`filter.<name>.clean`, `.smudge`, `.process`; `diff.<name>.command`, `.textconv`;
 * `merge.<name>.driver`) and chosen by a file's attributes (`*.bin filter=lfs`), which come from
 * the tree: the files an agent wrote. Run by Baton it would run as the person, outside any
 * sandbox, on content (and, for Git LFS, a `.lfsconfig` URL) the agent chose. Attributes can name
 * any driver, but only a name the config defines runs a program, so every name any config file
 * git reads defines is turned off, for every command (GIT_CONFIG_COUNT, which beats every config
 * file): a filter passes content through as it is (no command, not `required`), a merge driver is
 * `exit 1` (the file is a conflict, left as it was on the side merged into: a driver exists
 * because git's line merge is wrong for that file, so Baton does not guess), a diff driver has no
 * command or textconv (Baton's diffs also say `--no-ext-diff --no-textconv`, git.ts).
 *
 * The config files are those git reads for the command: the global ones (GIT_CONFIG_GLOBAL, else
 * `~/.gitconfig` and the XDG one; the system's is off, GIT_CONFIG_NOSYSTEM), the repository's
 * `config` and both `config.worktree`, and every file they include, conditionally or not (a
 * condition is taken as met: a name turned off that git would not have seen costs nothing). Each
 * file is read by git itself (`git config --file … --list`, so its syntax is git's), once, and
 * again only when it changes (its size, times and inode): a command costs a few `stat`s, not a
 * process. A file that exists but cannot be read fails the command, naming the file (git would
 * fail on it too). What this rests on: no config file is one an agent writes (its sandbox keeps
 * the home folder and the repository's git folder read-only); a repository it nests in its
 * worktree has a config it wrote, which is why Baton's git never runs inside one (git-env.ts,
 * commits.ts).
 */

type DriverKind = 'filter' | 'diff' | 'merge';

/** What turns each kind of driver off, by the name the config gives it. */
const OFF: Record<DriverKind, (name: string) => [string, string][]> = {
  filter: (n) => [
    [`filter.${n}.clean`, ''],
    [`filter.${n}.smudge`, ''],
    [`filter.${n}.process`, ''],
    [`filter.${n}.required`, 'false'],
  ],
  diff: (n) => [
    [`diff.${n}.command`, ''],
    [`diff.${n}.textconv`, ''],
  ],
  merge: (n) => [[`merge.${n}.driver`, 'exit 1']],
};

/** The git folders of a command in a worktree (git.ts `WorktreeAt`). */
export interface GitDirs {
  gitDir: string;
  commonDir: string;
}

interface ConfigRead {
  drivers: { kind: DriverKind; name: string }[];
  /** Included files, absolute. */
  includes: string[];
}

/** A file's config as last read, by its path; a file that does not exist is not kept. */
const readFiles = new Map<string, { stamp: string; read: Promise<ConfigRead> }>();

/**
 * `env` with every driver of the config files git will read turned off (GIT_CONFIG_COUNT and its
 * pairs, after any the caller set). `env` is the environment git runs with; `cwd` where it runs,
 * or `dirs` for a worktree (GIT_DIR and GIT_COMMON_DIR named).
 */
export async function withoutDrivers(
  env: Record<string, string>,
  cwd: string,
  dirs: GitDirs | undefined,
): Promise<Record<string, string>> {
  const pairs: [string, string][] = [];
  const drivers = new Set<string>();
  const files = [...globalConfigFiles(env), ...repositoryConfigFiles(dirs ?? discover(cwd))];
  const read = new Set<string>();
  // Breadth first through the includes; a file included twice (or in a loop) is read once.
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (read.has(file)) continue;
    read.add(file);
    const config = await readConfig(file, env);
    if (!config) continue;
    for (const d of config.drivers) {
      const key = `${d.kind}.${d.name}`;
      if (drivers.has(key)) continue;
      drivers.add(key);
      pairs.push(...OFF[d.kind](d.name));
    }
    files.push(...config.includes);
  }
  return withConfigPairs(env, pairs);
}

/** `env` with `pairs` added as GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n after those it has. */
export function withConfigPairs(
  env: Record<string, string>,
  pairs: [string, string][],
): Record<string, string> {
  if (pairs.length === 0) return env;
  const had = env.GIT_CONFIG_COUNT === undefined ? 0 : Number(env.GIT_CONFIG_COUNT);
  if (!Number.isSafeInteger(had) || had < 0)
    throw new Error(`GIT_CONFIG_COUNT: must be a count of config pairs, not ${env.GIT_CONFIG_COUNT}`);
  const out: Record<string, string> = { ...env, GIT_CONFIG_COUNT: String(had + pairs.length) };
  for (const [i, [key, value]] of pairs.entries()) {
    out[`GIT_CONFIG_KEY_${had + i}`] = key;
    out[`GIT_CONFIG_VALUE_${had + i}`] = value;
  }
  return out;
}

/** The global config files git reads with `env` (the system's is off). */
function globalConfigFiles(env: Record<string, string>): string[] {
  const named = env.GIT_CONFIG_GLOBAL;
  if (named !== undefined) return named === '' ? [] : [named];
  const homes = [env.HOME, env.USERPROFILE].filter((h): h is string => !!h);
  const xdg = env.XDG_CONFIG_HOME
    ? [join(env.XDG_CONFIG_HOME, 'git', 'config')]
    : homes.map((h) => join(h, '.config', 'git', 'config'));
  return [...xdg, ...homes.map((h) => join(h, '.gitconfig'))];
}

function repositoryConfigFiles(dirs: GitDirs | null): string[] {
  if (!dirs) return [];
  return [
    join(dirs.commonDir, 'config'),
    join(dirs.commonDir, 'config.worktree'),
    join(dirs.gitDir, 'config.worktree'),
  ];
}

/**
 * The repository git finds from `cwd`, as git looks: `.git` (a folder, or a file naming one) in
 * `cwd` or a folder above it, or a folder that is a git folder itself (a bare repository).
 */
function discover(cwd: string): GitDirs | null {
  for (let d = resolve(cwd); ; ) {
    const gitDir = gitDirAt(d);
    if (gitDir && statOf(join(gitDir, 'HEAD'))) return { gitDir, commonDir: commonDirOf(gitDir) };
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

function gitDirAt(d: string): string | null {
  const dotGit = join(d, '.git');
  const st = statOf(dotGit);
  if (st?.isDirectory()) return dotGit;
  if (st?.isFile()) {
    const named = /^gitdir: *(.+?)\s*$/m.exec(readText(dotGit) ?? '')?.[1];
    if (named) return resolve(d, named);
  }
  if (statOf(join(d, 'HEAD'))?.isFile() && statOf(join(d, 'objects'))?.isDirectory()) return d;
  return null;
}

function commonDirOf(gitDir: string): string {
  const named = readText(join(gitDir, 'commondir'))?.trim();
  return named ? resolve(gitDir, named) : gitDir;
}

/** A config file's drivers and includes, read by git when the file is new or changed; null: no such file. */
function readConfig(file: string, env: Record<string, string>): Promise<ConfigRead> | null {
  const st = statOf(file);
  if (!st) {
    readFiles.delete(file);
    return null;
  }
  const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = readFiles.get(file);
  if (known?.stamp === stamp) return known.read;
  const read = readWithGit(file, env);
  readFiles.set(file, { stamp, read });
  read.catch(() => {
    if (readFiles.get(file)?.read === read) readFiles.delete(file);
  });
  return read;
}

async function readWithGit(file: string, env: Record<string, string>): Promise<ConfigRead> {
  const listed = await gitConfig(file, env, ['--list']);
  const drivers: ConfigRead['drivers'] = [];
  let hasIncludes = false;
  for (const entry of listed.split('\0')) {
    // `section.subsection.key\nvalue` (no value: a bare boolean); section and key lower case, as git prints them.
    const key = entry.split('\n', 1)[0]!;
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    if (first < 0) continue;
    const section = key.slice(0, first);
    if (section === 'include' || section === 'includeif') hasIncludes ||= key.endsWith('.path');
    if ((section === 'filter' || section === 'diff' || section === 'merge') && last > first)
      drivers.push({ kind: section, name: key.slice(first + 1, last) });
  }
  if (!hasIncludes) return { drivers, includes: [] };
  // The included paths as git expands them (`~/`, `~user/`, `%(prefix)/`); relative ones are relative to this file.
  const paths = await gitConfig(file, env, ['--type=path', '--get-regexp', '^include(if\\..*)?\\.path$']);
  const includes = paths
    .split('\0')
    .filter((e) => e.includes('\n'))
    .map((e) => resolve(dirname(file), e.slice(e.indexOf('\n') + 1)));
  return { drivers, includes };
}

function gitConfig(file: string, env: Record<string, string>, args: string[]): Promise<string> {
  // Only what finds the file and lets git run: no repository named, no config pairs (a token for landing).
  const plain = Object.fromEntries(
    Object.entries(env).filter(
      ([k]) => !/^GIT_(DIR|WORK_TREE|COMMON_DIR|CONFIG_(COUNT|KEY_\d+|VALUE_\d+))$/.test(k),
    ),
  );
  return new Promise((done, fail) => {
    execFile(
      'git',
      ['config', '--file', file, '--no-includes', '-z', ...args],
      { cwd: dirname(file), env: plain, timeout: 30_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        // `--get-regexp` exits 1 when nothing matches.
        if (!err || (args.includes('--get-regexp') && err.code === 1)) done(stdout);
        else
          fail(
            new Error(
              `the git config file ${file} could not be read to turn its drivers off: ${stderr.trim().split('\n')[0] || err.message}`,
            ),
          );
      },
    );
  });
}

function statOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
