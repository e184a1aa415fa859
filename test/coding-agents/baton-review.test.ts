import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { CodingOutput, TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  CLI_NAMES,
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  openBaton,
  startServers,
  waitFor,
  writeTurn,
} from './baton-kit.ts';
import type { CliName } from './clis.ts';

// The diff review, with each real CLI: a task with `review: "diff"` waits after its attempt with
// its diff in the inbox; a request for changes (a comment and a line comment) makes the same
// agent resume its CLI session in the same worktree with the comments as the prompt; approving
// the second diff makes the task done with it. Rejecting one skips it and its dependent.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let runId: string;
const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;

const COMMENT = 'Please also add a fix.txt that says fixed.';
const LINE = { line: 1, side: 'new' as const, body: 'Say "draft", not "first draft".' };

/** Views of the pending diff reviews, by task. */
let firstReviews: Map<string, ApprovalView>;
let secondReviews: Map<string, ApprovalView>;
let refusal: { code: string; message: string } | null = null;
let detail: RunDetail;
let sessionsBefore: TaskSession[];

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

async function pendingReviews(): Promise<Map<string, ApprovalView>> {
  const list = await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'pending' });
  return new Map(list.filter((a) => a.kind === 'diff_review').map((a) => [a.task_id, a]));
}

async function waitForReviews(tasks: string[], not: Map<string, ApprovalView> = new Map()) {
  let found = new Map<string, ApprovalView>();
  await waitFor(
    () => tasks.every((t) => found.has(t) && found.get(t)!.id !== not.get(t)?.id),
    150_000,
    async () => {
      found = await pendingReviews();
    },
  );
  return found;
}

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  for (const cli of only) {
    servers.script(cli, [
      {
        name: 'review',
        match: asks(`${cli}-review`),
        turns: [
          writeTurn(cli, `${cli}/draft.txt`, 'first draft\n'),
          { text: 'Wrote the first draft.' },
          // After the request for changes: the resumed session's history holds the two turns above.
          writeTurn(cli, `${cli}/fix.txt`, 'fixed\n'),
          { text: 'Added fix.txt as asked.' },
        ],
      },
      {
        name: 'rejected',
        match: asks(`${cli}-rejected`),
        turns: [writeTurn(cli, `${cli}/unwanted.txt`, 'nobody wants this\n'), { text: 'Wrote it.' }],
      },
    ]);
  }
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', { agents: only.map((cli) => codingAgent(servers, cli)) });
  const first = only[0]!;
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'review',
      workspace: 'app',
      tasks: [
        ...only.map((cli) => ({
          task_id: `${cli}-review`,
          description: `Write ${cli}/draft.txt.`,
          required_skills: [cli],
          review: 'diff',
        })),
        // One rejected review is enough: what rejecting does is the engine's, not the CLI's.
        {
          task_id: `${first}-rejected`,
          description: 'Write something nobody wants.',
          required_skills: [first],
          review: 'diff',
        },
        {
          task_id: `${first}-after-rejected`,
          description: 'Build on the rejected work.',
          required_skills: [first],
          depends_on: [`${first}-rejected`],
        },
        // A plain approval, which has no answer to a request for changes.
        {
          task_id: 'gated',
          description: 'Wait for a person.',
          required_skills: [first],
          requires_approval: true,
        },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'review' })).run_id;
  firstReviews = await waitForReviews([...only.map((c) => `${c}-review`), `${first}-rejected`]);
  sessionsBefore = await call<TaskSession[]>(app, 'runs.sessions', { run_id: runId });

  // request_changes is refused for a kind without that answer, and nothing is recorded.
  const gated = (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).find(
    (a) => a.task_id === 'gated',
  )!;
  const r = await app.dispatch('approvals.decide', {
    approval_id: gated.id,
    decision: 'request_changes',
    actor: 'ana',
    comment: 'change it',
  });
  if (!r.ok) refusal = r.error;
  await call(app, 'approvals.decide', { approval_id: gated.id, decision: 'reject', actor: 'ana' });

  await call(app, 'approvals.decide', {
    approval_id: firstReviews.get(`${first}-rejected`)!.id,
    decision: 'reject',
    actor: 'ana',
    comment: 'not this',
  });
  for (const cli of only)
    await call(app, 'approvals.decide', {
      approval_id: firstReviews.get(`${cli}-review`)!.id,
      decision: 'request_changes',
      actor: 'ana',
      comment: COMMENT,
      line_comments: [{ path: `${cli}/draft.txt`, ...LINE }],
    });
  secondReviews = await waitForReviews(
    only.map((c) => `${c}-review`),
    firstReviews,
  );
  for (const cli of only)
    await call(app, 'approvals.decide', {
      approval_id: secondReviews.get(`${cli}-review`)!.id,
      decision: 'approve',
      actor: 'ana',
    });
  await app.engine.whenSettled(runId);
  await app.coding.worktreesSettled();
  detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
}, 230_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
});

