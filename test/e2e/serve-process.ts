import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { engineEnv } from '../../src-main/base/engine-env.ts';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';

export const root = join(import.meta.dirname, '..', '..');

/** Starts `baton serve` as a user would, and resolves with the URL it prints. */
export function startServe(
  dataDir: string,
  /** 0: any free port; another number starts it again where an earlier launch was. */
  port = 0,
  /** More arguments for `baton serve` (`--host`, `--allow-host`). */
  extraArgs: string[] = [],
): Promise<{ url: string; child: ChildProcess; stderr(): string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      ...ENGINE_V8_FLAGS,
      join(root, 'src-main', 'cli', 'baton.js'),
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: engineEnv(process.env) },
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`baton serve printed no URL in 60 s:\n${out}\n${err}`)),
      60_000,
    );
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /Baton is serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stderr: () => err,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              // A host that does not stop within 5 s is killed outright, so no test waits on it.
              const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
              child.once('exit', () => {
                clearTimeout(force);
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`baton serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}
