import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView, ToolCallVerdict } from '../../src-shared/schemas/approval.ts';
import { call, controlledExecutor, eventually, setup, task } from '../kit/engine-kit.ts';

// A call id is the agent's, not a proof of which call it is: a model server that gives none leaves
// the llm loop to make one (`call_1_0`), and a retried attempt makes the same ids again. An
// approval answered the later attempt's call of another tool, with other arguments, under the
// same id, and no person was asked.

const dirs: string[] = [];
let app: BatonApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const pending = async (a: BatonApp) =>
  (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).filter(
    (x) => x.kind === 'tool_call',
  );

describe('a tool call asked under an id an earlier attempt used', () => {
  it('is asked anew when it is another call; the same call, with the same arguments, keeps its answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-call-ids-'));
    dirs.push(dir);
    const exec = controlledExecutor();
    const a = createApp({ dataDir: join(dir, 'data'), log: () => {}, executors: { echo: exec.executor } });
    app = a;
    const run_id = await setup(a, [{ id: 'bot', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [
        task('t', { description: 'use tools', retry: { max_attempts: 3, backoff: { initial_ms: 0 } } }),
      ],
    });
    const attempt = async (n: number) => {
      await eventually(() => exec.running.get('t')?.ctx.attempt === n, 10_000, `attempt ${n}`);
      return exec.running.get('t')!;
    };
    const ask = (
      running: Awaited<ReturnType<typeof attempt>>,
      tool: string,
      input: Record<string, unknown>,
    ): Promise<ToolCallVerdict> =>
      running.ctx.askToolCall!(
        {
          call_id: 'call_1_0',
          tool,
          server: 'workspace',
          input,
          agent_text: '',
          reason: `bot wants ${tool}`,
        },
        running.signal,
      );

    const first = await attempt(1);
    const read = ask(first, 'read_file', { path: 'ok.txt' });
    await eventually(async () => (await pending(a)).length === 1, 10_000, 'the first card');
    const [card] = await pending(a);
    await call(a, 'approvals.decide', { approval_id: card!.id, decision: 'approve', actor: 'ada' });
    expect((await read).approve).toBe(true);
    first.fail('model turns used up');

    // The same id, another tool and other arguments: a new card, not the earlier answer.
    const second = await attempt(2);
    let answered = false;
    const write = ask(second, 'run_command', { command: 'rm', args: ['-rf', '/'] }).then((v) => {
      answered = true;
      return v;
    });
    await eventually(async () => (await pending(a)).length === 1, 10_000, 'the second card');
    const [again] = await pending(a);
    expect(again!.id).not.toBe(card!.id);
    expect(again!.tool_call).toMatchObject({ call_id: 'call_1_0', tool: 'run_command', attempt: 2 });
    expect(answered).toBe(false);
    await call(a, 'approvals.decide', {
      approval_id: again!.id,
      decision: 'reject',
      actor: 'ada',
      comment: 'no',
    });
    expect((await write).approve).toBe(false);
    second.fail('model turns used up');

    // The very call of attempt 1 asked again (a loop resumed): its answer stands, nobody is asked.
    const third = await attempt(3);
    expect((await ask(third, 'read_file', { path: 'ok.txt' })).approve).toBe(true);
    expect(await pending(a)).toEqual([]);
    third.finish();
    await a.engine.whenSettled(run_id);
  });
});
