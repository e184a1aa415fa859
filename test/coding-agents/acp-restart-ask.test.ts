import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  startServers,
  waitFor,
  writeTurn,
} from './baton-kit.ts';
import { launchBaton } from './child-baton.ts';

// SIGKILL Baton while Claude Code over ACP waits on a person for its Write, start Baton again on
// the same data directory: the approval stays pending (one card in the inbox), the new attempt
// loads the session, its agent asks the same Write again and waits on that same approval; the
// person approves once and the file lands on the task's branch. Baton first runs in a child
// process (baton-child.ts), then in this one, to approve.
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);
const running = new Set<ChildProcess>();
const TASK = 'waits';
const asked = (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${TASK}:`));
const resumed = (req: ModelRequest) => req.texts.some((t) => t.includes('Baton restarted'));

let servers: Servers | undefined;
let dataDir: string | undefined;
let repo: TempRepo | undefined;
let app: BatonApp | undefined;

afterAll(async () => {
  for (const p of running) p.kill('SIGKILL');
  await app?.close();
  await servers?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  repo?.cleanup();
});

describe.skipIf(!installed)('Claude Code over ACP, Baton killed while a Write waits in the inbox', () => {
  it('keeps the one approval across the restart; the loaded session waits on it; approved once, the file lands', async () => {
    servers = await startServers();
    dataDir = mkdtempSync(join(tmpdir(), 'baton-acp-ask-'));
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    const write = writeTurn('claude', 'waits.txt', 'approved across a restart\n');
    servers.script('claude', [
      { name: 'first', match: (r) => asked(r) && !resumed(r), turns: [write] },
      // The loaded session asks for the same Write (same file, same text), then ends its turn. The
      // server picks the turn by the assistant turns in the history: the loaded one holds the first.
      {
        name: 'resumed',
        match: (r) => asked(r) && resumed(r),
        turns: [{ text: 'unused' }, write, { text: 'Wrote waits.txt.' }],
      },
    ]);
    writeFileSync(
      join(dataDir, 'setup.json'),
      JSON.stringify({
        workspace: { id: 'app', path: repo.repo },
        agents: [
          codingAgent(servers, 'claude', {
            protocol: 'acp',
            executable: bin('claude-agent-acp'),
            tool_approvals: 'inbox',
            sandbox: { mode: 'off' },
          }),
        ],
        plan: {
          plan_id: 'ask',
          workspace: 'app',
          tasks: [{ task_id: TASK, description: 'Write waits.txt.', required_skills: ['claude'] }],
        },
      }),
    );

    const first = launchBaton(dataDir, 'start', running);
    const askedLine = () => first.lines.find((l) => l.startsWith(`ASKED ${TASK} `));
    await waitFor(
      () => askedLine() !== undefined && first.lines.some((l) => l.startsWith(`SESSION ${TASK} `)),
      120_000,
    );
    const approvalId = askedLine()!.split(' ')[2]!;
    const runId = first.lines.find((l) => l.startsWith('RUN '))!.slice(4);
    await killWithWatcher(first.proc.pid!, first.exited);

    // Baton again, in this process: every tool-call approval it files or changes is seen here.
    app = createApp({ dataDir, log: () => {} });
    const cards: Approval[] = [];
    app.bus.subscribe((batch) => {
      for (const e of batch)
        if (e.name === 'approval.changed' && e.payload.kind === 'tool_call') cards.push(e.payload);
    });
    const steps = () => app!.store.steps.list(runId, TASK, 2) as StoredStep[];
    // The loaded session asked the same Write again, and its attempt waits on the approval.
    await waitFor(
      () =>
        servers!.calls('claude', 'resumed').length > 0 &&
        steps().some((s) => s.kind === 'tool_call' && s.status === 'awaiting_approval'),
      120_000,
    ).catch(async (err) => {
      const reqs = servers!
        .serverOf('claude')
        .requests.map((r) => [r.conversation, r.answer, r.request?.texts.join(' | ').slice(-400)]);
      const d = await call<RunDetail>(app!, 'runs.get', { run_id: runId });
      console.error(
        JSON.stringify(
          {
            reqs,
            task: d.tasks[0],
            steps: app!.store.steps.list(runId, TASK),
            approvals: app!.store.approvals.list(),
          },
          null,
          1,
        ).slice(0, 20000),
      );
      throw err;
    });
    const pending = (await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' })).filter(
      (a) => a.kind === 'tool_call',
    );
    expect(pending.map((a) => a.id)).toEqual([approvalId]);
    expect(pending[0]!.tool_call).toMatchObject({ attempt: 1, tool: 'Write' });

    await call(app, 'approvals.decide', { approval_id: approvalId, decision: 'approve', actor: 'Ana' });
    const run = await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    const task = detail.tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
    expect(run.status).toBe('completed');
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: runId, task_id: TASK });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'done'],
    ]);
    const out = task.output as CodingOutput;
    const git = (args: string[]) => execFileSync('git', args, { cwd: repo!.repo, encoding: 'utf8' }).trim();
    expect(git(['show', `${out.commit}:waits.txt`])).toBe('approved across a restart');

    // Nothing asked twice: one tool-call approval for the task in the store, and no other card shown.
    const all = app.store.approvals.list().filter((a) => a.run_id === runId && a.kind === 'tool_call');
    expect(all.map((a) => [a.id, a.status, a.actor])).toEqual([[approvalId, 'approved', 'Ana']]);
    expect(new Set(cards.map((a) => a.id))).toEqual(new Set([approvalId]));
    // The loaded session's Write ran once Ana approved.
    expect(
      steps()
        .filter((s) => s.kind === 'tool_call')
        .map((s) => s.status),
    ).toContain('done');
    expect(markedProcesses(runId)).toEqual([]);
    expect(gitWorktrees(repo.repo)).toEqual([]);
  }, 300_000);
});
