import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../../src-main/agents/coding/streams/prices.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskLogLine, TaskRun } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { RecordedRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { CLI_NAMES, codingAgent, installed, openBaton, startServers, writeTurn } from './baton-kit.ts';
import type { CliName } from './clis.ts';
import { CLIS } from './clis.ts';

// Money with the real CLIs: every model call goes through Baton's metering endpoint. Against a
// scripted server whose every answer is expensive and asks for one more tool call, for each CLI at
// once: an agent with max_cost_usd stops at its cap, and a plan budget passed mid-attempt stops the
// attempt at its next model turn (its task then waits for a person). In both, the server sees no
// model call after the one that reached the limit, and what Baton records is what the server's
// usage costs. The provider's key is a secret the CLIs never hold: each holds its attempt's own
// token in the key's place (its first turn writes its whole environment into its worktree, kept on
// its branch), and the servers take only the real key, which Baton's endpoint sends in its place.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;

/** USD per million tokens for every scripted model here: each answer below costs $2. */
const PRICE = { input_per_mtok: 100, output_per_mtok: 1_000 };
const EXPENSIVE = { input: 10_000, output: 1_000 };
/** What a scripted server reports for a request no conversation takes (opencode's title). */
const SIDE = { input: 100, output: 20 };
const CAP = 5;
const BUDGET = 5;
/** Ten turns, each a tool call: a CLI nothing stops makes ten calls. */
const LOOP = 10;
/** The provider's key (a secret of Baton's): the servers answer nothing else. */
const KEY = 'sk-live-metered-5b7e0d13c9a2f468';
/** Where each CLI holds the key it was given (in its environment, or its config in it). */
const KEY_VARS: Record<CliName, string> = {
  claude: 'ANTHROPIC_API_KEY',
  codex: 'CODEX_PROVIDER_API_KEY',
  opencode: 'OPENCODE_CONFIG_CONTENT',
  qwen: 'OPENAI_API_KEY',
};

let capRun: RunDetail;
const budgetRuns = new Map<CliName, { id: string; approval: ApprovalView; detail: RunDetail }>();

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

/** The requests of one CLI's task: its conversation, and the side requests of the same model made meanwhile. */
function requestsOf(cli: CliName, conversation: string): RecordedRequest[] {
  const calls = servers.calls(cli, conversation);
  const first = calls[0]?.at ?? Number.POSITIVE_INFINITY;
  const last = calls.at(-1)?.at ?? first;
  const sides = servers
    .serverOf(cli)
    .requests.filter(
      (r) =>
        r.answer === 'side' &&
        r.request?.model.endsWith(CLIS[cli].model) &&
        r.at >= first - 60_000 &&
        r.at <= last &&
        r.request.texts.some((t) => t.includes(`${cli}-${conversation}`)),
    );
  return [...sides, ...calls];
}

/** What the server's answers to these requests cost at PRICE. */
function priced(requests: RecordedRequest[]): number {
  let usd = 0;
  for (const r of requests) {
    const u = r.answer === 'side' ? SIDE : EXPENSIVE;
    usd += costOf(PRICE, { input_tokens: u.input, output_tokens: u.output, cached_input_tokens: 0 });
  }
  return usd;
}

const steps = (runId: string, taskId: string) =>
  call<StoredStep[]>(baton.app, 'runs.steps', { run_id: runId, task_id: taskId });
const usageOf = (s: StoredStep[]) =>
  s
    .filter((x) => x.kind === 'usage')
    .reduce((sum, x) => sum + (x.kind === 'usage' ? (x.cost_usd ?? 0) : 0), 0);

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers({ apiKey: KEY });
  baton = openBaton();
  const { app, repo } = baton;
  await call(app, 'secrets.set', { name: 'provider.key', value: KEY });
  for (const cli of only) {
    // The first turn writes the CLI's environment into its worktree with its own shell tool.
    const loop = (task: string) =>
      Array.from({ length: LOOP }, (_, i) => ({
        ...(i === 0
          ? CLIS[cli].shellTurn(`env > ${cli}-env.txt`)
          : writeTurn(cli, `${cli}/${task}-${i}.txt`, `step ${i}\n`)),
        usage: EXPENSIVE,
      }));
    servers.script(cli, [
      { name: 'capped', match: asks(`${cli}-capped`), turns: loop('capped') },
      { name: 'budget', match: asks(`${cli}-budget`), turns: loop('budget') },
    ]);
  }
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  const prices = (cli: CliName) => ({ [CLIS[cli].model]: PRICE });
  const keyed = (cli: CliName) => ({
    provider: {
      base_url:
        CLIS[cli].wire === 'anthropic' ? servers.serverOf(cli).url : `${servers.serverOf(cli).url}/v1`,
      api_key_secret: 'provider.key',
    },
  });
  await call(app, 'agents.import', {
    agents: only.flatMap((cli) => [
      codingAgent(servers, cli, {
        id: `${cli}-capped`,
        skills: [`${cli}-capped`],
        prices: prices(cli),
        max_cost_usd: CAP,
        ...keyed(cli),
      }),
      codingAgent(servers, cli, {
        id: `${cli}-budget`,
        skills: [`${cli}-budget`],
        prices: prices(cli),
        ...keyed(cli),
      }),
    ]),
  });
  const task = (cli: CliName, what: string) => ({
    task_id: `${cli}-${what}`,
    description: `Keep writing files for ${cli}-${what}.`,
    required_skills: [`${cli}-${what}`],
  });
  await call(app, 'plans.import', {
    plan: { plan_id: 'capped', workspace: 'app', tasks: only.map((cli) => task(cli, 'capped')) },
  });
  for (const cli of only)
    await call(app, 'plans.import', {
      plan: { plan_id: `budget-${cli}`, workspace: 'app', budget: BUDGET, tasks: [task(cli, 'budget')] },
    });
  const capId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'capped' })).run_id;
  const budgetIds = new Map<CliName, string>();
  for (const cli of only)
    budgetIds.set(
      cli,
      (await call<{ run_id: string }>(app, 'runs.start', { plan_id: `budget-${cli}` })).run_id,
    );

  await app.engine.whenSettled(capId);
  capRun = await call<RunDetail>(app, 'runs.get', { run_id: capId });
  // Each budget run's task waits for a person once the budget stopped its attempt.
  await eventually(
    async () =>
      (await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' })).length === only.length,
    240_000,
    'a budget approval per CLI',
  );
  const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
  for (const cli of only) {
    const id = budgetIds.get(cli)!;
    const approval = pending.find((a) => a.run_id === id)!;
    budgetRuns.set(cli, { id, approval, detail: await call<RunDetail>(app, 'runs.get', { run_id: id }) });
  }
  // Refused: the runs end.
  for (const { id, approval } of budgetRuns.values()) {
    await call(app, 'approvals.decide', { approval_id: approval.id, decision: 'reject', actor: 'tester' });
    await app.engine.whenSettled(id);
  }
  await app.coding.worktreesSettled();
}, 300_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
});

