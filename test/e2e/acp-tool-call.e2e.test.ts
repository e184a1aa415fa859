import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { AcpTaskScene } from './acp-task-scene.ts';
import { startAcpTask } from './acp-task-scene.ts';
import { shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

const NOTES = 'notes from the agent\n';
const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;

/**
 * An ACP agent that asks permission as Gemini CLI does: a title and the edit's diff, no
 * arguments (`rawInput`). Allowed, it writes the file through Baton's `fs/write_text_file`.
 */
const agentScript = `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'asks-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const path = cwd + '/notes.txt';
    const toolCall = { toolCallId: 'w1', title: 'Writing to notes.txt', kind: 'edit', status: 'pending',
      content: [{ type: 'diff', path, oldText: null, newText: ${JSON.stringify(NOTES)} }] };
    await client.notify('session/update', { sessionId: params.sessionId, update: { sessionUpdate: 'tool_call', ...toolCall } });
    const answer = await client.request('session/request_permission', { sessionId: params.sessionId, toolCall,
      options: [{ kind: 'allow_once', name: 'Allow', optionId: 'allow' }, { kind: 'reject_once', name: 'Reject', optionId: 'reject' }] });
    if (answer.outcome.optionId === 'allow') {
      await client.request('fs/write_text_file', { sessionId: params.sessionId, path, content: ${JSON.stringify(NOTES)} });
      await client.notify('session/update', { sessionId: params.sessionId, update: { sessionUpdate: 'tool_call_update', toolCallId: 'w1', status: 'completed' } });
    }
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

/**
 * A tool call of an ACP agent that gives no arguments (as Gemini CLI asks before an edit), in the
 * Approvals inbox: the person sees its title and the file it would change with the new text, and
 * approves it; the file lands on the task's branch.
 */
describe.skipIf(skipE2e)("an ACP agent's tool call without arguments in the inbox", () => {
  let scene: AcpTaskScene | undefined;
  let app: BatonApp;
  let repo: TempRepo;
  let page: Page;
  let runId: string;
  let asked: ApprovalView;

  beforeAll(async () => {
    scene = await startAcpTask({
      name: 'acp-call',
      script: agentScript,
      agent: (script) => ({
        id: 'asker',
        name: 'Asker',
        kind: 'coding',
        cli: 'acp',
        protocol: 'acp',
        executable: process.execPath,
        args: [script],
        skills: ['code'],
        tool_approvals: 'inbox',
      }),
      task: { task_id: 'notes', description: 'Write notes.txt.' },
      ready: async (started) => {
        const list = await call<ApprovalView[]>(started, 'approvals.list', { status: 'pending' });
        const found = list.find((a) => a.kind === 'tool_call');
        if (found) asked = found;
        return found !== undefined;
      },
      what: 'the tool call in the inbox',
    });
    ({ app, repo, runId } = scene);
    page = await scene.open();
  });
  afterAll(() => scene?.close());

  const card = () => page.getByRole('region', { name: 'Approval for notes' });

  it('shows the call by its title and the file it would change, with the new text', async () => {
    const args = card().getByLabel(`Arguments of ${asked.tool_call!.tool}`);
    await args.waitFor();
    const shown = JSON.parse(await args.inputValue()) as Record<string, unknown>;
    expect(shown).toEqual({
      title: 'Writing to notes.txt',
      changes: [{ path: expect.stringMatching(/\/notes\.txt$/), old_text: null, new_text: NOTES }],
    });
  });

  it('reads in both themes at 1440 and 1024 wide', async () => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const scheme of ['dark', 'light'] as const) {
        await expectReadableIn(page, scheme, {}, async () => {});
        await page.screenshot({ path: join(shots, `acp-tool-call-${width}-${scheme}.png`) });
      }
    }
  });

  it('approved, the agent writes the file and it lands on the branch', async () => {
    await card().getByRole('button', { name: 'Allow', exact: true }).click();
    await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
    const out = task.output as CodingOutput;
    expect(
      execFileSync('git', ['show', `${out.commit}:notes.txt`], { cwd: repo.repo, encoding: 'utf8' }),
    ).toBe(NOTES);
  });
});
