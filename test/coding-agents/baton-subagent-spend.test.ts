import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, TaskRun } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, gitWorktrees, installed, openBaton, startServers, waitFor } from './baton-kit.ts';

// A sub-agent's spend counts toward a daily cap. The real Claude Code, asked by its scripted model
// to hand a job to a sub-agent (its Agent tool): the sub-agent's own model calls go through
// Baton's metering endpoint like the main loop's, are stored as usage steps of the attempt, and
// count toward the agent's day. The main loop's calls stay under the cap; the sub-agent's passes
// it, so the attempt is stopped at its next model turn and its task waits for a person (a `budget`
// approval), as a cap passed mid-attempt does; the plan's next task does not start.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let detail: RunDetail;
let steps: StoredStep[];

const SUB_PROMPT = 'Count the files in this repository (sub-agent job 7f3a).';
/** The main loop's two calls: 2,000 tokens. The sub-agent's: 30,000. The cap: 20,000. */
const MAIN = { input: 900, output: 100 };
const SUB = { input: 29_000, output: 1_000 };
const CAP = 20_000;

const fromSubAgent = (req: ModelRequest) =>
  req.texts.some((t) => t.includes('sub-agent job 7f3a')) &&
  !req.texts.some((t) => t.includes('Task first:'));
const mainLoop = (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes('Task first:'));

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  servers.script('claude', [
    { name: 'sub', match: fromSubAgent, turns: [{ text: 'There is one file.', usage: SUB }] },
    {
      name: 'main',
      match: mainLoop,
      turns: [
        {
          text: 'Handing this to a sub-agent.',
          tools: [
            {
              name: 'Agent',
              input: { description: 'Count files', prompt: SUB_PROMPT, subagent_type: 'general-purpose' },
            },
          ],
          usage: MAIN,
        },
        { text: 'The sub-agent counted one file.', usage: MAIN },
      ],
    },
  ]);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', {
    agents: [codingAgent(servers, 'claude', { id: 'capped', skills: ['x'], daily_cap: { tokens: CAP } })],
  });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'sub',
      workspace: 'app',
      tasks: [
        { task_id: 'first', description: 'Count the files.', required_skills: ['x'] },
        { task_id: 'second', description: 'Then this.', required_skills: ['x'], depends_on: ['first'] },
      ],
    },
  });
  const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'sub' })).run_id;
  const taskOf = (id: string): TaskRun | undefined => detail?.tasks.find((t) => t.task_id === id);
  await waitFor(
    () => ['awaiting_approval', 'done', 'failed'].includes(taskOf('first')?.status ?? ''),
    300_000,
    async () => {
      detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    },
  ).catch((err: unknown) => {
    const said = detail?.tasks.map((t) => `${t.task_id} ${t.status}: ${t.reason ?? ''} ${t.error ?? ''}`);
    throw new Error(`${String(err)}\n${said?.join('\n')}`);
  });
  steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 'first' });
}, 360_000);

afterAll(async () => {
  if (!installed) return;
  if (detail) {
    await call(baton.app, 'runs.cancel', { run_id: detail.id, actor: 'tester' });
    await baton.app.engine.whenSettled(detail.id);
    await baton.app.coding.worktreesSettled();
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
  }
  await baton?.close();
  await servers?.close();
});

describe.skipIf(!installed)("a sub-agent's spend", () => {
  it("is metered as the attempt's usage, beside the main loop's", () => {
    expect(servers.calls('claude', 'sub').length).toBeGreaterThanOrEqual(1);
    const usage = steps.filter((s) => s.kind === 'usage');
    const tokens = usage.map((s) => (s.kind === 'usage' ? s.input_tokens + s.output_tokens : 0));
    expect(tokens).toContain(SUB.input + SUB.output);
    expect(tokens).toContain(MAIN.input + MAIN.output);
  });

  it("counts toward the agent's daily cap: the attempt is stopped, its task waits for a person", () => {
    const first = detail.tasks.find((t) => t.task_id === 'first')!;
    expect(first.status).toBe('awaiting_approval');
    const used = /^budget: agent capped used ([\d,]+) of its 20,000 tokens a day; resets at 00:00$/.exec(
      first.reason ?? '',
    );
    expect(used, first.reason ?? '').not.toBeNull();
    // The sub-agent's call is in the day's total (the main loop's alone is 2,000 at most).
    expect(Number(used![1]!.replaceAll(',', ''))).toBeGreaterThanOrEqual(
      SUB.input + SUB.output + MAIN.input + MAIN.output,
    );
    expect(detail.tasks.find((t) => t.task_id === 'second')?.status).toBe('blocked');
    expect(servers.phoneHome()).toEqual([]);
  });
});