const git = (args: string[]) => execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
const taskOf = (id: string) => detail.tasks.find((t) => t.task_id === id)!;

describe.skipIf(!installed).each(only)('%s under review', (cli) => {
  it('waits after its attempt with the diff in the inbox: files, +/-, the changes.diff artifact', async () => {
    const view = firstReviews.get(`${cli}-review`)!;
    expect(view.reason).toContain(`baton/${runId}/${cli}-review`);
    expect(view.diff).toMatchObject({
      branch: `baton/${runId}/${cli}-review`,
      attempt: 1,
      files: [{ path: `${cli}/draft.txt`, status: 'added', additions: 1, deletions: 0 }],
      additions: 1,
      deletions: 0,
      artifact: { name: 'changes.diff' },
      summary: expect.stringContaining('Wrote the first draft.'),
    });
    const diff = await call<{ content: string }>(baton.app, 'runs.readArtifact', {
      artifact_id: view.diff!.artifact!.id,
    });
    expect(diff.content).toContain('+first draft');
  });

  it('a request for changes resumes the same CLI session in the same worktree, with the comments as the prompt', async () => {
    const calls = servers.calls(cli, 'review');
    // The resumed request: the whole earlier conversation, then the reviewer's words.
    const resumed = calls.find((c) => c.request!.texts.some((t) => t.includes(COMMENT)))!;
    expect(resumed.request!.assistantTurns).toBe(2);
    const asked = resumed.request!.texts.join('\n');
    expect(asked).toContain('A reviewer asked for changes');
    // (opencode sends the prompt's quotes escaped: the line comment's start is enough.)
    expect(asked).toContain(`- ${cli}/draft.txt:1: Say `);
    const attempts = await call<TaskAttempt[]>(baton.app, 'runs.taskAttempts', {
      run_id: runId,
      task_id: `${cli}-review`,
    });
    expect(attempts.map((a) => [a.attempt, a.agent_id, a.outcome])).toEqual([
      [1, `${cli}-coder`, 'done'],
      [2, `${cli}-coder`, 'done'],
    ]);
    // Same worktree, same session.
    const before = sessionsBefore.find((s) => s.task_id === `${cli}-review`)!;
    const out = taskOf(`${cli}-review`).output as CodingOutput;
    expect(out.session_id).toBe(before.session_id);
    const second = secondReviews.get(`${cli}-review`)!;
    expect(second.diff).toMatchObject({
      attempt: 2,
      start_commit: firstReviews.get(`${cli}-review`)!.diff!.start_commit,
    });
    expect(second.diff!.files.map((f) => f.path).sort()).toEqual([`${cli}/draft.txt`, `${cli}/fix.txt`]);
  });

  it('approving the second diff makes the task done with it; its worktree goes, its branch stays', () => {
    const t = taskOf(`${cli}-review`);
    expect(t.status).toBe('done');
    const out = t.output as CodingOutput;
    expect(git(['show', `${out.commit}:${cli}/fix.txt`])).toBe('fixed');
    expect(git(['show', `${out.commit}:${cli}/draft.txt`])).toBe('first draft');
    const before = sessionsBefore.find((s) => s.task_id === `${cli}-review`)!;
    expect(existsSync(before.dir)).toBe(false);
  });
});

describe.skipIf(!installed)('the review run', () => {
  it('request_changes on a kind that has no such answer is refused, and changes nothing', async () => {
    expect(refusal).toMatchObject({ code: 'invalid_input' });
    expect(refusal!.message).toContain('has no request_changes answer');
    expect(taskOf('gated').status).toBe('skipped');
  });

  it('a rejected diff skips its task and the task that depends on it; the decided approvals say how', async () => {
    const first = only[0]!;
    expect(taskOf(`${first}-rejected`).status).toBe('skipped');
    expect(taskOf(`${first}-after-rejected`).status).toBe('skipped');
    const all = await call<Approval[]>(baton.app, 'approvals.list', {});
    const statuses = all.filter((a) => a.kind === 'diff_review').map((a) => a.status);
    expect(statuses.filter((s) => s === 'changes_requested')).toHaveLength(only.length);
    expect(statuses.filter((s) => s === 'approved')).toHaveLength(only.length);
    expect(statuses.filter((s) => s === 'rejected')).toHaveLength(1);
    // A person's rejection skipped tasks: the run ends failed, as for other rejections.
    expect(detail.status).toBe('failed');
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
    expect(markedProcesses(runId)).toEqual([]);
  });
});
