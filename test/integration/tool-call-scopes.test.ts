import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView, ToolGrant } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';

let app: BatonApp | null = null;
let model: ModelServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = null;
  await model?.close();
  model = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A conversation for the task whose description holds `marker`: its write calls, then done. */
const writes = (marker: string, files: string[]) => ({
  name: marker,
  match: (req: { texts: string[]; tools: string[] }) =>
    req.tools.length > 0 && req.texts.some((t) => t.includes(marker)),
  turns: [
    ...files.map((f) => ({ tools: [{ name: 'workspace__write_file', input: { path: f, content: f } }] })),
    { text: 'Done.' },
  ],
});

/**
 * An llm agent's tool loop against a scripted model server, its write tool asked about (not
 * read-only): a call approved "for the rest of this task" lets the task's next call of the tool
 * run unasked, while another task is asked again; "always for this agent" lets its calls run
 * unasked in every later task, after a restart too, until the grant is removed from the agent.
 */
describe('a tool call approved for the rest of a task, or always for the agent', () => {
  it('runs the later calls of the same tool unasked, where the answer reaches', async () => {
    model = await startChatServer({
      conversations: [
        writes('TASK-ONE', ['a.txt', 'b.txt', 'c.txt']),
        writes('TASK-TWO', ['d.txt', 'e.txt']),
        writes('TASK-THREE', ['f.txt']),
        writes('TASK-FOUR', ['g.txt']),
      ],
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-tool-scopes-'));
    dirs.push(dataDir);
    const open = () => createApp({ dataDir, log: () => {} });
    app = open();
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'mila',
          name: 'Mila',
          kind: 'llm',
          skills: ['x'],
          base_url: `${model.url}/v1`,
          model: 'tiny',
          max_retries: 0,
          tools: [{ kind: 'workspace' }],
        },
      ],
    });
    const run = async (marker: string) => {
      const planId = marker.toLowerCase();
      await call(app!, 'plans.import', {
        plan: {
          plan_id: planId,
          tasks: [{ task_id: 't', description: `${marker}: write`, required_skills: ['x'] }],
        },
      });
      return (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: planId })).run_id;
    };
    const pendingCall = async (runId: string): Promise<ApprovalView> => {
      let found: ApprovalView | undefined;
      await eventually(async () => {
        found = (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' })).find(
          (a) => a.kind === 'tool_call' && a.run_id === runId,
        );
        return found !== undefined;
      });
      return found!;
    };
    const asked = async (runId: string) =>
      (await call<ApprovalView[]>(app!, 'approvals.list', {})).filter(
        (a) => a.kind === 'tool_call' && a.run_id === runId,
      );
    const finished = async (runId: string) => {
      await app!.engine.whenSettled(runId);
      const d = await call<RunDetail>(app!, 'runs.get', { run_id: runId });
      expect(d.tasks[0]).toMatchObject({ status: 'done', output: { text: 'Done.' } });
      const writes = app!.store.steps
        .list(runId, 't')
        .filter((s) => s.kind === 'tool_call' && s.status === 'done');
      return writes.length;
    };

    // A bad scope is refused, naming the field.
    const one = await run('TASK-ONE');
    const first = await pendingCall(one);
    await expect(
      call(app, 'approvals.decide', {
        approval_id: first.id,
        decision: 'approve',
        actor: 'ana',
        scope: 'forever',
      }),
    ).rejects.toThrow(/scope/);
    await expect(
      call(app, 'approvals.decide', {
        approval_id: first.id,
        decision: 'reject',
        actor: 'ana',
        scope: 'task',
      }),
    ).rejects.toThrow(/scope/);
    // For the rest of this task: b.txt and c.txt are written without asking.
    await call(app, 'approvals.decide', {
      approval_id: first.id,
      decision: 'approve',
      actor: 'ana',
      scope: 'task',
    });
    expect(await finished(one)).toBe(3);
    expect(await asked(one)).toHaveLength(1);

    // Another task of the same agent is asked again; "always for this agent" there.
    const two = await run('TASK-TWO');
    const again = await pendingCall(two);
    expect(again.tool_call).toMatchObject({
      tool: 'write_file',
      server: 'workspace',
      input: { path: 'd.txt' },
    });
    await call(app, 'approvals.decide', {
      approval_id: again.id,
      decision: 'approve',
      actor: 'ana',
      scope: 'agent',
    });
    expect(await finished(two)).toBe(2);
    expect(await asked(two)).toHaveLength(1);
    expect(await call<ToolGrant[]>(app, 'agents.toolGrants', { agent_id: 'mila' })).toMatchObject([
      { scope: 'agent:mila', tool: 'workspace/write_file', allowed_by: 'ana', approval_id: again.id },
    ]);

    // After a restart, the agent's grant holds: a new task writes unasked.
    await app.close();
    app = open();
    const three = await run('TASK-THREE');
    expect(await finished(three)).toBe(1);
    expect(await asked(three)).toHaveLength(0);

    // Removed from the agent: asked again.
    expect(
      await call(app, 'agents.forgetToolGrant', { agent_id: 'mila', tool: 'workspace/write_file' }),
    ).toEqual({
      forgotten: true,
    });
    const four = await run('TASK-FOUR');
    const fourth = await pendingCall(four);
    await call(app, 'approvals.decide', { approval_id: fourth.id, decision: 'approve', actor: 'ana' });
    expect(await finished(four)).toBe(1);
  });

  it("answers Claude Code's permission prompt (inbox.ask) from a grant without asking, by the CLI's own tool name", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-tool-scopes-ask-'));
    dirs.push(dataDir);
    app = createApp({ dataDir, log: () => {} });
    await call(app, 'agents.import', {
      agents: [{ id: 'seat', kind: 'human', skills: ['code'], max_concurrency: 5 }],
    });
    const attempt = async (planId: string) => {
      await call(app!, 'plans.import', {
        plan: {
          plan_id: planId,
          tasks: [{ task_id: 'edit', description: 'edit', required_skills: ['code'] }],
        },
      });
      const run_id = (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: planId })).run_id;
      await call(app!, 'work.execute', { agent_id: 'seat', run_id, task_id: 'edit' });
      return { run_id, task_id: 'edit', attempt: 1 };
    };
    const ask = (at: { run_id: string; task_id: string; attempt: number }, callId: string, tool = 'Write') =>
      call<{ approval_id: string; verdict: unknown }>(app!, 'inbox.ask', {
        ...at,
        question: {
          kind: 'tool_call',
          call_id: callId,
          tool,
          input: { file_path: '/w/a.txt', content: callId },
        },
      });

    const one = await attempt('one');
    const first = await ask(one, 'toolu_1');
    expect(first.verdict).toBeNull();
    // Asked meanwhile: answered by the grant too, as is nothing of another tool.
    const meanwhile = await ask(one, 'toolu_0');
    const otherTool = await ask(one, 'toolu_e', 'Edit');
    await call(app, 'approvals.decide', {
      approval_id: first.approval_id,
      decision: 'approve',
      actor: 'ana',
      scope: 'task',
    });
    expect(app.store.approvals.get(meanwhile.approval_id)).toMatchObject({
      status: 'approved',
      actor: 'ana',
      comment: `allowed with ${first.approval_id}`,
    });
    expect(app.store.approvals.get(otherTool.approval_id)?.status).toBe('pending');
    // The next Write of the task is answered at once; its Edit is still asked.
    expect((await ask(one, 'toolu_2')).verdict).toMatchObject({ approve: true, actor: 'ana', scope: 'task' });
    expect((await ask(one, 'toolu_3', 'Edit')).verdict).toBeNull();

    // Another task of the same agent is asked; "always" there reaches its next task.
    const two = await attempt('two');
    const asked = await ask(two, 'toolu_4');
    expect(asked.verdict).toBeNull();
    await call(app, 'approvals.decide', {
      approval_id: asked.approval_id,
      decision: 'approve',
      actor: 'ana',
      scope: 'agent',
    });
    const three = await attempt('three');
    expect((await ask(three, 'toolu_5')).verdict).toMatchObject({ approve: true, scope: 'agent' });
    expect(await call<ToolGrant[]>(app, 'agents.toolGrants', { agent_id: 'seat' })).toMatchObject([
      { tool: 'Write' },
    ]);
  });
});
