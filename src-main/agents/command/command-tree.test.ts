import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../engine/executor.ts';
import { PROCESS_SCOPE } from '../../processes/attempt-scope.ts';
import { running, sleepTags } from '../../processes/testing/processes.ts';
import { collect, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { createCommandExecutor } from './command.ts';

afterAll(removeWorkspaces);
const tags = sleepTags();
const executor = createCommandExecutor({ graceMs: 300 });
/**
 * Unsandboxed: these scripts look their own children up in /proc by pid, and inside the sandbox
 * /proc shows another pid namespace than the one the script's pids belong to. How a sandboxed
 * program's processes are stopped: command-sandbox.test.ts.
 */
const shell = (script: string, extra: Record<string, unknown> = {}) =>
  taskContext({
    id: 'runner',
    kind: 'command',
    command: 'sh',
    args: ['-c', script],
    sandbox: { mode: 'off' },
    ...extra,
  });

/** `settled PID`: waits until that process is in another session than the script's. */
const SETTLED = `settled() {
  until [ -r /proc/$1/stat ] && [ "$(cut -d' ' -f6 /proc/$1/stat)" != "$(cut -d' ' -f6 /proc/$$/stat)" ]; do sleep 0.01; done
}`;

/**
 * Starts processes that leave the program's process group and hold its stdout open: one
 * `setsid sleep`, and a daemon that forks twice (its parent exits, it is re-parented to
 * init). The script goes on once both have left.
 */
function leaveBehind(): { script: string; tags: string[] } {
  const [a, b] = [tags.next(), tags.next()];
  return {
    script: `${SETTLED}
      setsid sleep ${a} & settled $!
      ( setsid sh -c 'sleep ${b} & echo $! > .baton/daemon' & )
      until [ -s .baton/daemon ]; do sleep 0.01; done; settled $(cat .baton/daemon)`,
    tags: [a, b],
  };
}
const remaining = (tagList: string[]) => tagList.flatMap(running);
const cancelOn = (text: string, ac: AbortController) => (e: ExecutorEvent) => {
  if (e.type === 'log' && e.text === text) ac.abort();
};

// Processes that leave the group are found through /proc: Linux only (process-tree.ts).
describe.runIf(process.platform === 'linux')('command executor: processes that leave the group', () => {
  it('ends when the program exits, and stops what it left holding the pipe', async () => {
    const left = leaveBehind();
    const events = await collect(executor, shell(`${left.script}\necho '::result {"ok":true}'`));
    expect(outcome(events)).toEqual({ type: 'result', output: { ok: true } });
    expect(remaining(left.tags)).toEqual([]);
  });

  it('stops them when the task is cancelled', async () => {
    const left = leaveBehind();
    const ac = new AbortController();
    const main = tags.next();
    const events = await collect(
      executor,
      shell(`${left.script}\necho started\nsleep ${main}`),
      ac.signal,
      cancelOn('started', ac),
    );
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
    expect(remaining([...left.tags, main])).toEqual([]);
  });

  it('stops them when the program times out', async () => {
    const left = leaveBehind();
    const main = tags.next();
    const events = await collect(executor, shell(`${left.script}\nsleep ${main}`, { timeout_s: 0.5 }));
    expect(outcome(events)).toEqual({ type: 'error', message: 'timed out after 0.5 s' });
    expect(remaining([...left.tags, main])).toEqual([]);
  });

  it('stops them when the program fails', async () => {
    const left = leaveBehind();
    const events = await collect(executor, shell(`${left.script}\necho broken >&2\nexit 4`));
    expect(outcome(events)).toEqual({ type: 'error', message: 'command exited with code 4: broken' });
    expect(remaining(left.tags)).toEqual([]);
  });

  it('finds one that cleared its environment and left the group, through its parent', async () => {
    const [daemon, main] = [tags.next(), tags.next()];
    const ac = new AbortController();
    const events = await collect(
      executor,
      shell(`${SETTLED}\nenv -i setsid sleep ${daemon} & settled $!\necho started\nsleep ${main}`),
      ac.signal,
      cancelOn('started', ac),
    );
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
    expect(remaining([daemon, main])).toEqual([]);
  });

  it("tells each program its attempt's BATON_ATTEMPT: a Baton that died leaves it found by run, task and attempt", async () => {
    const ids = await Promise.all(
      [1, 2].map(async (attempt) => {
        const ctx = { ...shell('echo "::result \\"$BATON_ATTEMPT\\""'), attempt };
        return (outcome(await collect(executor, ctx)) as { output: string }).output;
      }),
    );
    expect(ids).toEqual([
      `attempt/${PROCESS_SCOPE}/run-1/task-1/1`,
      `attempt/${PROCESS_SCOPE}/run-1/task-1/2`,
    ]);
  });
});
