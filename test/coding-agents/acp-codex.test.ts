import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, writeTurn } from './baton-kit.ts';

const DENIAL = 'No second file: keep the change small.';
const COMMENT = 'Please also add a fix.txt that says fixed.';
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);

/**
 * Codex over the Agent Client Protocol (`protocol: "acp"`, Zed's `codex-acp`, its provider in the
 * task's codex home), Baton the ACP client: each `session/request_permission` is a tool call in the
 * inbox; one patch is approved (it lands on the task's branch), one denied with a message (the
 * model reads it in the next prompt of the same session).
 */
describe.skipIf(!installed)('Codex over ACP', () => {
  let servers: Servers;
  let baton: ReturnType<typeof openBaton>;

  beforeAll(async () => {
    servers = await startServers();
    baton = openBaton();
    await call(baton.app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
  });
  afterAll(async () => {
    await baton?.close();
    await new Promise((r) => setTimeout(r, 300));
    if (baton) rmSync(baton.dir, { recursive: true, force: true });
    await servers?.close();
  });

  it('asks the inbox, lands the approved edit, tells the model the denial, resumes the session on request changes', async () => {
    const { app } = baton;
    servers.script('codex', [
      {
        name: 'acp',
        turns: [
          writeTurn('codex', 'notes.txt', 'from the model\n'),
          writeTurn('codex', 'extra.txt', 'a second file\n'),
          // Codex's "reject" ends its turn: Baton's next prompt of the same session says why.
          { text: 'Wrote notes.txt.' },
          // After the request for changes: the same session, loaded again.
          writeTurn('codex', 'fix.txt', 'fixed\n'),
          { text: 'Added fix.txt as asked.' },
        ],
      },
    ]);
    await call(app, 'agents.import', {
      agents: [
        {
          ...codingAgent(servers, 'codex'),
          protocol: 'acp',
          executable: bin('codex-acp'),
          tool_approvals: 'inbox',
          review: 'diff',
        },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'acp',
        workspace: 'app',
        tasks: [{ task_id: 'notes', description: 'Write notes.txt.', required_skills: ['codex'] }],
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
    // Codex names its calls by their ACP kind; the patch it asks about is the input.
    expect(first.tool_call).toMatchObject({ attempt: 1, tool: 'edit', agent_id: 'codex-coder' });
    expect(JSON.stringify(first.tool_call!.input)).toContain('from the model');
    expect(first.tool_call!.agent_text).toBe('Writing notes.txt.');
    await decide(first.id, 'approve');
    const second = await next('tool_call');
    expect(second.tool_call).toMatchObject({ attempt: 1, tool: 'edit' });
    await decide(second.id, 'reject', DENIAL);

    const review = await next('diff_review');
    // The model read the denial: Baton's next prompt in the same session said it.
    const texts = servers
      .calls('codex', 'acp')
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
    expect(third.tool_call).toMatchObject({ attempt: 2, tool: 'edit' });
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
    // The resumed attempt loaded the same ACP session: the model saw the first turns and the comment.
    const sessions = app.coding.store.sessions.forRun(runId);
    expect(sessions[0]?.session_id).toBeTruthy();
    expect(out.session_id).toBe(sessions[0]?.session_id);
    const last = servers.calls('codex', 'acp').at(-1)!.request!;
    expect(last.texts.join('\n')).toContain(COMMENT);
    expect(last.texts.join('\n')).toContain('Wrote notes.txt.');
  });
});
