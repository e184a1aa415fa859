import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { CodingOutput, TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  openBaton,
  startServers,
} from './baton-kit.ts';
import { scriptConflict, startConflictRun } from './worker-kit.ts';

// on_conflict "ask" with a real CLI (codex, the fastest to start): two tasks write the same new
// file differently, so the task that depends on both cannot start from their branches merged;
// it waits in the inbox, a person resolves the file in its worktree and says so, and the CLI
// then works on the resolved merge.
const cli = 'codex';
let servers: Servers;
let baton: ReturnType<typeof openBaton>;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  scriptConflict(servers, cli);
  baton = openBaton();
  await call(baton.app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
  await call(baton.app, 'agents.import', { agents: [codingAgent(servers, cli)] });
}, 60_000);

afterAll(async () => {
  if (!installed) return;
  await baton.close();
  await servers.close();
});

describe.skipIf(!installed)('a merge conflict a person resolves (on_conflict "ask")', () => {
  it('waits with the files and the worktree; once resolved there, the CLI works on the merge and its diff is its own', async () => {
    const { app, repo } = baton;
    const { run, asked } = await startConflictRun<Approval>(app, cli, 120_000);
    const session = (await call<TaskSession[]>(app, 'runs.sessions', { run_id: run })).find(
      (s) => s.task_id === 'c',
    )!;
    expect(asked.reason).toContain('conflicts in 1 file: greeting.txt.');
    expect(asked.reason).toContain(`Resolve it in ${session.dir}`);
    expect(servers.calls(cli, 'c')).toEqual([]); // the CLI has not started

    writeFileSync(join(session.dir, 'greeting.txt'), 'hello from a and b\n');
    await call(app, 'approvals.decide', { approval_id: asked.id, decision: 'approve', actor: 'ana' });
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    const out = (id: string) => detail.tasks.find((t) => t.task_id === id)!.output as CodingOutput;
    const c = detail.tasks.find((t) => t.task_id === 'c')!;
    expect(c.status, c.error ?? '').toBe('done');
    const git = (args: string[]) => execFileSync('git', args, { cwd: repo.repo, encoding: 'utf8' }).trim();
    for (const dep of ['a', 'b'])
      git(['merge-base', '--is-ancestor', out(dep).commit, out('c').start_commit]);
    expect(git(['show', `${out('c').start_commit}:greeting.txt`])).toBe('hello from a and b');
    // The task's diff is the CLI's work on top of the resolved merge.
    expect(out('c').files.map((f) => f.path)).toEqual(['joined.txt']);
    expect(git(['show', `${out('c').commit}:joined.txt`])).toBe('both said hello');
    expect(gitWorktrees(repo.repo)).toEqual([]);
    expect(markedProcesses(run)).toEqual([]);
  }, 200_000);
});
