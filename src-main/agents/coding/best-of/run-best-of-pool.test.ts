import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { BestOfSummary } from '../../../../src-shared/schemas/best-of.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { removeWorkspaces, taskContext } from '../../testing/task-context.ts';
import { finish, prepare } from '../attempt/worktree.ts';
import { parkedWorktrees, parkInPool } from '../workspaces/index.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { runBestOf } from './run-best-of.ts';

// Best of N with the workspace's pool of parked worktrees, on a real repository: each candidate
// takes a parked worktree of its own, clean at its start (nothing of the worktree's last use),
// sees only its own changes, and after the pick the others' worktrees are parked again (their
// branches kept), the winner's made the task's own, as it left it.
const repo = makeRepo({ 'README.md': 'hello\n', 'src/a.txt': 'a\n' });
const pool = join(repo.worktrees, '.parked', 'app');
afterAll(() => {
  repo.cleanup();
  removeWorkspaces();
});

/** What one candidate saw at its start: git's status (untracked and ignored files too), the files, whether it was recycled. */
interface Seen {
  k: string;
  status: string;
  files: string[];
  recycled: boolean;
  startCommit: string;
}

function setup(run: string, n: number) {
  const base = taskContext({ id: 'coder', kind: 'coding', cli: 'claude', skills: ['x'] });
  const recorded: BestOfSummary[] = [];
  const coding = {
    workspace: {
      id: 'app',
      path: repo.repo,
      base_branch: 'main',
      checks: [],
      keep_ignored: [],
    } as unknown as Workspace,
    dir: join(repo.worktrees, run, 'task', 'tree'),
    branch: `baton/${run}/task`,
    home: join(repo.worktrees, run, 'task', 'home'),
    session: null,
    resume: null,
    prior: { usd: null, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 },
    marker: `attempt/test/${run}/task/1`,
    on_conflict: 'fail',
    pool,
    best_of: {
      agents: Array.from({ length: n }, () => base.agent as CodingAgent),
      judge: null,
      record: (s: BestOfSummary) => recorded.push(s),
    },
  } satisfies CodingContext;
  const ctx = { ...base, run_id: run, coding } as TaskContext<CodingAgent>;
  return { ctx, coding, recorded };
}

/**
 * A stand-in candidate (no CLI): its worktree prepared as the coding executor prepares it, what it
 * saw noted, a file of its own written and committed (`finish`), then an uncommitted file and an
 * untracked folder left behind for the next user of the worktree not to see.
 */
function candidate(seen: Seen[]) {
  return async function* (c: TaskContext<CodingAgent>, signal: AbortSignal): AsyncGenerator<ExecutorEvent> {
    const coding = c.coding!;
    const k = coding.branch.slice(coding.branch.lastIndexOf('-c') + 1);
    const p = await prepare(coding, [], signal);
    if (!p.ok) return yield { type: 'error', message: p.message };
    const w = p.worktree;
    seen.push({
      k,
      status: repo.git(['status', '--porcelain', '--ignored'], w.dir),
      files: readdirSync(w.dir).filter((f) => f !== '.git'),
      recycled: w.recycled,
      startCommit: w.startCommit,
    });
    yield {
      type: 'session',
      session: {
        workspace_id: 'app',
        cli: 'claude',
        dir: w.dir,
        branch: w.branch,
        start_commit: w.startCommit,
        session_id: null,
        home: null,
      },
    };
    repo.write(`${k}.txt`, `${k}\n`, w.dir);
    const done = await finish(c, coding, w, `candidate ${k}`, null, signal);
    yield* done.events;
    writeFileSync(join(w.dir, `leftover-${k}.tmp`), 'not committed\n');
    repo.write('node_modules/x.js', 'left\n', w.dir);
    yield { type: 'result', output: done.output };
  };
}

async function bestOf(run: string, n: number, seen: Seen[]) {
  const { ctx, coding, recorded } = setup(run, n);
  const events: ExecutorEvent[] = [];
  for await (const e of runBestOf({
    ctx,
    coding,
    signal: new AbortController().signal,
    now: Date.now,
    attempt: candidate(seen),
  }))
    events.push(e);
  return { events, coding, recorded };
}

describe('runBestOf with a pool of parked worktrees', () => {
  it("gives each candidate a clean parked worktree of its own, parks the others after the pick and makes the winner's the task's", async () => {
    const first: Seen[] = [];
    const one = await bestOf('run-1', 3, first);
    expect(one.events.at(-1)?.type).toBe('result');
    // Two candidates' worktrees went into the pool; the winner's is the task's own.
    expect(await parkedWorktrees({ repo: repo.repo, pool })).toHaveLength(2);
    for (const k of [1, 2, 3])
      expect(existsSync(join(repo.worktrees, 'run-1', 'task', `candidate-${k}`))).toBe(false);
    // The task's worktree is parked as its end would park it: the pool now holds 3 (room for N + 1).
    const parked = await parkInPool({ repo: repo.repo, dir: one.coding.dir, pool, max: 2 });
    expect(parked.parked).not.toBeNull();
    expect(await parkedWorktrees({ repo: repo.repo, pool })).toHaveLength(3);

    const second: Seen[] = [];
    const two = await bestOf('run-2', 3, second);
    expect(two.events.at(-1)?.type).toBe('result');
    expect(second).toHaveLength(3);
    const start = repo.git(['rev-parse', 'main']);
    for (const s of second) {
      // Taken from the pool, at the same start, with nothing of its last use: git sees no change.
      expect(s.recycled).toBe(true);
      expect(s.startCommit).toBe(start);
      expect(s.status).toBe('');
      expect(s.files.sort()).toEqual(['README.md', 'src']);
    }
    // Each candidate's branch holds only its own file, and is kept.
    for (const k of ['c1', 'c2', 'c3']) {
      const files = repo.git(['ls-tree', '-r', '--name-only', `baton/run-2/task-${k}`]).split('\n');
      expect(files.sort()).toEqual(['README.md', `${k}.txt`, 'src/a.txt']);
    }
    // The winner's commit is the task's branch, in the winner's own worktree, without what it
    // left untracked (this repository ignores nothing); no other candidate's file.
    const won = two.recorded[0]!.winner;
    expect(repo.git(['rev-parse', 'baton/run-2/task'])).toBe(
      repo.git(['rev-parse', `baton/run-2/task-c${won}`]),
    );
    expect(repo.git(['status', '--porcelain', '--ignored'], two.coding.dir)).toBe('');
    expect(readdirSync(two.coding.dir).sort()).toEqual(['.git', 'README.md', `c${won}.txt`, 'src']);
    // The two others parked again; the winner's is the task's.
    expect(await parkedWorktrees({ repo: repo.repo, pool })).toHaveLength(2);
  });
});
