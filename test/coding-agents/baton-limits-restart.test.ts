import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { quotaWaitUntil } from '../../src-shared/schemas/plain/usage-limit.ts';
import type { RunDetail, TaskRun } from '../../src-shared/schemas/run.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, gitWorktrees, installed, startServers, waitFor, writeTurn } from './baton-kit.ts';

// Two real Claude Code agents on one account (one API key, as a team's shared key or one person's
// login is): the first is answered its vendor's 429 and waits for quota; the second, given a task
// of its own after that, waits too without asking the model. Baton is closed during the wait and
// opened again on the same data directory: both still wait, and nothing calls the model; once the
// reset comes (the clock moved to just before it) the first resumes and both finish their work.
let servers: Servers;
let dir: string;
let repo: TempRepo;
let app: BatonApp | undefined;
let offset = 0;
const clock = { now: () => Date.now() + offset };
const runs: Record<'a' | 'b', string> = { a: '', b: '' };
const seen: { afterRestart?: RunDetail[]; calls?: { a: number; b: number }; end?: RunDetail[] } = {};

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));
const open = () => {
  app = createApp({ dataDir: dir, log: () => {}, clock });
  return app;
};
const detailOf = (run: string) => call<RunDetail>(app!, 'runs.get', { run_id: run });
const taskOf = async (run: string, id: string): Promise<TaskRun> =>
  (await detailOf(run)).tasks.find((t) => t.task_id === id)!;
const waiting = (t: TaskRun) => quotaWaitUntil(t.reason ?? null) !== null;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  dir = mkdtempSync(join(tmpdir(), 'baton-limits-restart-'));
  repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  servers.script('claude', [
    {
      name: 'a',
      match: asks('lim-a'),
      turns: [
        {
          // The first request is the vendor's 429; the same turn asked again (the session resumed
          // after the reset) is answered.
          ...writeTurn('claude', 'a.txt', 'done after the wait\n'),
          fault: {
            kind: 'status',
            status: 429,
            headers: { 'retry-after': '3600' },
            message: 'Number of request tokens has exceeded your per-minute rate limit',
          },
          faultTimes: 1,
        },
        { text: 'Wrote a.txt.' },
      ],
    },
    {
      name: 'b',
      match: asks('lim-b'),
      turns: [writeTurn('claude', 'b.txt', 'done by the second agent\n'), { text: 'Wrote b.txt.' }],
    },
  ]);
  open();
  await call(app!, 'secrets.set', { name: 'team.key', value: 'sk-team' });
  await call(app!, 'workspaces.add', { id: 'app', path: repo.repo });
  const claude = codingAgent(servers, 'claude');
  const shared = (id: string, skill: string) =>
    codingAgent(servers, 'claude', {
      id,
      skills: [skill],
      provider: { ...('provider' in claude ? claude.provider : {}), api_key_secret: 'team.key' },
      env: { ...('env' in claude ? claude.env : {}), CLAUDE_CODE_MAX_RETRIES: '0' },
    });
  await call(app!, 'agents.import', { agents: [shared('claude-a', 'a'), shared('claude-b', 'b')] });
  for (const id of ['a', 'b'] as const)
    await call(app!, 'plans.import', {
      plan: {
        plan_id: `lim-${id}`,
        workspace: 'app',
        tasks: [{ task_id: `lim-${id}`, description: `Write ${id}.txt.`, required_skills: [id] }],
      },
    });

  runs.a = (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'lim-a' })).run_id;
  let a: TaskRun | undefined;
  await waitFor(
    () => a !== undefined && (waiting(a) || a.status === 'failed'),
    240_000,
    async () => {
      a = await taskOf(runs.a, 'lim-a');
    },
  );
  // The second agent's task, once its account is limited: it waits without a model call.
  runs.b = (await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'lim-b' })).run_id;
  let b: TaskRun | undefined;
  await waitFor(
    () => b !== undefined && (waiting(b) || b.status !== 'ready'),
    60_000,
    async () => {
      b = await taskOf(runs.b, 'lim-b');
    },
  );

  // Closed during the wait, and opened again on the same data directory two seconds before the
  // reset (the clock moved on; the limit's timer is armed from what the store kept).
  await app!.close();
  app = undefined;
  seen.calls = { a: servers.calls('claude', 'a').length, b: servers.calls('claude', 'b').length };
  const until = quotaWaitUntil(a!.reason ?? null)!;
  offset = until - Date.now() - 2_000;
  open();
  seen.afterRestart = [await detailOf(runs.a), await detailOf(runs.b)];
  const done = async () =>
    (await taskOf(runs.a, 'lim-a')).status === 'done' && (await taskOf(runs.b, 'lim-b')).status === 'done';
  let finished = false;
  await waitFor(
    () => finished,
    240_000,
    async () => {
      finished = await done();
    },
  ).catch(async (err: unknown) => {
    const said = [await taskOf(runs.a, 'lim-a'), await taskOf(runs.b, 'lim-b')].map(
      (t) => `${t.task_id} ${t.status}: ${t.reason ?? ''} ${t.error ?? ''}`,
    );
    throw new Error(`${String(err)}\n${said.join('\n')}`);
  });
  seen.end = [await detailOf(runs.a), await detailOf(runs.b)];
}, 600_000);

afterAll(async () => {
  if (!installed) return;
  if (app) {
    await app.coding.worktreesSettled();
    expect(gitWorktrees(repo.repo)).toEqual([]);
    await app.close();
  }
  rmSync(dir, { recursive: true, force: true });
  repo?.cleanup();
  await servers?.close();
});

describe.skipIf(!installed)('two Claude Code agents on one account, and a restart during the wait', () => {
  it('the first waits for quota after its 429, the second waits without asking the model', () => {
    const [a, b] = seen.afterRestart!.map((d) => d.tasks[0]!);
    expect(a!.status).not.toBe('failed');
    expect(waiting(a!)).toBe(true);
    expect(waiting(b!)).toBe(true);
    expect(b!.reason).toContain('claude-b limited');
    // One 429 for the first; the second agent's task never reached its model before the reset.
    expect(seen.calls).toEqual({ a: 1, b: 0 });
  });

  it('a restart keeps both waiting, and the reset lets both finish their work', () => {
    const [a, b] = seen.end!.map((d) => d.tasks[0]!);
    expect(a).toMatchObject({ status: 'done', agent_id: 'claude-a' });
    expect(b).toMatchObject({ status: 'done', agent_id: 'claude-b' });
    // One 429 for a, then its session's work after the reset; b's model was first asked after it.
    const aCalls = servers.calls('claude', 'a');
    expect(aCalls.filter((c) => c.answer === 'fault:status')).toHaveLength(1);
    expect(aCalls.filter((c) => c.answer === 'turn').length).toBeGreaterThanOrEqual(2);
    expect(servers.phoneHome()).toEqual([]);
  });
});
