import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepOf } from '../../../src-shared/schemas/step.ts';
import type { ExecutorEvent } from '../../engine/executor.ts';
import { running, sleepTags } from '../../processes/testing/processes.ts';
import { collect, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { createCommandExecutor } from './command.ts';

afterAll(removeWorkspaces);
const tags = sleepTags();
const root = mkdtempSync(join(tmpdir(), 'baton-command-sandbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const executor = createCommandExecutor({ graceMs: 300, hiddenFolders: () => [root] });
const shell = (script: string, extra: Record<string, unknown> = {}) =>
  taskContext({ id: 'runner', kind: 'command', command: 'sh', args: ['-c', script], ...extra });
const steps = (events: ExecutorEvent[]) =>
  events.flatMap((e) =>
    e.type === 'step' && e.step.kind === 'sandbox' ? [e.step as StepOf<'sandbox'>] : [],
  );

/** Starts `setsid sleep <tag>` in the sandbox and goes on once it runs (seen in /proc). */
const leaveBehind = (tag: string) =>
  `setsid sleep ${tag} & until pgrep -f "sleep ${tag}" >/dev/null; do sleep 0.01; done`;

describe.runIf(process.platform === 'linux')('command executor in the sandbox', () => {
  it('runs the program in the sandbox by default: its own file lands, a write outside is refused and is a step', async () => {
    const outside = join(root, 'outside.txt');
    const events = await collect(
      executor,
      shell(`echo mine > mine.txt; echo bad > ${outside}; echo '::result {"ok":true}'`),
    );
    expect(outcome(events)).toEqual({ type: 'result', output: { ok: true } });
    expect(steps(events).map((s) => [s.seq, s.blocked, s.target, s.process, s.seen_by, s.text])).toEqual([
      [0, 'write', outside, 'command', 'monitor', `sandbox: write outside the folder refused: ${outside}`],
    ]);
    expect(existsSync(outside)).toBe(false);
    const workspace = (events.find((e) => e.type === 'artifact') as { path: string }).path;
    expect(readFileSync(workspace, 'utf8')).toBe('mine\n');
  });

  it('ends with the program: what it left running in the sandbox is stopped', async () => {
    const tag = tags.next();
    const events = await collect(executor, shell(`${leaveBehind(tag)}; echo '::result {"ok":true}'`));
    expect(outcome(events)).toEqual({ type: 'result', output: { ok: true } });
    expect(running(tag)).toEqual([]);
  });

  it('stops every process of the sandbox when the task is cancelled', async () => {
    const [left, main] = [tags.next(), tags.next()];
    const ac = new AbortController();
    const events = await collect(
      executor,
      shell(`${leaveBehind(left)}; echo started; sleep ${main}`),
      ac.signal,
      (e) => {
        if (e.type === 'log' && e.text === 'started') ac.abort();
      },
    );
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
    expect(running(left)).toEqual([]);
    expect(running(main)).toEqual([]);
  });

  it('reports a program killed by a signal in the sandbox by its signal', async () => {
    const events = await collect(executor, shell('kill -ABRT $$'));
    expect(outcome(events)).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^command was killed by signal SIGABRT/),
    });
  });

  it("fails, running nothing, when its plan tries to widen the agent's sandbox", async () => {
    const marker = join(root, 'ran');
    const ctx = shell(`touch ${marker}`, { sandbox: { network: { allow: ['a.example'] } } });
    ctx.sandbox = { network: { allow: ['b.example'] } };
    expect(await collect(executor, ctx)).toEqual([
      {
        type: 'error',
        message: `the plan's sandbox.network.allow[0]: "b.example" is not a host the agent's sandbox allows: a plan can narrow the sandbox, never widen it`,
      },
    ]);
    expect(existsSync(marker)).toBe(false);
  });
});
