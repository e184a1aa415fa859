import { basename, delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { addedByBaton } from '../base/engine-env.ts';
import { BATON_ROOT } from '../base/root.ts';

export { BATON_ROOT };

/**
 * The environment of the person who started Baton, as it was before Baton (and whatever started
 * it) added its own: what every program Baton starts for an agent takes its variables from (a
 * coding CLI, a command agent's program, a stdio MCP server, `run_command`, a workspace's setup
 * command and checks), and where Baton looks for the person's programs (the coding CLIs, npm).
 * See README.md beside this file.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Whether npm (`npm start`, `npm run`, `npx`) started this process: it set its lifecycle variables and put its folders first on PATH. */
const npmStarted = (env: Env): boolean =>
  env.npm_lifecycle_event !== undefined || env.npm_command !== undefined;

/** Whether `dir` is `root` or inside it. */
function inside(root: string, dir: string): boolean {
  const rel = relative(root, resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A PATH without Baton's folders. When npm started Baton, what it put before the PATH it was
 * given goes: up to npm's `node-gyp-bin` (which it always puts last), each `node_modules/.bin`
 * from Baton's folder up to the root, the programs' folders of `npx` (`…/_npx/…`) and
 * `node-gyp-bin` itself. However Baton was started, every folder inside Baton's own dependencies
 * goes (`<root>/node_modules`: its `.bin`, the `node` package's Node). What else is on PATH stays,
 * wherever it is: a `node_modules/.bin` of another project, and a folder put before npm's on
 * purpose (in a development checkout, the coding CLIs its tests install under
 * `test/coding-agents`).
 */
export function userPath(path: string, root: string, npm: boolean): string {
  const entries = path.split(delimiter);
  const own = join(root, 'node_modules');
  const last = npm ? entries.findLastIndex((e) => basename(e) === 'node-gyp-bin') : -1;
  const npmBins = new Set<string>();
  if (last >= 0)
    for (let d = resolve(root); ; d = dirname(d)) {
      npmBins.add(join(d, 'node_modules', '.bin'));
      if (dirname(d) === d) break;
    }
  const npmPut = (e: string) =>
    basename(e) === 'node-gyp-bin' || npmBins.has(resolve(e)) || /[\\/]_npx[\\/]/.test(e);
  return entries.filter((e, i) => e === '' || (!inside(own, e) && !(i <= last && npmPut(e)))).join(delimiter);
}

/**
 * What npm sets for a script besides the `npm_*` variables (@npmcli/config's set-envs, npm's own
 * start): the folder it was run in, its colour setting, its Node.
 */
const NPM_SET = ['INIT_CWD', 'COLOR', 'NODE'];

/**
 * `env` (Baton's process environment) without what is Baton's: PATH as `userPath` leaves it;
 * Baton's own settings and tokens (`BATON_*`); Electron's (`ELECTRON_*`: `ELECTRON_RUN_AS_NODE`
 * makes any Electron program a plain Node); and, when npm started Baton, the variables npm set
 * for its script (`npm_*`, `INIT_CWD`, `COLOR`, `NODE`, a `NODE_OPTIONS` of npm's
 * `node-options`); and what Baton's launcher added for the engine (`MALLOC_ARENA_MAX`, named by
 * `BATON_ADDED_ENV`: base/engine-env.ts). The person's own variables stay as they are (an
 * `NPM_CONFIG_REGISTRY` too, and a `MALLOC_ARENA_MAX` a launcher left as they set it).
 */
export function userEnvOf(env: Env, root: string = BATON_ROOT): Record<string, string> {
  const npm = npmStarted(env);
  const added = addedByBaton(env);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || added.has(key)) continue;
    if (/^(BATON|ELECTRON)_/i.test(key)) continue;
    if (npm && (key.startsWith('npm_') || NPM_SET.includes(key))) continue;
    if (npm && key === 'NODE_OPTIONS' && value === env.npm_config_node_options) continue;
    // Windows names it Path, and may hold it twice.
    out[key] = /^path$/i.test(key) ? userPath(value, root, npm) : value;
  }
  return out;
}

let cached: { from: string | undefined; env: Readonly<Record<string, string>> } | null = null;

/**
 * The person's environment (`userEnvOf` this process's), worked out once per process: again only
 * if PATH changed since.
 */
export function userEnv(): Readonly<Record<string, string>> {
  const from = process.env.PATH;
  if (cached === null || cached.from !== from) cached = { from, env: Object.freeze(userEnvOf(process.env)) };
  return cached.env;
}

/**
 * What every program Baton starts for an agent has set, under the environment the agent or
 * workspace names (which may set them otherwise): package managers keep their own chatter out of
 * an unattended run. npm's update check would reach its registry and write under ~/.npm on every
 * `npm` run (in the sandbox: three refusals of every `npm test`), its funding note is noise in a
 * log, and the `update-notifier` package many command-line programs use writes under ~/.config.
 * npm's audit stays: it is the person's check of what they install.
 */
export const QUIET_TOOLS: Readonly<Record<string, string>> = {
  NPM_CONFIG_UPDATE_NOTIFIER: 'false',
  NPM_CONFIG_FUND: 'false',
  NO_UPDATE_NOTIFIER: '1',
};

/**
 * The variables `names` of `from` (the person's environment), those that are set, and
 * `QUIET_TOOLS`: what a program Baton starts for an agent is given of the environment before what
 * its agent or workspace names. On Windows a name is matched whatever its case (`Path`).
 */
export function passedOn(
  names: readonly string[],
  from: Readonly<Record<string, string | undefined>> = userEnv(),
): Record<string, string> {
  const env: Record<string, string> = { ...QUIET_TOOLS };
  const keys = process.platform === 'win32' ? Object.keys(from) : null;
  for (const name of names) {
    const key = keys?.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    const value = from[key];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
