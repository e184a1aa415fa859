import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';
import type { CheckEnvironment } from '../../../../src-shared/schemas/checks.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { findOnPath } from '../../../processes/find-on-path.ts';
import { userEnv } from '../../../processes/user-env.ts';
import { checkEnvOf } from '../attempt/env.ts';

/** How long `node --version` may take. */
const VERSION_TIMEOUT_MS = 5_000;

/**
 * What a workspace's checks will find (`workspaces.checkEnv`): the folders of their PATH in
 * order, and the `node` and `sh` that PATH gives (with node's version), so a check that needs
 * another Node says so before it runs. Secrets of the workspace's env are not looked up: only a
 * PATH written as text counts.
 */
export async function checkEnvironment(
  w: Pick<Workspace, 'env'>,
  from: Readonly<Record<string, string | undefined>> = userEnv(),
): Promise<CheckEnvironment> {
  const plain = Object.fromEntries(
    Object.entries(w.env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const env = checkEnvOf(plain, '/tmp', from);
  const path = env.PATH ?? '';
  const node = findOnPath('node', path);
  const version =
    node === null
      ? null
      : await new Promise<string | null>((resolve) => {
          execFile(node, ['--version'], { timeout: VERSION_TIMEOUT_MS, env }, (err, stdout) =>
            resolve(err ? null : stdout.trim().split('\n')[0] || null),
          );
        });
  return {
    path: path.split(delimiter).filter(Boolean),
    path_from_workspace: typeof w.env.PATH === 'string',
    node: node === null ? null : { path: node, version },
    shell: findOnPath('sh', path),
  };
}
