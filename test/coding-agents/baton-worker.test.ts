import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Artifact, RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import type { Servers } from './baton-kit.ts';
import { gitWorktrees, installed, markedProcesses, startServers, waitFor, writeTurn } from './baton-kit.ts';
import type { CliName } from './clis.ts';
import type { WorkerSetup } from './worker-kit.ts';
import { startServerAndWorker } from './worker-kit.ts';

// A coding agent on a remote worker: two Baton processes on loopback with two data
// dirs, the server (this process: app, host, REST API) and `baton worker` (a child process) with
// a real coding CLI against a scripted model server, working in a git repository only the
// worker has. The server gets what the app's own attempts give it: the steps live, the diff
// (artifact, files with +/-) in a diff review; "request changes" resumes the CLI's session on
// the worker, in the same worktree. One CLI is enough (the executor is the app's own): the
// cheapest to start, unless BATON_CLIS names another.
const cli = ((process.env.BATON_CLIS?.split(',')[0] as CliName | undefined) ?? 'claude') satisfies CliName;
const TASK = `${cli}-remote`;
/** Depends on TASK: starts from its branch on the worker; done without a review, its worktree goes. */
const AFTER = `${cli}-after`;
const WORKER = 'coder-box';
const COMMENT = 'Please also add a fix.txt that says fixed.';

let servers: Servers;
let app: BatonApp;
let root: string;
let repo: TempRepo;
let worker: WorkerProcess;
let kit: WorkerSetup;
let runId: string;
let firstReview: ApprovalView;
let secondReview: ApprovalView;
let stepsSeen: StoredStep[];
let detail: RunDetail;
let workerExit: number | null;
let leftRunning: number[];

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

async function pendingReview(not?: ApprovalView): Promise<ApprovalView> {
  let found: ApprovalView | undefined;
  await waitFor(
    () => found !== undefined,
    150_000,
    async () => {
      const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
      found = list.find((a) => a.kind === 'diff_review' && a.task_id === TASK && a.id !== not?.id);
    },
  );
  return found!;
}

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  servers.script(cli, [
    {
      name: 'remote',
      match: asks(TASK),
      turns: [
        writeTurn(cli, `${cli}/draft.txt`, 'first draft\n'),
        { text: 'Wrote the first draft.' },
        // After the request for changes: the resumed session's history holds the two turns above.
        writeTurn(cli, `${cli}/fix.txt`, 'fixed\n'),
        { text: 'Added fix.txt as asked.' },
      ],
    },
    {
      name: 'after',
      match: asks(AFTER),
      turns: [writeTurn(cli, `${cli}/after.txt`, 'after\n'), { text: 'Wrote after.txt.' }],
    },
  ]);
  // The repository is the worker's: the server never has it.
  kit = await startServerAndWorker({
    servers,
    cli,
    workerId: WORKER,
    tokenName: 'coder box',
    prefix: 'baton-worker-coding-',
  });
  ({ app, root, repo, worker } = kit);
  // The plan names the worker's workspace by id; the server knows it from the registration.
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'remote-code',
      workspace: 'app',
      tasks: [
        { task_id: TASK, description: `Write ${cli}/draft.txt.`, required_skills: [cli], review: 'diff' },
        {
          task_id: AFTER,
          description: `Write ${cli}/after.txt.`,
          required_skills: [cli],
          depends_on: [TASK],
        },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'remote-code' })).run_id;
  firstReview = await pendingReview();
  stepsSeen = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: TASK, attempt: 1 });
  await call(app, 'approvals.decide', {
    approval_id: firstReview.id,
    decision: 'request_changes',
    actor: 'ana',
    comment: COMMENT,
  });
  secondReview = await pendingReview(firstReview);
  await call(app, 'approvals.decide', { approval_id: secondReview.id, decision: 'approve', actor: 'ana' });
  await app.engine.whenSettled(runId);
  detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
  // The worker stops as Ctrl+C stops it; nothing of the run is left running on this machine.
  worker.child.kill('SIGTERM');
  workerExit = await worker.exited;
  leftRunning = markedProcesses(runId);
}, 280_000);

afterAll(async () => {
  if (!installed) return;
  await kit?.close();
  await servers?.close();
});

