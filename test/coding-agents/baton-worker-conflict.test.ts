import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { installed, markedProcesses, startServers } from './baton-kit.ts';
import type { WorkerSetup } from './worker-kit.ts';
import { scriptConflict, startConflictRun, startServerAndWorker } from './worker-kit.ts';

// on_conflict "ask" on a remote worker: the server (this process) and `baton worker`
// (a child process) with a real CLI (codex, the fastest to start) in a repository only the
// worker has. Two tasks write the same new file differently, so the task that depends on both
// cannot start from their branches merged: it waits in the server's inbox naming the worktree
// on the worker, a person resolves the file there and says so on the server, and the CLI then
// works on the resolved merge.
const cli = 'codex';
const WORKER = 'merge-box';

let servers: Servers;
let kit: WorkerSetup;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  scriptConflict(servers, cli);
  kit = await startServerAndWorker({
    servers,
    cli,
    workerId: WORKER,
    tokenName: 'merge box',
    prefix: 'baton-worker-conflict-',
  });
}, 120_000);

afterAll(async () => {
  if (!installed) return;
  await kit?.close();
  await servers?.close();
});

describe.skipIf(!installed)('a merge conflict on a remote worker, resolved there (on_conflict "ask")', () => {
  it("waits in the server's inbox naming the worker's worktree; once resolved there, the CLI works on the merge", async () => {
    const { app, root, repo, worker } = kit;
    const { run, asked } = await startConflictRun<ApprovalView>(app, cli, 150_000);
    // The worktree is the worker's, under its data dir; the server has none.
    const tree = join(root, WORKER, 'worktrees', run, 'c', 'tree');
    expect(asked.reason).toContain('conflicts in 1 file: greeting.txt.');
    expect(asked.reason).toContain(`Resolve it in ${tree}`);
    expect(asked.task_id).toBe('c');
    expect(servers.calls(cli, 'c')).toEqual([]); // the CLI has not started
    expect((await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks[2]).toMatchObject({
      task_id: 'c',
      status: 'in_progress',
      attempt: 1,
    });

    writeFileSync(join(tree, 'greeting.txt'), 'hello from a and b\n');
    await call(app, 'approvals.decide', { approval_id: asked.id, decision: 'approve', actor: 'ana' });
    await app.engine.whenSettled(run);
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    const out = (id: string) => detail.tasks.find((t) => t.task_id === id)!.output as CodingOutput;
    const c = detail.tasks.find((t) => t.task_id === 'c')!;
    expect(c.status, c.error ?? '').toBe('done');
    expect(c.attempt).toBe(1);
    for (const dep of ['a', 'b'])
      repo.git(['merge-base', '--is-ancestor', out(dep).commit, out('c').start_commit]);
    expect(repo.git(['show', `${out('c').start_commit}:greeting.txt`])).toBe('hello from a and b');
    // The task's diff is the CLI's work on top of the resolved merge.
    expect(out('c').files.map((f) => f.path)).toEqual(['joined.txt']);
    expect(repo.git(['show', `${out('c').commit}:joined.txt`])).toBe('both said hello');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(markedProcesses(run)).toEqual([]);
  }, 280_000);
});
