/**
 * What every git command Baton runs gets (git.ts runs them), and why; the README beside this
 * file says it for people.
 *
 * - An environment made from an allow-list (PATH, HOME, the temp and Windows basics, where
 *   the user's global config lives), so GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and the other
 *   GIT_* variables of Baton's own environment never point git elsewhere; plus
 *   GIT_TERMINAL_PROMPT=0 (no prompt can hang an attempt), GIT_CONFIG_NOSYSTEM=1 (the
 *   machine-wide config is not Baton's to inherit), GIT_OPTIONAL_LOCKS=0 (reads never take
 *   the index lock an agent's own git may want), LC_ALL=C (messages Baton reads are English).
 * - `-c` overrides: a fixed identity (`Baton <baton@localhost>`, the committer of every
 *   commit Baton makes; a caller may name another author), no hooks (`core.hooksPath` points
 *   at /dev/null: a repository's hooks, or hooks an agent planted, never run on Baton's
 *   worktree adds, merges and commits), no signing prompt, no fsmonitor program, no
 *   automatic gc in the middle of a run, paths printed unquoted.
 * The user's global config still applies (excludes file, autocrlf, filters such as LFS that
 * checkout needs); the repository's config too.
 */

export const BATON_NAME = 'Baton';
export const BATON_EMAIL = 'baton@localhost';

/** Where hooks are looked for: nowhere (`/dev/null/pre-commit` cannot exist). */
const NO_HOOKS = process.platform === 'win32' ? 'NUL' : '/dev/null';

const CONFIG_OVERRIDES = [
  `user.name=${BATON_NAME}`,
  `user.email=${BATON_EMAIL}`,
  `core.hooksPath=${NO_HOOKS}`,
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'core.fsmonitor=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'core.quotePath=false',
  'color.ui=false',
  'core.pager=cat',
];
export const CONFIG_ARGS = CONFIG_OVERRIDES.flatMap((c) => ['-c', c]);

/** Variables passed on from Baton's environment; every other one (all of GIT_* but the global config's place) is dropped. */
const KEPT_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'TEMP',
  'TMP',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_GLOBAL',
  'SYSTEMROOT',
  'SystemRoot',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
];

/** The environment git runs with, from `base` (Baton's own) and `extra` (e.g. an author). */
export function gitEnv(
  base: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of KEPT_ENV) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    GIT_EDITOR: 'true',
    LC_ALL: 'C',
    ...extra,
  };
}
