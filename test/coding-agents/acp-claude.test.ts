import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Checkpoint } from '../../src-shared/schemas/checkpoint.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, markedProcesses, openBaton, startServers, writeTurn } from './baton-kit.ts';

const DENIAL = 'No second file: keep the change small.';
const COMMENT = 'Please also add a fix.txt that says fixed.';
/** Tokens that cost more than the cap in one model call. */
const EXPENSIVE = { input: 50_000, output: 1_000 };
const asks = (task: string) => (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);

/**
 * Claude Code over the Agent Client Protocol (`protocol: "acp"`, Zed's `claude-agent-acp`), Baton
 * the ACP client: each `session/request_permission` is a tool call in the inbox; one Write is
 * approved (it lands on the task's branch), one denied with a message (the model reads it in the
 * next prompt of the same session); a request for changes loads the same session again
 * (`session/load`) with the reviewer's comment. The first agent names no `protocol`: with the
 * adapter on Baton's PATH, claude runs over ACP by default, the adapter pointed at the agent's
 * `executable` (the CLI) through CLAUDE_CODE_EXECUTABLE.
 */
describe.skipIf(!installed)('Claude Code over ACP', () => {
  let servers: Servers;
  let baton: ReturnType<typeof openBaton>;

  const path = process.env.PATH;
  beforeAll(async () => {
    // Claude's ACP adapter where Baton looks for it (one test file runs at a time here).
    process.env.PATH = `${bin('')}:${path ?? ''}`;
    servers = await startServers();
    baton = openBaton();
    await call(baton.app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
  });
  afterAll(async () => {
    process.env.PATH = path;
    await baton?.close();
    await new Promise((r) => setTimeout(r, 300));
    if (baton) rmSync(baton.dir, { recursive: true, force: true });
    await servers?.close();
  });

  it('asks the inbox, lands the approved edit, tells the model the denial, resumes the session on request changes', async () => {
    const { app } = baton;
    servers.script('claude', [
      // After the request for changes: the same session, loaded again. Counted from its first
      // request, so a loaded history shorter than it should be fails the assertions at the end
      // (the model saw every earlier turn) rather than the script.
      {
        name: 'resumed',
        match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes(COMMENT)),
        countFrom: 'first-match',
        turns: [writeTurn('claude', 'fix.txt', 'fixed\n'), { text: 'Added fix.txt as asked.' }],
      },
      {
        name: 'acp',
        turns: [
          writeTurn('claude', 'notes.txt', 'from the model\n'),
          writeTurn('claude', 'extra.txt', 'a second file\n'),
          { text: 'Wrote notes.txt.' },
          // Baton's next prompt of the same session says why the second Write was denied.
          { text: 'Understood: only notes.txt.' },
        ],
      },
    ]);
    await call(app, 'agents.import', {
      agents: [
        // No protocol: the default for claude, ACP with its adapter installed.
        { ...codingAgent(servers, 'claude'), protocol: undefined, tool_approvals: 'inbox', review: 'diff' },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'acp',
        workspace: 'app',
        tasks: [{ task_id: 'notes', description: 'Write notes.txt.', required_skills: ['claude'] }],
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'acp' })).run_id;

    const seen = new Set<string>();
    const next = async (kind: string): Promise<ApprovalView> => {
      let found: ApprovalView | undefined;
      await eventually(
        async () => {
          const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
          found = list.find((a) => a.kind === kind && !seen.has(a.id));
          if (found) return true;
          // A failed attempt says why at once rather than after the wait.
          const t = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0];
          if (t?.status === 'failed') throw new Error(`the task failed: ${t.error}`);
          return false;
        },
        120_000,
        `an approval of kind ${kind}`,
      );
      seen.add(found!.id);
      return found!;
    };
    const decide = (approval_id: string, decision: string, comment?: string) =>
      call<Approval>(app, 'approvals.decide', { approval_id, decision, actor: 'Ana', comment });

    const first = await next('tool_call');
    expect(first).toMatchObject({ run_id: runId, task_id: 'notes' });
    expect(first.tool_call).toMatchObject({ attempt: 1, tool: 'Write', agent_id: 'claude-coder' });
    expect((first.tool_call!.input as { content: string }).content).toBe('from the model\n');
    await decide(first.id, 'approve');
    const second = await next('tool_call');
    expect(second.tool_call).toMatchObject({ attempt: 1, tool: 'Write' });
    await decide(second.id, 'reject', DENIAL);

    const review = await next('diff_review');
    // The model read the denial: Baton's next prompt in the same session said it.
    const texts = servers
      .calls('claude', 'acp')
      .map((c) => c.request?.texts.join('\n') ?? '')
      .join('\n');
    expect(texts).toContain(`Denied by Ana: ${DENIAL}`);
    const steps = app.store.steps.list(runId, 'notes') as StoredStep[];
    const calls = steps.filter((s) => s.kind === 'tool_call');
    expect(calls.map((s) => s.status)).toEqual(['done', 'denied']);
    expect(steps.some((s) => s.kind === 'message' && s.role === 'assistant')).toBe(true);
    expect(steps.some((s) => s.kind === 'usage')).toBe(true);

    await call(app, 'approvals.decide', {
      approval_id: review.id,
      decision: 'request_changes',
      actor: 'Ana',
      comment: COMMENT,
    });
    const third = await next('tool_call');
    expect(third.tool_call).toMatchObject({ attempt: 2, tool: 'Write' });
    await decide(third.id, 'approve');
    const again = await next('diff_review');
    await decide(again.id, 'approve');

    await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
    const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    const task = d.tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
    const out = task.output as CodingOutput;
    expect(out.files.map((f) => f.path).sort()).toEqual(['fix.txt', 'notes.txt']);
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
    expect(git(['show', `${out.commit}:notes.txt`])).toBe('from the model');
    // Every turn a checkpoint over ACP too (docs/checkpoints.md): the approved Write is turn 1 of
    // attempt 1 (the denied one changed nothing), fix.txt turn 1 of attempt 2.
    const kept = await call<Checkpoint[]>(app, 'runs.checkpoints', { run_id: runId, task_id: 'notes' });
    expect(kept.map((c) => [c.attempt, c.turn, c.files])).toEqual([
      [1, 0, 0],
      [1, 1, 1],
      [2, 0, 0],
      [2, 1, 1],
    ]);
    // The resumed attempt loaded the same ACP session: the model saw the earlier turns and the comment.
    const sessions = app.coding.store.sessions.forRun(runId);
    expect(sessions[0]?.session_id).toBeTruthy();
    expect(out.session_id).toBe(sessions[0]?.session_id);
    const last = servers.calls('claude', 'resumed').at(-1)!.request!.texts.join('\n');
    expect(last).toContain(COMMENT);
    expect(last).toContain('Understood: only notes.txt.');
    // Each attempt said its route once, and ran the adapter found on PATH.
    const logs = (
      await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: runId, task_id: 'notes' })
    ).map((l) => l.text);
    const said = 'claude runs over ACP (default for claude; set protocol: "stream" for the stream adapter)';
    expect(logs.filter((l) => l === said)).toHaveLength(2);
    expect(logs.some((l) => l.startsWith(`claude over ACP (${bin('claude-agent-acp')})`))).toBe(true);
  });

  it('stops at the budget cap mid-session, a cancel while a call waits in the inbox stops the agent, edited arguments are what runs', async () => {
    const { app } = baton;
    servers.script('claude', [
      {
        name: 'capped',
        match: asks('capped'),
        turns: [
          { ...writeTurn('claude', 'costly.txt', 'costly\n'), usage: EXPENSIVE },
          { text: 'Done, at a price.' },
        ],
      },
      { name: 'cancel', match: asks('waits'), turns: [writeTurn('claude', 'partial.txt', 'partial\n')] },
      {
        name: 'edited',
        match: asks('edited'),
        turns: [
          writeTurn('claude', 'edited.txt', 'from the model\n'),
          { text: 'The write was refused.' },
          // Baton's next prompt gave the person's arguments: the same call again, with them.
          writeTurn('claude', 'edited.txt', 'edited by Ana\n'),
          { text: 'Wrote edited.txt as Ana asked.' },
        ],
      },
    ]);
    await call(app, 'agents.import', {
      agents: [
        {
          ...codingAgent(servers, 'claude'),
          id: 'claude-capped',
          skills: ['claude-capped'],
          protocol: 'acp',
          executable: bin('claude-agent-acp'),
          max_cost_usd: 0.05,
        },
      ],
    });
    const start = async (plan_id: string, task_id: string, skill: string) => {
      await call(app, 'plans.import', {
        plan: {
          plan_id,
          workspace: 'app',
          tasks: [{ task_id, description: `Write ${task_id}.`, required_skills: [skill] }],
        },
      });
      return (await call<{ run_id: string }>(app, 'runs.start', { plan_id })).run_id;
    };
    const capped = await start('capped', 'capped', 'claude-capped');
    const waits = await start('waits', 'waits', 'claude');
    const edited = await start('edited', 'edited', 'claude');

    let asked: ApprovalView | undefined;
    await eventually(
      async () => {
        const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        asked = list.find((a) => a.kind === 'tool_call' && a.run_id === waits);
        return asked !== undefined;
      },
      120_000,
      'the waiting task’s tool call in the inbox',
    );
    expect(markedProcesses(waits).length).toBeGreaterThan(0);
    await call(app, 'runs.cancel', { run_id: waits, actor: 'tester' });
    await app.engine.whenSettled(waits);
    const w = (await call<RunDetail>(app, 'runs.get', { run_id: waits })).tasks[0]!;
    expect(w.status).toBe('cancelled');
    await eventually(
      async () => markedProcesses(waits).length === 0,
      30_000,
      'the cancelled agent’s processes gone',
    );
    const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
    expect(pending.some((a) => a.id === asked!.id)).toBe(false);

    await app.engine.whenSettled(capped);
    const c = (await call<RunDetail>(app, 'runs.get', { run_id: capped })).tasks[0]!;
    // Said when it fails: what the attempt did and what the model was asked.
    const record = () =>
      JSON.stringify({
        steps: app.store.steps.list(capped, 'capped'),
        calls: servers.calls('claude', 'capped').map((x) => ({ turn: x.turn, answer: x.answer })),
      });
    expect(c.status, record()).toBe('failed');
    expect(c.error).toMatch(/^budget exceeded: spent \$0\.\d\d of \$0\.05/);
    // The call past the cap was refused: the model was asked once.
    expect(servers.calls('claude', 'capped')).toHaveLength(1);
    // Stopped: on a busy machine a process SIGKILLed may take a moment to be gone.
    await eventually(
      async () => markedProcesses(capped).length === 0,
      30_000,
      'the capped agent’s processes gone',
    );

    // Approved with other arguments: ACP's answer cannot carry them, so the call is refused and
    // the agent told; the same call made again with them runs unasked.
    /** The run's pending approval of this kind, once there is one. */
    const pendingOf = async (run: string, kind: string): Promise<ApprovalView> => {
      let found: ApprovalView | undefined;
      await eventually(
        async () => {
          const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
          found = list.find((a) => a.kind === kind && a.run_id === run);
          return found !== undefined;
        },
        120_000,
        `a ${kind} of run ${run}`,
      );
      return found!;
    };
    const write = await pendingOf(edited, 'tool_call');
    const input = write.tool_call!.input as { file_path: string; content: string };
    await call(app, 'approvals.decide', {
      approval_id: write.id,
      decision: 'approve',
      actor: 'Ana',
      input: { ...input, content: 'edited by Ana\n' },
    });
    const review = await pendingOf(edited, 'diff_review');
    await call(app, 'approvals.decide', { approval_id: review.id, decision: 'approve', actor: 'Ana' });
    await app.engine.whenSettled(edited);
    const e = (await call<RunDetail>(app, 'runs.get', { run_id: edited })).tasks[0]!;
    expect(e.status, e.error ?? '').toBe('done');
    const out = e.output as CodingOutput;
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
    expect(git(['show', `${out.commit}:edited.txt`])).toBe('edited by Ana');
    const told = servers.calls('claude', 'edited').map((c) => c.request?.texts.join('\n') ?? '');
    expect(told.some((t) => t.includes('"content":"edited by Ana\\n"'))).toBe(true);
    // Asked once: the call with the person's arguments was not asked again.
    const asked2 = app.store.approvals.list().filter((a) => a.run_id === edited && a.kind === 'tool_call');
    expect(asked2).toHaveLength(1);
    await app.coding.worktreesSettled();
  });
});
