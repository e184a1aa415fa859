import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
export const CLI = join(root, 'src-main', 'cli', 'baton.js');
/** A command agent's program (worker-agent.mjs): progress, log lines, a file, its pid, a held first attempt. */
const AGENT = join(import.meta.dirname, 'worker-agent.mjs');

export interface WorkerProcess {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

/** A command agent with the `remote_build` skill running worker-agent.mjs. */
/**
 * Unsandboxed: the tests find its process by the pid it writes into a folder of theirs, outside
 * its attempt's folder, and inside the OS sandbox pids are the sandbox's own numbers.
 */
export function buildAgent(id: string) {
  return {
    id,
    kind: 'command',
    skills: ['remote_build'],
    command: process.execPath,
    args: [AGENT],
    sandbox: { mode: 'off' },
  };
}

/** A real `baton worker` process for `server` with these agents (written to `<dir>/<id>-agents.json`), in `env` (default: this process's). */
export function startWorker(
  server: string,
  token: string,
  id: string,
  agents: unknown[],
  dir: string,
  extra: string[] = [],
  /** Laid over this process's environment. */
  env: Record<string, string> = {},
): WorkerProcess {
  const agentsFile = join(dir, `${id}-agents.json`);
  writeFileSync(agentsFile, JSON.stringify(agents));
  const child = spawn(
    process.execPath,
    [CLI, 'worker', '--server', server, '--token', token, '--agents', agentsFile, '--id', id]
      .concat(['--poll-ms', '100', '--data-dir', join(dir, id)])
      .concat(extra),
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

/** Kills a worker left running (paused ones too) and waits for it. */
export async function killWorker(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill('SIGCONT');
  w.child.kill('SIGKILL');
  await w.exited;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes a test's folder once nothing writes there any more: the store's checkpoint thread can
 * write baton.db back a moment after the app closed (as test/e2e/harness.ts's removeDataDir).
 */
export async function removeDir(dir: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // still being written: try again
    }
    await new Promise((done) => setTimeout(done, 100));
    if (!existsSync(dir)) return;
  }
}
