import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';

const isWindows = process.platform === 'win32';

/**
 * Spawns a program (never through a shell) as the leader of its own process group, so that
 * it and everything it starts can be stopped together.
 */
export function spawnGroup(command: string, args: string[], opts: SpawnOptions): ChildProcess {
  return spawn(command, args, { ...opts, shell: false, detached: !isWindows, windowsHide: true });
}

/** Sends `signal` to the whole group led by `pid`; a group that is already gone is fine. */
function signalGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void {
  if (isWindows) {
    const force = signal === 'SIGKILL' ? ['/F'] : [];
    spawn('taskkill', ['/PID', String(pid), '/T', ...force], { stdio: 'ignore', windowsHide: true }).on(
      'error',
      () => {},
    );
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid: number): boolean {
  if (isWindows) return false; // taskkill /T already walked the tree
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM to the group now, SIGKILL after `graceMs`; returns a function that cancels the SIGKILL. */
export function stopGroup(pid: number, graceMs: number): () => void {
  signalGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  return () => clearTimeout(timer);
}

/** Waits until the group is gone, escalating to SIGKILL after `graceMs`. */
export async function reapGroup(pid: number, graceMs: number): Promise<void> {
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
}
