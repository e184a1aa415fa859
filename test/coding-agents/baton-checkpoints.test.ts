import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Checkpoint, CheckpointDiff, TurnReverted } from '../../src-shared/schemas/checkpoint.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor, writeTurn } from './baton-kit.ts';

// Every turn a checkpoint, with the real Claude Code on its stream: four turns that each write a
// file are four checkpoints on private refs (no branch); a revert to turn 2 while the task waits
// for its review puts the worktree back exactly (every file's hash, the files made later gone);
// a request for changes then resumes the session, told what was undone, and the agent goes on.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let runId: string;
const TASK = 'four-turns';
let review: ApprovalView;
let second: ApprovalView;
let checkpoints: Checkpoint[];
let turn3: CheckpointDiff;
let session: TaskSession;
let hashesAtTurn2: Record<string, string>;
let hashesAfterRevert: Record<string, string>;
let reverted: TurnReverted;
let refusedWhileRunning: { code: string; message: string } | null = null;

const asks = (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${TASK}:`));

const repoGit = (args: string[]) =>
  execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();

/** Every file of a worktree but `.git`, with the hash git gives its bytes. */
function worktreeHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(root, p);
      if (rel === '.git') continue;
      if (e.isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        out[rel] = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      }
    }
  };
  walk(root);
  return out;
}

/** Every file of a commit's tree, with its blob's hash. */
function treeHashes(commit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of repoGit(['ls-tree', '-r', '-z', commit]).split('\0').filter(Boolean)) {
    const [meta, path] = line.split('\t');
    out[path!] = meta!.split(' ')[2]!;
  }
  return out;
}

/** Waits until turn `n` of the task's first attempt is kept. */
const kept = (n: number) => () =>
  waitFor(
    () =>
      repoGit(['for-each-ref', '--format=%(refname)', 'refs/baton/checkpoints/'])
        .split('\n')
        .some((r) => r.endsWith(`/1/${n}`)),
    60_000,
  );

async function pendingReview(not?: string): Promise<ApprovalView | undefined> {
  const list = await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'pending' });
  return list.find((a) => a.kind === 'diff_review' && a.task_id === TASK && a.id !== not);
}

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  servers.script('claude', [
    {
      name: 'turns',
      match: asks,
      // Each answer after a write waits until Baton kept that turn, as a real model takes its time
      // (a model that answers before the checkpoint is taken folds its next turn's writes into it).
      turns: [
        writeTurn('claude', 'one.txt', 'turn one\n'),
        writeTurn('claude', 'two.txt', 'turn two\n', { before: kept(1) }),
        writeTurn('claude', 'three.txt', 'turn three\n', { before: kept(2) }),
        writeTurn('claude', 'four.txt', 'turn four\n', { before: kept(3) }),
        { text: 'Wrote four files.', before: kept(4) },
        // After the revert and the request for changes.
        writeTurn('claude', 'five.txt', 'turn five\n'),
        { text: 'Wrote five.txt.' },
      ],
    },
  ]);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', { agents: [codingAgent(servers, 'claude')] });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'turns',
      workspace: 'app',
      tasks: [
        { task_id: TASK, description: 'Write four files.', required_skills: ['claude'], review: 'diff' },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'turns' })).run_id;
  // While it runs (its first step is there), a revert is refused.
  await waitFor(
    () => refusedWhileRunning !== null,
    150_000,
    async () => {
      const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: TASK });
      if (steps.length === 0 || refusedWhileRunning !== null) return;
      const r = await app.dispatch('runs.revertToTurn', {
        run_id: runId,
        task_id: TASK,
        attempt: 1,
        turn: 0,
        actor: 'ana',
      });
      if (!r.ok) refusedWhileRunning = r.error;
    },
  );
  let found: ApprovalView | undefined;
  await waitFor(
    () => found !== undefined,
    150_000,
    async () => {
      found = await pendingReview();
    },
  );
  review = found!;
  session = (await call<TaskSession[]>(app, 'runs.sessions', { run_id: runId }))[0]!;
  checkpoints = await call<Checkpoint[]>(app, 'runs.checkpoints', { run_id: runId, task_id: TASK });
  turn3 = await call<CheckpointDiff>(app, 'runs.checkpointDiff', {
    run_id: runId,
    task_id: TASK,
    attempt: 1,
    turn: 3,
  });
  hashesAtTurn2 = treeHashes(checkpoints.find((c) => c.turn === 2)!.commit);
  reverted = await call<TurnReverted>(app, 'runs.revertToTurn', {
    run_id: runId,
    task_id: TASK,
    attempt: 1,
    turn: 2,
    actor: 'ana',
  });
  hashesAfterRevert = worktreeHashes(session.dir);
  await call(app, 'approvals.decide', {
    approval_id: review.id,
    decision: 'request_changes',
    actor: 'ana',
    comment: 'Now add five.txt.',
  });
  let next: ApprovalView | undefined;
  await waitFor(
    () => next !== undefined,
    150_000,
    async () => {
      next = await pendingReview(review.id);
    },
  );
  second = next!;
  await call(app, 'approvals.decide', { approval_id: second.id, decision: 'approve', actor: 'ana' });
  await app.engine.whenSettled(runId);
  await app.coding.worktreesSettled();
}, 330_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
});

describe.skipIf(!installed)('claude: every turn a checkpoint', () => {
  it('keeps turns 1..4 on private refs, one file each, none a branch', () => {
    const first = checkpoints.filter((c) => c.attempt === 1);
    expect(first.map((c) => [c.turn, c.files])).toEqual([
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    const refs = repoGit(['for-each-ref', '--format=%(refname)', 'refs/baton/checkpoints/']).split('\n');
    for (let n = 0; n <= 4; n++) expect(refs).toContain(`refs/baton/checkpoints/${session.branch}/1/${n}`);
    expect(repoGit(['branch', '--list', '--all'])).not.toContain('checkpoint');
    expect(turn3.files).toEqual([{ path: 'three.txt', status: 'added', additions: 1, deletions: 0 }]);
    expect(turn3.patch).toContain('+turn three');
  });

  it('refuses a revert while the attempt runs', () => {
    expect(refusedWhileRunning).toMatchObject({ code: 'conflict' });
    expect(refusedWhileRunning!.message).toContain('is running');
  });

  it('a revert to turn 2 of 4 puts every file back exactly; the files made later are gone', async () => {
    expect(hashesAfterRevert).toEqual(hashesAtTurn2);
    expect(Object.keys(hashesAfterRevert).sort()).toEqual(['README.md', 'one.txt', 'two.txt']);
    expect(reverted.files.sort()).toEqual(['four.txt', 'three.txt']);
    expect(reverted.note).toContain('turns 3–4 were undone');
    expect(reverted.then).toContain('request changes, and the agent goes on from these files');
    // A step of the attempt with the person's name, and a line of the audit log.
    const steps = await call<StoredStep[]>(baton.app, 'runs.steps', {
      run_id: runId,
      task_id: TASK,
      attempt: 1,
    });
    expect(steps.at(-1)).toMatchObject({ kind: 'message', role: 'system', by: 'ana', text: reverted.note });
    const audit = await call<AuditEntry[]>(baton.app, 'audit.list', { entity: 'task' });
    expect(audit.some((e) => e.actor === 'ana' && e.why?.includes('reverted the worktree to turn 2'))).toBe(
      true,
    );
  });

  it('the agent goes on from there, told what was undone', () => {
    const resumed = servers
      .calls('claude', 'turns')
      .find((c) => c.request!.texts.some((t) => t.includes('Now add five.txt.')))!;
    const asked = resumed.request!.texts.join('\n');
    expect(asked).toContain('Since your last turn, people changed your worktree');
    expect(asked).toContain('ana: Reverted the worktree to turn 2 of attempt 1');
    expect(second.diff!.files.map((f) => f.path).sort()).toEqual(['five.txt', 'one.txt', 'two.txt']);
    expect(repoGit(['show', `${second.diff!.commit}:five.txt`])).toBe('turn five');
    expect(existsSync(session.dir)).toBe(false);
  });

  it('refuses a turn there is none of, and a revert once the worktree is gone (a done task), saying why', async () => {
    const none = await baton.app.dispatch('runs.checkpointDiff', {
      run_id: runId,
      task_id: TASK,
      attempt: 1,
      turn: 9,
    });
    expect(none).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(!none.ok && none.error.message).toContain(
      'turn: task "four-turns" has no checkpoint of turn 9 in attempt 1 (it has turns 0–4)',
    );
    const gone = await baton.app.dispatch('runs.revertToTurn', {
      run_id: runId,
      task_id: TASK,
      attempt: 1,
      turn: 1,
    });
    expect(gone).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!gone.ok && gone.error.message).toContain('was removed already');
  });

  it("the second attempt's turns are checkpoints of attempt 2; they go with the branch", async () => {
    const all = await call<Checkpoint[]>(baton.app, 'runs.checkpoints', {
      run_id: runId,
      task_id: TASK,
      attempt: 2,
    });
    expect(all.map((c) => c.turn)).toEqual([0, 1]);
    const tip = repoGit(['rev-parse', session.branch]);
    await call(baton.app, 'workspaces.deleteBranches', {
      workspace_id: 'app',
      branches: [{ name: session.branch, tip }],
      include_unmerged: true,
    });
    expect(repoGit(['for-each-ref', 'refs/baton/checkpoints/'])).toBe('');
  });
});
