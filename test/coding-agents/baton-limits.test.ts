import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import { quotaWaitUntil } from '../../src-shared/schemas/plain/usage-limit.ts';
import type { RunDetail, TaskRun } from '../../src-shared/schemas/run.ts';
import type { AgentLimit } from '../../src-shared/schemas/usage-limit.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  openBaton,
  startServers,
  waitFor,
  writeTurn,
} from './baton-kit.ts';

// The real Claude Code and Codex told by their model servers that the account ran out, with the
// vendors' real 429s: Anthropic's `rate_limit_error` body with `retry-after`, and the body
// Codex's backend answers a ChatGPT plan out of quota with (`usage_limit_reached`, its reset as
// `resets_at` and `resets_in_seconds`: earendil-works/pi#4172). Each task ends waiting for quota,
// not failed; with `fail_over`, a Codex agent takes the Claude agent's task.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let runId: string;
let detail: RunDetail;
let limits: { limit: AgentLimit; agent_ids: string[] }[];
let startedAt: number;

const RESETS_IN_S = 7_200;

/** A coding agent's environment, to add to. */
const envOf = (agent: AgentInput) => ('env' in agent ? agent.env : {});

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  const anthropic429 = {
    fault: {
      kind: 'status' as const,
      status: 429,
      headers: { 'retry-after': '3600' },
      message: 'Number of request tokens has exceeded your per-minute rate limit',
    },
  };
  servers.script('claude', [
    { name: 'wait', match: asks('claude-wait'), turns: [anthropic429] },
    { name: 'failover', match: asks('failover'), turns: [anthropic429] },
  ]);
  startedAt = Date.now();
  const resetsAt = Math.floor(startedAt / 1000) + RESETS_IN_S;
  servers.script('codex', [
    {
      name: 'wait',
      match: asks('codex-wait'),
      turns: [
        {
          fault: {
            kind: 'status',
            status: 429,
            body: {
              error: {
                type: 'usage_limit_reached',
                message: 'The usage limit has been reached',
                plan_type: 'plus',
                resets_at: resetsAt,
                eligible_promo: null,
                resets_in_seconds: RESETS_IN_S,
              },
            },
          },
        },
      ],
    },
    {
      name: 'failover',
      match: asks('failover'),
      turns: [writeTurn('codex', 'failover.txt', 'taken over\n'), { text: 'Done.' }],
    },
  ]);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', {
    agents: [
      // claude retries a 429 ten times over about three minutes by itself: once here.
      codingAgent(servers, 'claude', {
        id: 'claude-lim',
        skills: ['claude-wait', 'shared'],
        cost_per_task: 0,
        env: { ...envOf(codingAgent(servers, 'claude')), CLAUDE_CODE_MAX_RETRIES: '0' },
      }),
      codingAgent(servers, 'codex', { id: 'codex-lim', skills: ['codex-wait'] }),
      // Scores lower (costs more, and 'shared' is less of what it does): the shared task goes to claude first.
      codingAgent(servers, 'codex', {
        id: 'codex-ok',
        skills: ['shared', 'docs', 'tests', 'review'],
        cost_per_task: 5,
      }),
    ],
  });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'limits',
      workspace: 'app',
      tasks: [
        { task_id: 'claude-wait', description: 'Do the waiting thing.', required_skills: ['claude-wait'] },
        { task_id: 'codex-wait', description: 'Do the waiting thing.', required_skills: ['codex-wait'] },
        {
          task_id: 'failover',
          description: 'Write failover.txt.',
          required_skills: ['shared'],
          on_limit: 'fail_over',
        },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'limits' })).run_id;
  const get = async () => {
    detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
  };
  const waiting = (id: string) => quotaWaitUntil(taskOf(id).reason ?? null) !== null;
  await waitFor(
    () => waiting('claude-wait') && waiting('codex-wait') && taskOf('failover').status === 'done',
    300_000,
    get,
  ).catch((err: unknown) => {
    // What each task came to, to say why it did not get there.
    const said = detail.tasks.map((t) => `${t.task_id} ${t.status}: ${t.reason ?? ''} ${t.error ?? ''}`);
    throw new Error(`${String(err)}\n${said.join('\n')}`);
  });
  limits = await call(app, 'agents.limits', {});
}, 360_000);

afterAll(async () => {
  if (!installed) return;
  if (runId) {
    await call(baton.app, 'runs.cancel', { run_id: runId, actor: 'tester' });
    await baton.app.engine.whenSettled(runId);
    await baton.app.coding.worktreesSettled();
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
  }
  await baton?.close();
  await servers?.close();
});

const taskOf = (id: string): TaskRun => detail.tasks.find((t) => t.task_id === id)!;

describe.skipIf(!installed)('a coding CLI whose account ran out', () => {
  it('Claude Code on a 429: the task waits for quota (not failed), its agent limited', () => {
    const t = taskOf('claude-wait');
    expect(t.status).not.toBe('failed');
    expect(t.reason).toMatch(/^Waiting for quota until \S+Z: /);
    const claude = limits.find((l) => l.limit.account === 'agent:claude-lim');
    expect(claude).toMatchObject({ agent_ids: ['claude-lim'], limit: { agent_id: 'claude-lim' } });
    expect(claude?.limit.message).toMatch(/429/);
    expect(servers.calls('claude', 'wait').length).toBeGreaterThan(0);
  });

  it("Codex on its plan's usage limit: waits until the reset its backend said", () => {
    const t = taskOf('codex-wait');
    expect(t.status).not.toBe('failed');
    const until = quotaWaitUntil(t.reason ?? null)!;
    // The reset is the server's `resets_at` (whole seconds), not Baton's 30-minute guess.
    expect(Math.abs(until - (Math.floor(startedAt / 1000) + RESETS_IN_S) * 1000)).toBeLessThan(
      RESETS_IN_S * 1000 * 0.1,
    );
    const codex = limits.find((l) => l.limit.account === 'agent:codex-lim');
    expect(codex).toMatchObject({ agent_ids: ['codex-lim'], limit: { reset_known: true } });
  });

  it('fail_over: the Claude agent limited, a Codex agent takes the task and does it', () => {
    const t = taskOf('failover');
    expect(t).toMatchObject({ status: 'done', agent_id: 'codex-ok' });
    expect(t.match?.rejected).toContainEqual({
      agent_id: 'claude-lim',
      reason: expect.stringMatching(/^limited until \S+Z/),
    });
    expect(servers.calls('claude', 'failover').length).toBeGreaterThan(0);
    expect(servers.phoneHome()).toEqual([]);
  });
});
