import { afterEach, describe, expect, it } from 'vitest';
import { engineEnv } from '../base/engine-env.ts';
import { BATON_ROOT, passedOn, QUIET_TOOLS, userEnv, userEnvOf, userPath } from './user-env.ts';

// The person's environment, from Baton's: what npm put there for `npm start` (or `npx baton`)
// and what is Baton's own goes; the person's own stays.
const ROOT = '/home/me/apps/baton';
const NODE_GYP = '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin';
const USER_PATH = '/home/me/.nvm/versions/node/v20.19.0/bin:/home/me/proj/node_modules/.bin:/usr/bin:/bin';

/** PATH as npm makes it for a script of the package at ROOT: each node_modules/.bin up to the root, node-gyp-bin, then the PATH it was given. */
const npmPath = (root: string, given: string) =>
  [
    `${root}/node_modules/.bin`,
    '/home/me/apps/node_modules/.bin',
    '/home/me/node_modules/.bin',
    '/home/node_modules/.bin',
    '/node_modules/.bin',
    NODE_GYP,
    given,
  ].join(':');

describe.runIf(process.platform !== 'win32')("the person's environment", () => {
  it("under `npm start`: npm's folders, its variables and Baton's own go; the person's stay", () => {
    const env = userEnvOf(
      {
        PATH: npmPath(ROOT, USER_PATH),
        HOME: '/home/me',
        LANG: 'en_GB.UTF-8',
        NPM_CONFIG_REGISTRY: 'https://npm.example.com/',
        NODE_OPTIONS: '--max-old-space-size=4096',
        npm_lifecycle_event: 'start',
        npm_lifecycle_script: 'node src-main/cli/baton.ts start',
        npm_package_json: `${ROOT}/package.json`,
        npm_config_user_agent: 'npm/10.9.0 node/v24.21.0 linux x64',
        npm_node_execpath: `${ROOT}/node_modules/node/bin/node`,
        npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
        NODE: `${ROOT}/node_modules/node/bin/node`,
        INIT_CWD: ROOT,
        COLOR: '1',
        BATON_DATA_DIR: '/home/me/.baton',
        BATON_TOKEN: 'secret',
        ELECTRON_RUN_AS_NODE: '1',
      },
      ROOT,
    );
    expect(env).toEqual({
      PATH: USER_PATH,
      HOME: '/home/me',
      LANG: 'en_GB.UTF-8',
      NPM_CONFIG_REGISTRY: 'https://npm.example.com/',
      NODE_OPTIONS: '--max-old-space-size=4096',
    });
  });

  it('npm run inside npm run, and npx with its own folders first: every block npm put before the PATH goes', () => {
    const npx = '/home/me/.npm/_npx/abc/node_modules/.bin';
    const nested = `${npx}:${npmPath(ROOT, npmPath(ROOT, USER_PATH))}`;
    expect(userPath(nested, ROOT, true)).toBe(USER_PATH);
  });

  it("a folder put before npm's on purpose (a test putting a CLI first) stays", () => {
    const cli = `${ROOT}/test/coding-agents/node_modules/.bin`;
    expect(userPath(`${cli}:${npmPath(ROOT, USER_PATH)}`, ROOT, true)).toBe(`${cli}:${USER_PATH}`);
  });

  it("a NODE_OPTIONS npm set from its node-options goes; without npm, npm-like variables are the person's own", () => {
    expect(
      userEnvOf(
        {
          PATH: '/usr/bin',
          npm_command: 'run-script',
          NODE_OPTIONS: '--inspect',
          npm_config_node_options: '--inspect',
        },
        ROOT,
      ),
    ).toEqual({ PATH: '/usr/bin' });
    expect(
      userEnvOf(
        { PATH: '/usr/bin', npm_config_registry: 'https://npm.example.com/', NODE: '/usr/bin/node' },
        ROOT,
      ),
    ).toEqual({ PATH: '/usr/bin', npm_config_registry: 'https://npm.example.com/', NODE: '/usr/bin/node' });
  });

  it("started another way (its node_modules/.bin put first by hand, the node package's Node): every folder of Baton's dependencies goes, wherever it is", () => {
    const path = [
      `${ROOT}/node_modules/.bin`,
      '/usr/local/bin',
      `${ROOT}/node_modules/node/bin`,
      '/home/me/apps/baton-other/node_modules/.bin',
      // Put on PATH on purpose: the coding CLIs a development checkout's tests install.
      `${ROOT}/test/coding-agents/node_modules/.bin`,
      '/usr/bin',
    ].join(':');
    expect(userPath(path, ROOT, false)).toBe(
      `/usr/local/bin:/home/me/apps/baton-other/node_modules/.bin:${ROOT}/test/coding-agents/node_modules/.bin:/usr/bin`,
    );
  });

  it("what Baton's launcher added for the engine goes; the person's own value stays", () => {
    const launched = engineEnv({ PATH: '/usr/bin', HOME: '/home/me' });
    expect(launched).toMatchObject({ MALLOC_ARENA_MAX: '2', BATON_ADDED_ENV: 'MALLOC_ARENA_MAX' });
    expect(userEnvOf(launched, ROOT)).toEqual({ PATH: '/usr/bin', HOME: '/home/me' });
    // Set by the person: the launcher leaves it, and so do their agents.
    const own = engineEnv({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '8' });
    expect(own.BATON_ADDED_ENV).toBeUndefined();
    expect(userEnvOf(own, ROOT)).toEqual({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '8' });
    // Named as added but holding another value, or a name Baton never adds: it stays.
    expect(
      userEnvOf(
        { PATH: '/usr/bin', MALLOC_ARENA_MAX: '4', HOME: '/h', BATON_ADDED_ENV: 'MALLOC_ARENA_MAX,HOME' },
        ROOT,
      ),
    ).toEqual({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '4', HOME: '/h' });
  });

  it('passes on the names asked for and the settings that keep package managers quiet', () => {
    expect(passedOn(['PATH', 'LANG', 'TZ'], { PATH: '/usr/bin', LANG: 'C', SECRET: 'x' })).toEqual({
      PATH: '/usr/bin',
      LANG: 'C',
      ...QUIET_TOOLS,
    });
    expect(QUIET_TOOLS).toMatchObject({ NPM_CONFIG_UPDATE_NOTIFIER: 'false' });
  });
});

describe.runIf(process.platform !== 'win32')("this process's", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('is worked out once, and again when PATH changed', () => {
    process.env.PATH = `${BATON_ROOT}/node_modules/.bin:/usr/bin:/bin`;
    const first = userEnv();
    expect(first.PATH).toBe('/usr/bin:/bin');
    expect(userEnv()).toBe(first);
    process.env.PATH = '/bin';
    expect(userEnv().PATH).toBe('/bin');
  });
});
