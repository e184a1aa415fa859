import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { installed, type openBaton, talkingBaton, waitFor, worktreeOf } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A person talks to the real Claude Code while it works (runs.say): its first turn runs a shell
// command that waits for a file the test writes; the message is sent while it waits, and the very
// next request to the model holds it. A task not running refuses the message, saying how it stands.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let close: (() => Promise<void>) | undefined;
const SAID = 'Please also write the word bananas in the summary.';

beforeAll(async () => {
  if (!installed) return;
  ({ servers, baton, close } = await talkingBaton('claude', [
    { plan: 'steer', task: 'talk', description: 'Run the waiting command.' },
  ]));
  servers.script('claude', [
    {
      name: 'steer',
      turns: [
        CLIS.claude.shellTurn('while [ ! -f go ]; do sleep 0.1; done; echo released'),
        { text: 'Done, and bananas.' },
      ],
    },
  ]);
}, 120_000);

afterAll(async () => {
  await close?.();
});

const steps = (runId: string) =>
  call<StoredStep[]>(baton.app, 'runs.steps', { run_id: runId, task_id: 'talk' });

describe.skipIf(!installed)('a person talks to Claude Code mid-task', () => {
  it('reaches the model in the very next request, recorded with the person’s name; a done task refuses', async () => {
    const { app } = baton;
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'steer' })).run_id;
    // The first turn's shell command runs (and waits): the turn is open.
    let seen: StoredStep[] = [];
    await waitFor(
      () => seen.some((s) => s.kind === 'tool_call' && s.name === 'Bash'),
      120_000,
      async () => {
        seen = await steps(runId);
      },
    );
    expect(await call(app, 'runs.listening', { run_id: runId, task_id: 'talk' })).toEqual({
      delivery: 'this_turn',
      says: 'Claude Code: sent into this turn',
    });
    const said = await call<{ delivery: string; says: string }>(app, 'runs.say', {
      run_id: runId,
      task_id: 'talk',
      text: SAID,
      actor: 'ana',
    });
    expect(said).toMatchObject({ delivery: 'this_turn', says: 'Claude Code: sent into this turn' });
    // Recorded at once, with the person's name, before the turn goes on.
    await waitFor(
      () => seen.some((s) => s.kind === 'message' && s.by === 'ana'),
      30_000,
      async () => {
        seen = await steps(runId);
      },
    );
    const first = servers.calls('claude', 'steer');
    expect(first).toHaveLength(1);
    writeFileSync(join(worktreeOf(first[0]!.request!), 'go'), '');
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');

    const calls = servers.calls('claude', 'steer');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.request!.texts.join('\n')).not.toContain(SAID);
    // The next request: beside the shell command's result, the person's words.
    const next = calls[1]!.request!.texts.join('\n');
    expect(next).toContain('released');
    expect(next).toContain(SAID);

    const message = (await steps(runId)).find((s) => s.kind === 'message' && s.by === 'ana');
    expect(message).toMatchObject({ role: 'user', text: SAID, by: 'ana' });
    const audit = await call<{ why: string | null; actor: string }[]>(app, 'audit.list', {
      run_id: runId,
      task_id: 'talk',
    });
    expect(audit.some((e) => e.actor === 'ana' && e.why?.includes(SAID))).toBe(true);

    // Done: nothing to say it to.
    await expect(
      call(app, 'runs.say', { run_id: runId, task_id: 'talk', text: 'too late', actor: 'ana' }),
    ).rejects.toThrow('task "talk" is not running: it is done');
    expect(await call(app, 'runs.listening', { run_id: runId, task_id: 'talk' })).toBeNull();
  }, 300_000);
});
