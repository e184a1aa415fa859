import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A Baton process started by `launchAttemptChild`, which the test may SIGKILL. */
export interface AttemptChild {
  pid: number;
  /** Settles once the process has exited. */
  exited: Promise<void>;
  /** The first line it printed (or prints within `deadlineMs`) starting with `prefix`, without it. */
  line(prefix: string): Promise<string>;
}

const script = join(import.meta.dirname, '..', 'integration', 'attempt-child.ts');

/**
 * Starts test/integration/attempt-child.ts on `dir` (a Baton process that starts the run its
 * `setup.json` describes, with a lease of `leaseTtlMs`); it is killed when the test ends.
 */
export function launchAttemptChild(dir: string, leaseTtlMs: number, deadlineMs = 60_000): AttemptChild {
  const proc: ChildProcess = spawn(process.execPath, [script, dir, String(leaseTtlMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  proc.stdout!.on('data', (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  onTestFinished(async () => {
    proc.kill('SIGKILL');
    await exited;
  });
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith(prefix));
        if (found === undefined) return;
        listeners.delete(look);
        clearTimeout(timer);
        resolve(found.slice(prefix.length));
      };
      const timer = setTimeout(() => {
        listeners.delete(look);
        reject(new Error(`no "${prefix}" line from attempt-child.ts; it printed: ${out}`));
      }, deadlineMs);
      listeners.add(look);
      look();
    });
  return { pid: proc.pid!, exited, line };
}
