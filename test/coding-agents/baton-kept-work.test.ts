import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeptWorkDetail } from '../../src-shared/contract/domains/runs.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  CLI_NAMES,
  codingAgent,
  gitWorktrees,
  installed,
  openBaton,
  startServers,
  writeTurn,
} from './baton-kit.ts';
import type { CliName } from './clis.ts';

// The work of an attempt stopped at its spend cap is kept, with each real CLI: what it wrote is
// committed on its task's branch as unreviewed work in progress when the run ends, and resuming
// it runs a new attempt on that branch, in the same worktree folder and (where the CLI named
// one) the same CLI session, which finishes the task. Scripted model servers, a real repository.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;

/** The cap, and a first turn past it (as in baton-faults.test.ts). */
const CAP = 0.05;
const EXPENSIVE = { input: 50_000, output: 1_000 };

let stopped: RunDetail;
let resumed: RunDetail;
const kept = new Map<string, TaskSession>();
const detail = new Map<string, KeptWorkDetail>();
const heads = new Map<string, string>();

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  for (const cli of only)
    servers.script(cli, [
      {
        name: 'kept',
        match: asks(`${cli}-kept`),
        turns: [
          // A first step that costs little, then one past the cap (claude stops before it acts on it).
          writeTurn(cli, `${cli}/partial.txt`, 'half of it\n'),
          { ...writeTurn(cli, `${cli}/costly.txt`, 'costly\n'), usage: EXPENSIVE },
          { text: 'Stopped halfway.', usage: { input: 1_000, output: 10 } },
          // Resumed: the rest.
          writeTurn(cli, `${cli}/rest.txt`, 'the rest\n'),
          { text: 'Finished it.' },
        ],
      },
    ]);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  const capped = (cap: boolean) =>
    only.map((cli) => codingAgent(servers, cli, cap ? { max_cost_usd: CAP } : { max_cost_usd: 100 }));
  await call(app, 'agents.import', { agents: capped(true) });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'kept',
      workspace: 'app',
      tasks: only.map((cli) => ({
        task_id: `${cli}-kept`,
        description: `Write ${cli}/partial.txt.`,
        required_skills: [cli],
      })),
    },
  });
  const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'kept' })).run_id;
  await app.engine.whenSettled(runId);
  await app.coding.worktreesSettled();
  stopped = await call<RunDetail>(app, 'runs.get', { run_id: runId });
  for (const cli of only) {
    const task = `${cli}-kept`;
    kept.set(cli, app.store.sessions.get(runId, task)!);
    detail.set(cli, await call<KeptWorkDetail>(app, 'runs.keptWork', { run_id: runId, task_id: task }));
    heads.set(cli, repo.git(['rev-parse', `baton/${runId}/${task}`]));
  }

  // The same agents, their cap raised: each resumes its task's kept work in one new run.
  await call(app, 'agents.import', { agents: capped(false) });
  const first = only[0]!;
  const started = await call<{ run_id: string }>(app, 'runs.resumeWork', {
    run_id: runId,
    task_id: `${first}-kept`,
  });
  await app.engine.whenSettled(started.run_id);
  await app.coding.worktreesSettled();
  resumed = await call<RunDetail>(app, 'runs.get', { run_id: started.run_id });
}, 600_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
});

describe.skipIf(!installed).each(only)('%s stopped at its spend cap', (cli) => {
  it('keeps what it wrote on its branch as unreviewed work in progress', () => {
    const t = stopped.tasks.find((x) => x.task_id === `${cli}-kept`)!;
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/^budget exceeded: spent \$0\.\d\d of \$0\.05/);
    const s = kept.get(cli)!;
    expect(s.kept_work).toMatchObject({ state: 'kept', attempt: 1, ended: 'failed', not_committed: null });
    const d = detail.get(cli)!;
    expect(d.files.map((f) => f.path)).toContain(`${cli}/partial.txt`);
    expect(baton.repo.git(['show', `${heads.get(cli)}:${cli}/partial.txt`])).toBe('half of it');
    // Baton's commit of what it left, unless the CLI committed it itself.
    if (s.kept_work!.wip_commit)
      expect(d.message!.split('\n')[0]).toBe(`WIP (unreviewed): task ${cli}-kept, attempt 1 failed`);
  });
});

describe.skipIf(!installed)('the first CLI’s work, resumed', () => {
  it('finishes on the same branch, in the same folder and CLI session, from the kept work', async () => {
    const cli = only[0]!;
    const task = `${cli}-kept`;
    const t = resumed.tasks.find((x) => x.task_id === task)!;
    expect(t.status, t.error ?? '').toBe('done');
    const s = kept.get(cli)!;
    const now = baton.app.store.sessions.get(resumed.id, task)!;
    expect(now).toMatchObject({ branch: s.branch, dir: s.dir, continues: stopped.id });
    // The new commits sit on the kept work.
    expect(baton.repo.git(['merge-base', '--is-ancestor', heads.get(cli)!, s.branch])).toBe('');
    const out = t.output as { files: { path: string }[] };
    expect(out.files.map((f) => f.path)).toContain(`${cli}/partial.txt`);
    // The resumed session's first request holds the first attempt's conversation and says why it goes on.
    const calls = servers.calls(cli, 'kept');
    const last = calls.at(-1)!.request!;
    expect(last.texts.some((x) => x.includes('Its work was kept'))).toBe(true);
    if (s.session_id !== null) expect(last.assistantTurns).toBeGreaterThan(0);
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
    expect(servers.phoneHome()).toEqual([]);
  });
});