const taskOf = (detail: RunDetail, id: string): TaskRun => detail.tasks.find((t) => t.task_id === id)!;
const usd = (n: number) => `$${n.toFixed(2)}`;

describe.skipIf(!installed).each(only)('%s behind the metering endpoint', (cli) => {
  it('max_cost_usd: the next model call is refused once the cap is spent; the spend is exactly what the server billed', async () => {
    const t = taskOf(capRun, `${cli}-capped`);
    // $2 a call: the third reaches $5, the fourth is refused and never reaches the server.
    expect(servers.calls(cli, 'capped')).toHaveLength(3);
    const billed = priced(requestsOf(cli, 'capped'));
    expect(t.status).toBe('failed');
    expect(t.error).toBe(`budget exceeded: spent ${usd(billed)} of ${usd(CAP)}`);
    expect(t.cost).toBeCloseTo(billed, 9);
    const trace = await steps(capRun.id, t.task_id);
    expect(usageOf(trace)).toBeCloseTo(billed, 9);
    expect(trace.filter((s) => s.kind === 'usage' && s.cost_source !== 'priced')).toEqual([]);
    const logs = await call<TaskLogLine[]>(baton.app, 'runs.taskLogs', {
      run_id: capRun.id,
      task_id: t.task_id,
    });
    expect(logs.map((l) => l.text)).toContain(
      `Baton refused ${cli}'s next model call: budget exceeded: spent ${usd(billed)} of ${usd(CAP)}`,
    );
  });

  it('a plan budget passed mid-attempt stops it at its next model turn; the task waits for approval', async () => {
    const { id, approval, detail } = budgetRuns.get(cli)!;
    const t = taskOf(detail, `${cli}-budget`);
    expect(servers.calls(cli, 'budget')).toHaveLength(3);
    const billed = priced(requestsOf(cli, 'budget'));
    expect(t.status).toBe('awaiting_approval');
    expect(t.cost).toBeCloseTo(billed, 9);
    expect(usageOf(await steps(id, t.task_id))).toBeCloseTo(billed, 9);
    expect(approval).toMatchObject({ kind: 'budget', task_id: t.task_id });
    expect(approval.reason).toMatch(
      /^the plan budget of 5 for this run is used up \(spent 6(\.\d+)?: 0 charged, 6(\.\d+)? by attempts still running\)$/,
    );
    const attempts = await call<{ outcome: string; error: string }[]>(baton.app, 'runs.taskAttempts', {
      run_id: id,
      task_id: t.task_id,
    });
    expect(attempts[0]).toMatchObject({
      outcome: 'failed',
      error: `${approval.reason}; this attempt spent ${usd(billed)}`,
    });
  });
});

describe.skipIf(!installed).each(only)('%s never holds the provider’s key', (cli) => {
  it('its environment holds its attempt’s token in the key’s place; the server got the real key; no commit holds it', () => {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const env = git('show', `baton/${capRun.id}/${cli}-capped:${cli}-env.txt`);
    const held = env.split('\n').find((l) => l.startsWith(`${KEY_VARS[cli]}=`));
    expect(held).toBeDefined();
    expect(env).not.toContain(KEY);
    // Every request reached the server with the real key (it answers nothing else).
    const requests = servers.serverOf(cli).requests.filter((r) => r.request?.model.endsWith(CLIS[cli].model));
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.answer === 'unauthorized')).toEqual([]);
    expect(git('log', '-p', '--all')).not.toContain(KEY);
  });
});
