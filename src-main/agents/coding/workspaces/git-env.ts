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
 *   worktree adds, merges and commits), no signing prompt and no signature checks (gpg), no
 *   fsmonitor program, no automatic gc in the middle of a run, paths printed unquoted; no
 *   submodule recursion (checkout, fetch, push and diff never enter a nested repository, whose
 *   config an agent writes) and no `ext::` transport (a command as a URL).
 * - Flags on the commands that would run a diff driver or enter a nested repository
 *   (`subcommandGuards`): `diff`, `log` and `show` run no external diff or textconv program;
 *   `diff` and `status` look at a submodule's commit, never run git inside it
 *   (`--ignore-submodules=dirty`, which a `.gitmodules` cannot undo).
 * - Every filter, diff and merge driver the config defines turned off (git-drivers.ts).
 * The user's global config still applies (excludes file, autocrlf, credentials, URL rewrites);
 * the repository's config too; their drivers do not (git-drivers.ts says why).
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
  'merge.verifySignatures=false',
  'log.showSignature=false',
  'submodule.recurse=false',
  'fetch.recurseSubmodules=false',
  'push.recurseSubmodules=no',
  'diff.submodule=short',
  'status.submoduleSummary=false',
  'protocol.ext.allow=never',
];
export const CONFIG_ARGS = CONFIG_OVERRIDES.flatMap((c) => ['-c', c]);

/** Flags put after a subcommand that would otherwise run a diff driver, or git inside a nested repository. */
const GUARDS: Partial<Record<string, readonly string[]>> = {
  diff: ['--no-ext-diff', '--no-textconv', '--ignore-submodules=dirty'],
  status: ['--ignore-submodules=dirty'],
  log: ['--no-ext-diff', '--no-textconv'],
  show: ['--no-ext-diff', '--no-textconv'],
};

/** `args` with the guards of its subcommand (the first word that is not an option, past `-c x=y` and `-C dir`) after it. */
export function subcommandGuards(args: readonly string[]): readonly string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) i += args[i] === '-c' || args[i] === '-C' ? 2 : 1;
  const guards = GUARDS[args[i] ?? ''];
  return guards ? [...args.slice(0, i + 1), ...guards, ...args.slice(i + 1)] : args;
}

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
