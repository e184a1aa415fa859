import { readdirSync, readFileSync } from 'node:fs';
import { afterAll } from 'vitest';

/**
 * A `sleep` duration no other process on the machine uses, so a test can find the sleeps it
 * started in /proc by their command line: `sleep 1000.<random digits><n>`.
 */
export function sleepTags() {
  const base = `1000.${Math.floor(Math.random() * 1e6)}`;
  let n = 0;
  const used: string[] = [];
  afterAll(() => {
    // A failing test may leave its sleeps behind: end them, by pid, so nothing outlives the run.
    for (const tag of used) for (const pid of running(tag)) process.kill(pid, 'SIGKILL');
  });
  return {
    next(): string {
      const tag = `${base}${n++}`;
      used.push(tag);
      return tag;
    },
  };
}

/** Pids of live processes (zombies are dead) whose command line holds `tag` (Linux /proc). */
export function running(tag: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!cmdline.includes(tag)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (!stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) pids.push(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

/**
 * A command agent whose program ignores SIGTERM (`sleep <tag>`): only the SIGKILL after its grace
 * ends it. Out of the sandbox: in it, the program ends with the sandbox's own process at once.
 */
export function stubbornAgent(tag: string) {
  return {
    id: 'stubborn',
    kind: 'command',
    command: 'sh',
    args: ['-c', `trap '' TERM; exec sleep ${tag}`],
    skills: ['x'],
    sandbox: { mode: 'off' },
  };
}
