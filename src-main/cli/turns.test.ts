import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { batonAsAna, hostedWaitingRun } from '../../test/kit/cli-host-kit.ts';
import { call, eventually } from '../../test/kit/engine-kit.ts';

let served: Awaited<ReturnType<typeof hostedWaitingRun>> | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('baton interrupt, pause, resume', () => {
  it('stop, pause and resume a running ACP agent through the host, in the person’s name; a done task is exit 1', async () => {
    served = await hostedWaitingRun('turns');
    const { app: a, dir, run } = served;
    const usage = await batonAsAna(['pause', run, '--data-dir', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: baton pause <run> <task> [--as NAME] [--json]');

    await eventually(
      async () => (await call<TurnState>(a, 'runs.turns', { run_id: run, task_id: 't' })).can_stop,
    );
    const paused = await batonAsAna(['pause', run, 't', '--data-dir', dir]);
    expect(paused.stderr).toBe('');
    expect(paused.stdout).toBe('t: paused: its turn stopped, the agent gets no next turn until Resume\n');
    expect(a.store.pauses.list()).toMatchObject([{ run_id: run, task_id: 't', by: 'ana' }]);
    const again = await batonAsAna(['interrupt', run, 't', '--data-dir', dir]);
    expect(again.stderr).toMatch(/^baton: task "t" is already paused by ana since /);
    expect(again.code).toBe(1);
    const resumed = await batonAsAna(['resume', run, 't', '--as', 'bo', '--json', '--data-dir', dir]);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ run_id: run, task_id: 't', held: null });
    await a.engine.whenSettled(run);
    expect(a.store.runs.task(run, 't')?.status).toBe('done');
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    const notes = steps.flatMap((s) => (s.kind === 'message' && s.role === 'system' ? [s.by] : []));
    expect(notes).toEqual(['ana', 'bo']);

    const late = await batonAsAna(['interrupt', run, 't', '--data-dir', dir]);
    expect(late.stderr).toBe('baton: task "t" is not running: it is done\n');
    expect(late.code).toBe(1);
  }, 90_000);
});
