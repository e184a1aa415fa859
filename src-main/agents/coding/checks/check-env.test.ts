import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEnvOf } from '../attempt/env.ts';
import { checkEnvironment } from './check-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-check-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding a `node` that says it is `version`. */
function nodeIn(name: string, version: string): string {
  const bin = join(dir, name);
  mkdirSync(bin);
  writeFileSync(join(bin, 'node'), `#!/bin/sh\necho ${version}\n`);
  chmodSync(join(bin, 'node'), 0o755);
  return bin;
}

describe('what a workspace’s checks find', () => {
  const baton = nodeIn('baton-bin', 'v24.0.0');
  const mine = nodeIn('my-bin', 'v20.11.1');
  const from = { PATH: `${baton}:/usr/bin:/bin`, HOME: '/home/ana', BATON_TOKEN: 'secret' };

  it('is the PATH checks get, the node it gives and its version, and sh', async () => {
    const env = await checkEnvironment({ env: {} }, from);
    expect(env).toEqual({
      path: [baton, '/usr/bin', '/bin'],
      path_from_workspace: false,
      node: { path: join(baton, 'node'), version: 'v24.0.0' },
      shell: expect.stringMatching(/\/sh$/),
    });
  });

  it("follows the workspace's own PATH, and passes on nothing else of Baton's", async () => {
    const env = await checkEnvironment(
      { env: { PATH: `${mine}:/usr/bin:/bin`, TOKEN: { secret: 'x' } } },
      from,
    );
    expect(env.path_from_workspace).toBe(true);
    expect(env.node).toEqual({ path: join(mine, 'node'), version: 'v20.11.1' });
    expect(checkEnvOf({ CI: '1' }, '/tmp/t', from)).toEqual({
      PATH: from.PATH,
      HOME: '/home/ana',
      TMPDIR: '/tmp/t',
      TERM: 'dumb',
      NO_COLOR: '1',
      CI: '1',
      // Package managers' own chatter off (processes/user-env.ts QUIET_TOOLS).
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_FUND: 'false',
      NO_UPDATE_NOTIFIER: '1',
    });
  });

  it('says there is no node when PATH gives none', async () => {
    expect((await checkEnvironment({ env: { PATH: dir } }, from)).node).toBeNull();
  });
});
