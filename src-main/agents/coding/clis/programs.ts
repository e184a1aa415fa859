import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { sep } from 'node:path';
import { findOnPath } from '../../../processes/find-on-path.ts';
import { userEnv } from '../../../processes/user-env.ts';

/**
 * What is wrong with the program a coding agent names (`executable`), in a few words; null when
 * it is an executable file. A bare name is looked for on `path`, as starting it would.
 */
export function programProblem(executable: string, path: string | undefined): string | null {
  if (!executable.includes('/') && !executable.includes(sep))
    return findOnPath(executable, path) === null ? `"${executable}" is not found on PATH` : null;
  let isFile: boolean;
  try {
    isFile = statSync(executable).isFile();
  } catch {
    return `no file at ${executable} (missing, or a folder on the way is)`;
  }
  if (!isFile) return `${executable} is a folder, not a program`;
  try {
    accessSync(executable, constants.X_OK);
    return null;
  } catch {
    return `${executable} is not executable (its mode lacks x: chmod +x it)`;
  }
}

/** The global npm prefix (`npm prefix -g`), or null when npm is not there or does not answer. */
export function globalNpmPrefix(env: NodeJS.ProcessEnv = userEnv()): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['prefix', '-g'],
      { timeout: 10_000, env: { PATH: env.PATH, HOME: env.HOME }, windowsHide: true },
      (err, stdout) => {
        const prefix = `${stdout}`.trim();
        resolve(err || prefix === '' ? null : prefix);
      },
    );
  });
}
