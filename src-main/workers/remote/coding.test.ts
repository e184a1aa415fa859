import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PreparedContext } from '../../../src-shared/contract/domains/work.ts';
import type { CodingAgent } from '../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../src-shared/schemas/agent.ts';
import type { TempRepo } from '../../agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../agents/coding/workspaces/testing/temp-repo.ts';
import { PROCESS_SCOPE } from '../../engine/attempt-leftovers.ts';
import { WorkerWorktrees } from './coding.ts';
import { readWorkspaces } from './workspaces-file.ts';

const agent = agentSchema.parse({
  id: 'coder',
  kind: 'coding',
  cli: 'claude',
  skills: ['code'],
}) as CodingAgent;
const other = { ...agent, id: 'other-coder' } satisfies CodingAgent;

const context = (extra: Partial<PreparedContext> = {}): PreparedContext => ({
  run: { id: 'r1', plan_id: 'p', project_id: null },
  task: {
    task_id: 'api',
    description: 'Write it',
    required_skills: ['code'],
    depends_on: [],
  } as unknown as PreparedContext['task'],
  attempt: 1,
  delegation_task_id: null,
  agent: { id: 'coder', name: 'coder', skills: ['code'], charter: null },
  dependencies: [],
  related_tasks: [],
  ...extra,
});

describe("a worker's coding tasks", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const setup = async () => {
    const repo: TempRepo = makeRepo({ 'README.md': '# x\n' });
    const dir = mkdtempSync(join(tmpdir(), 'baton-worker-coding-unit-'));
    cleanups.push(() => {
      repo.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });
    const workspaces = await readWorkspaces('ws.json', [{ id: 'app', path: repo.repo }]);
    return { repo, dir, worktrees: new WorkerWorktrees(dir, 'box-1', workspaces) };
  };

  it("maps the plan's workspace id to the worker's repository, the worktree under its data dir", async () => {
    const { repo, dir, worktrees } = await setup();
    const got = worktrees.context(context({ workspace: 'app' }), agent);
    if ('error' in got) throw new Error(got.error);
    expect(got.workspace).toMatchObject({ id: 'app', path: repo.repo, base_branch: 'main' });
    expect(got).toMatchObject({
      dir: join(dir, 'worktrees', 'r1', 'api', 'tree'),
      branch: 'baton/r1/api',
      session: null,
      resume: null,
      marker: `attempt/${PROCESS_SCOPE}/r1/api/1`,
    });
  });

  it('says clearly why a task cannot run here: no workspace, or one this worker does not have', async () => {
    const { worktrees } = await setup();
    expect(worktrees.context(context(), agent)).toEqual({
      error: expect.stringContaining('needs a workspace: set workspace on the task or on the plan'),
    });
    expect(worktrees.context(context({ workspace: 'web' }), agent)).toEqual({
      error: `workspace "web" is not one of worker box-1's: its --workspaces file names "app"`,
    });
  });

  it('changes requested: resumes the session kept here, or says the worktree is on another machine', async () => {
    const { dir, worktrees } = await setup();
    const resume = { reason: 'changes_requested' as const, comment: 'add tests', line_comments: [] };
    const asked = context({ workspace: 'app', attempt: 2, resume });
    const missing = worktrees.context(asked, agent);
    expect(missing).toEqual({
      error: expect.stringContaining(
        `changes were requested on task "api"'s diff, but its worktree and session are not on worker box-1`,
      ),
    });
    const tree = join(dir, 'elsewhere', 'tree');
    worktrees.noteSession(context({ workspace: 'app' }), 'coder', {
      workspace_id: 'app',
      cli: 'claude',
      dir: tree,
      branch: 'baton/r1/api',
      start_commit: 'abc',
      session_id: 'sess-1',
      home: null,
    });
    const mine = worktrees.context(asked, agent);
    if ('error' in mine) throw new Error(mine.error);
    expect(mine.dir).toBe(tree);
    expect(mine.resume).toEqual({ ...resume, session_id: 'sess-1' });
    // Only the agent whose CLI holds the session resumes it.
    const theirs = worktrees.context(asked, other);
    if ('error' in theirs) throw new Error(theirs.error);
    expect(theirs.resume).toEqual({ ...resume, session_id: null });
  });

  it('a --workspaces file that is wrong is refused naming the entry and field', async () => {
    const { repo } = await setup();
    await expect(
      readWorkspaces('ws.json', [
        { id: 'app', path: repo.repo },
        { id: 'app', path: repo.repo },
      ]),
    ).rejects.toThrow('--workspaces ws.json: [1].id: duplicate id "app"');
    await expect(readWorkspaces('ws.json', [{ id: 'x', path: repo.worktrees }])).rejects.toThrow(
      /--workspaces ws\.json: \[0\] \(x\): path: /,
    );
    await expect(readWorkspaces('ws.json', { id: 'x' })).rejects.toThrow('--workspaces ws.json: ');
  });
});
