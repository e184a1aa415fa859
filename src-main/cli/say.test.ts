import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { batonAsAna, hostedWaitingRun } from '../../test/kit/cli-host-kit.ts';
import { call, eventually } from '../../test/kit/engine-kit.ts';

let served: Awaited<ReturnType<typeof hostedWaitingRun>> | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('baton say', () => {
  it('sends a person’s words to a running ACP agent through the host serving the data directory, and refuses once the task is done', async () => {
    served = await hostedWaitingRun('say');
    const { app: a, dir, run } = served;

    const usage = await batonAsAna(['say', run, 't', '--data-dir', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: baton say <run> <task> "text"');

    await eventually(async () => (await call(a, 'runs.listening', { run_id: run, task_id: 't' })) !== null);
    const said = await batonAsAna(['say', run, 't', 'Also check the README.', '--data-dir', dir]);
    expect(said.stderr).toBe('');
    expect(said.stdout).toBe('ACP agent: queued for the next turn (t, attempt 1)\n');
    expect(said.code).toBe(0);
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.filter((s) => s.kind === 'message' && s.by !== undefined)).toMatchObject([
      { role: 'user', text: 'Also check the README.', by: 'ana' },
    ]);

    let tree = '';
    await eventually(async () => {
      const sessions = await call<{ task_id: string; dir: string }[]>(a, 'runs.sessions', { run_id: run });
      tree = sessions.find((x) => x.task_id === 't')?.dir ?? '';
      return tree !== '' && existsSync(join(tree, 'prompts.log'));
    });
    writeFileSync(join(tree, 'go'), '');
    await a.engine.whenSettled(run);
    expect(a.store.runs.task(run, 't')?.status).toBe('done');

    const late = await batonAsAna(['say', run, 't', 'one more thing', '--as', 'bo', '--data-dir', dir]);
    expect(late.stdout).toBe('');
    expect(late.stderr).toBe('baton: task "t" is not running: it is done\n');
    expect(late.code).toBe(1);

    // With no host, the command opens the data directory itself: the same refusal.
    await served.close();
    const alone = await batonAsAna(['say', run, 't', 'anyone there?', '--data-dir', dir]);
    expect(alone.stderr).toContain('baton: task "t" is not running: it is done\n');
    expect(alone.code).toBe(1);
    const unknown = await batonAsAna(['say', 'run-nope', 't', 'hello', '--data-dir', dir]);
    expect(unknown.stderr).toContain('baton: run "run-nope" not found\n');
    expect(unknown.code).toBe(1);
  }, 90_000);
});
