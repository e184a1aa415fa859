import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Baton in a child process on `dataDir` (`script`, baton-child.ts by default: `start` the run of its setup.json, or
 * `resume` what the data directory holds), for a test that SIGKILLs it: its stdout lines as they
 * come, and when it exited. `running` holds it until then (an afterAll kills what is left).
 */
export function launchBaton(
  dataDir: string,
  mode: 'start' | 'resume',
  running: Set<ChildProcess>,
  script = 'baton-child.ts',
) {
  const child = join(import.meta.dirname, script);
  const proc = spawn(process.execPath, [child, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(proc);
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<void>((r) =>
    proc.on('close', () => {
      running.delete(proc);
      r();
    }),
  );
  return { proc, lines, exited };
}
