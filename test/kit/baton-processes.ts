import { readdirSync, readFileSync } from 'node:fs';
import { WATCHER_TITLE } from '../../src-main/processes/parent-watch.ts';
import { TREE_MARKER } from '../../src-main/processes/tree-marker.ts';

// What a test sees of the processes a Baton process started, from Linux's /proc: the programs
// of a run's attempts (by their marker) and the watcher that stops them when Baton dies.

/** Live processes (zombies are dead) for which `test(pid)` holds; a process that ended meanwhile is skipped. */
function processes(test: (pid: string) => boolean): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (test(pid)) found.push(Number(pid));
    } catch {
      // ended while we looked, or not ours
    }
  }
  return found;
}

/** The processes of a run's attempts: those whose `BATON_ATTEMPT` (`attempt/<scope>/<run>/…`) names the run. */
export const attemptProcesses = (runId: string): number[] =>
  processes((pid) =>
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .some((e) => e.startsWith(`${TREE_MARKER}=attempt/`) && e.split('/')[2] === runId),
  );

/** The parent watch of the Baton process `batonPid` (parent-watch.ts), while it runs: at most one. */
export const watcherOf = (batonPid: number): number[] =>
  processes((pid) => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = argv.indexOf(WATCHER_TITLE);
    return at > 0 && argv[at + 1] === String(batonPid);
  });

/**
 * A power cut, as far as a Baton process's agents can tell: SIGKILL to its watcher, then to it,
 * so that nothing stops what its attempts left running. Resolves once both are gone.
 */
export async function killWithWatcher(batonPid: number, exited: Promise<unknown>): Promise<void> {
  // Started with Baton's first program; it may still be between fork and exec when that one runs.
  await until(() => watcherOf(batonPid).length === 1, 30_000, `the watcher of Baton process ${batonPid}`);
  process.kill(watcherOf(batonPid)[0]!, 'SIGKILL');
  await until(() => watcherOf(batonPid).length === 0, 30_000, 'the watcher to die');
  process.kill(batonPid, 'SIGKILL');
  await exited;
}

/** Resolves once `check` holds, looking every 50 ms (a look reads /proc); rejects after `capMs`, naming `what`. */
export async function until(check: () => boolean, capMs: number, what: string): Promise<void> {
  const deadline = Date.now() + capMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
