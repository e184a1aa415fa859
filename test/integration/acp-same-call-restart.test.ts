import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { launchAttemptChild } from '../kit/attempt-child-kit.ts';
import { call, eventually } from '../kit/engine-kit.ts';

// An ACP agent (cli "acp", written with the SDK) asks to write hello.txt; Baton is SIGKILLed
// while the card waits. After the restart the agent (a new session: it cannot load one) asks the
// same write under a new id, which waits on the first card. A person rejects it: that answers
// that one call. The agent asks again, and gets a new card, as it would have had Baton never
// restarted; approved, the file lands. (Before, the one rejection silently denied every same
// call of the later attempt.)

const DEADLINE = 60_000;
const root = mkdtempSync(join(tmpdir(), 'baton-acp-same-call-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
/** Asks to write hello.txt until allowed (at most 4 times a prompt), each time under a new call id. */
const AGENT = `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
const attempt = (process.env.BATON_ATTEMPT ?? '').split('/').pop();
let cwd = '';
let n = 0;
let wrote = false;
const input = { path: 'hello.txt', content: 'hi\\n' };
const options = [
  { kind: 'allow_once', name: 'Allow', optionId: 'allow' },
  { kind: 'reject_once', name: 'Reject', optionId: 'reject' },
];
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 's-' + attempt }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const s = params.sessionId;
    const update = (u) => client.notify('session/update', { sessionId: s, update: u });
    for (let i = 0; i < 4 && !wrote; i++) {
      const id = 'w-' + attempt + '-' + ++n;
      const call = { toolCallId: id, title: 'Write hello.txt', kind: 'edit', rawInput: input };
      await update({ sessionUpdate: 'tool_call', ...call, status: 'pending' });
      const r = await client.request('session/request_permission', { sessionId: s, toolCall: call, options });
      if (r.outcome.outcome === 'selected' && r.outcome.optionId === 'allow') {
        await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/hello.txt', content: input.content });
        await update({ sessionUpdate: 'tool_call_update', toolCallId: id, status: 'completed' });
        wrote = true;
      } else await update({ sessionUpdate: 'tool_call_update', toolCallId: id, status: 'failed' });
    }
    await update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: wrote ? 'Wrote it.' : 'Gave up.' } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

describe.runIf(process.platform === 'linux')(
  'a tool call asked again after a restart',
  { timeout: 3 * DEADLINE },
  () => {
    it('takes the first card once: a rejection answers that call, and the next same call gets a new card', async () => {
      const repo = makeRepo();
      onTestFinished(repo.cleanup);
      const dir = mkdtempSync(join(root, 'data-'));
      // Outside Baton's data directory, which the sandbox hides.
      const script = join(mkdtempSync(join(root, 'agent-')), 'agent.mjs');
      writeFileSync(script, AGENT);
      const agent = {
        id: 'acpy',
        kind: 'coding',
        cli: 'acp',
        protocol: 'acp',
        executable: process.execPath,
        args: [script],
        skills: ['code'],
        tool_approvals: 'inbox',
      };
      const plan = {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Say hello.', required_skills: ['code'] }],
      };
      writeFileSync(
        join(dir, 'setup.json'),
        JSON.stringify({ workspace: { id: 'app', path: repo.repo }, agents: [agent], plan }),
      );
      const owner = launchAttemptChild(dir, 30_000, DEADLINE);
      const run = await owner.line('RUN ');
      const pending = async (a: BatonApp) =>
        (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).filter(
          (x) => x.kind === 'tool_call',
        );
      // The first card, then Baton is killed while it waits.
      const peek = createApp({ dataDir: dir, resume: false, log: () => {} });
      await eventually(async () => (await pending(peek)).length === 1, DEADLINE, 'the first card');
      // Its step is stored with it (the card's transaction): killed now, the step list keeps w-1-1.
      expect(
        (await call<StoredStep[]>(peek, 'runs.steps', { run_id: run, task_id: 't' })).filter(
          (s) => s.kind === 'tool_call',
        ),
      ).toMatchObject([{ call_id: 'w-1-1', status: 'awaiting_approval', attempt: 1 }]);
      const first = (await pending(peek))[0]!;
      expect(first.tool_call).toMatchObject({
        call_id: 'w-1-1',
        input: { path: 'hello.txt', content: 'hi\n' },
      });
      await peek.close();
      process.kill(owner.pid, 'SIGKILL');
      await owner.exited;

      const app = createApp({ dataDir: dir, resume: true, log: () => {} });
      onTestFinished(() => app.close());
      const steps = () => call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
      // The new session's same write waits on the first card: no second card.
      await eventually(
        async () => (await steps()).some((s) => s.kind === 'tool_call' && s.call_id === 'w-2-1'),
        DEADLINE,
        "attempt 2's call",
      );
      expect((await pending(app)).map((x) => x.id)).toEqual([first.id]);
      await call(app, 'approvals.decide', {
        approval_id: first.id,
        decision: 'reject',
        actor: 'ada',
        comment: 'not yet',
      });
      // Asked again: a new card, not the same rejection.
      await eventually(async () => (await pending(app)).length === 1, DEADLINE, 'a second card');
      const second = (await pending(app))[0]!;
      expect(second.id).not.toBe(first.id);
      expect(second.tool_call).toMatchObject({ call_id: 'w-2-2', attempt: 2 });
      await call(app, 'approvals.decide', { approval_id: second.id, decision: 'approve', actor: 'ada' });
      await app.engine.whenSettled(run);
      const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
      expect(detail.tasks[0]).toMatchObject({ status: 'done', attempt: 2 });
      const branch = (detail.tasks[0]!.output as { branch: string }).branch;
      expect(execFileSync('git', ['show', `${branch}:hello.txt`], { cwd: repo.repo, encoding: 'utf8' })).toBe(
        'hi\n',
      );
      const calls = (await steps()).flatMap((s) => (s.kind === 'tool_call' ? [[s.call_id, s.status]] : []));
      expect(calls).toEqual([
        ['w-1-1', expect.any(String)],
        ['w-2-1', 'denied'],
        ['w-2-2', 'done'],
      ]);
    });
  },
);