describe.skipIf(!installed)(`a coding agent (${cli}) on a remote worker`, () => {
  it("hands the server the task's diff for review: branch, files with +/-, the changes.diff artifact", async () => {
    expect(firstReview.diff).toMatchObject({
      branch: `baton/${runId}/${TASK}`,
      attempt: 1,
      files: [{ path: `${cli}/draft.txt`, status: 'added', additions: 1, deletions: 0 }],
      additions: 1,
      deletions: 0,
      artifact: { name: 'changes.diff' },
      summary: expect.stringContaining('Wrote the first draft.'),
    });
    const diff = await call<{ content: string }>(app, 'runs.readArtifact', {
      artifact_id: firstReview.diff!.artifact!.id,
    });
    expect(diff.content).toContain('+first draft');
    const files = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id: runId, task_id: TASK });
    expect(files.filter((f) => f.name === 'changes.diff').map((f) => f.attempt)).toEqual([1, 2]);
  });

  it("streams the CLI's steps to the server: the prompt, the file tool call, the final answer", () => {
    expect(stepsSeen[0]).toMatchObject({ kind: 'message', role: 'user', attempt: 1 });
    expect(stepsSeen.some((s) => s.kind === 'tool_call')).toBe(true);
    expect(stepsSeen.length).toBeGreaterThan(2);
  });

  it("a request for changes resumes the CLI's session on the worker, in the same worktree", async () => {
    const resumed = servers
      .calls(cli, 'remote')
      .find((c) => c.request!.texts.some((t) => t.includes(COMMENT)))!;
    expect(resumed.request!.assistantTurns).toBe(2);
    expect(resumed.request!.texts.join('\n')).toContain('A reviewer asked for changes');
    expect(secondReview.diff).toMatchObject({ attempt: 2, start_commit: firstReview.diff!.start_commit });
    expect(secondReview.diff!.files.map((f) => f.path).sort()).toEqual([
      `${cli}/draft.txt`,
      `${cli}/fix.txt`,
    ]);
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: runId, task_id: TASK });
    expect(attempts.map((a) => [a.attempt, a.agent_id, a.outcome])).toEqual([
      [1, `${cli}-coder`, 'done'],
      [2, `${cli}-coder`, 'done'],
    ]);
  });

  it("approved, the task is done; the worktree and branch are in the worker's repository, none on the server", () => {
    expect(detail.status).toBe('completed');
    const t = detail.tasks.find((x) => x.task_id === TASK)!;
    expect(t.status).toBe('done');
    const out = t.output as CodingOutput;
    expect(out).toMatchObject({ workspace_id: 'app', branch: `baton/${runId}/${TASK}` });
    expect(repo.git(['rev-parse', out.branch])).toBe(out.commit);
    expect(repo.git(['show', `${out.commit}:${cli}/fix.txt`])).toBe('fixed');
    const tree = join(root, WORKER, 'worktrees', runId, TASK, 'tree');
    expect(gitWorktrees(repo.repo)).toContain(tree);
    expect(existsSync(join(tree, cli, 'draft.txt'))).toBe(true);
    // The server never had a worktree or a session of it.
    expect(existsSync(join(root, 'server', 'worktrees', runId))).toBe(false);
  });

  it("a dependent starts from the task's branch on the worker; done without a review, its worktree goes, its branch stays", () => {
    const t = detail.tasks.find((x) => x.task_id === AFTER)!;
    expect(t.status).toBe('done');
    const out = t.output as CodingOutput;
    expect(repo.git(['rev-parse', out.branch])).toBe(out.commit);
    for (const file of ['draft.txt', 'fix.txt', 'after.txt'])
      expect(repo.git(['cat-file', '-t', `${out.commit}:${cli}/${file}`])).toBe('blob');
    expect(out.files.map((f) => f.path)).toEqual([`${cli}/after.txt`]);
    const tree = join(root, WORKER, 'worktrees', runId, AFTER, 'tree');
    expect(gitWorktrees(repo.repo)).not.toContain(tree);
    expect(existsSync(tree)).toBe(false);
  });

  it('the worker stops cleanly and leaves nothing of the run running', () => {
    expect(workerExit).toBe(0);
    expect(leftRunning).toEqual([]);
  });
});
