import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../../src-main/agents/coding/streams/prices.ts';
import type { RunDetail, TaskLogLine } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import type { ModelRequest, ModelServer, Turn, Usage } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, worktreeOf } from './baton-kit.ts';

// Gemini CLI over ACP with a provider, behind Baton's metering endpoint like every other CLI: each
// of its model calls (`streamGenerateContent`, and the side calls it makes with
// `generateContent`) is read for its `usageMetadata` and priced; its `max_cost_usd` refuses the
// call after the one that reached the cap, and the attempt ends saying what it spent, which is
// what it is charged. It holds its attempt's token in GEMINI_API_KEY, never the provider's key,
// which the server requires.

const KEY = 'AIza-live-gemini-2c4e6a8b0d1f3579';
const MODEL = 'scripted-gemini';
const PRICE = { input_per_mtok: 100, output_per_mtok: 1_000 };
/** Each scripted answer costs $2 at PRICE. */
const EXPENSIVE: Usage = { input: 10_000, output: 1_000 };
const CAP = 5;
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);

describe.skipIf(!installed)('Gemini CLI behind the metering endpoint', () => {
  let servers: Servers;
  let gemini: ModelServer;
  let baton: ReturnType<typeof openBaton>;
  let run: RunDetail;

  beforeAll(async () => {
    servers = await startServers();
    gemini = await startGeminiServer({ apiKey: KEY });
    baton = openBaton();
    const { app } = baton;
    // Ten turns, each a tool call: its own shell writes its environment, then a file a turn.
    const write = (i: number): Turn => ({
      text: `Writing step-${i}.txt.`,
      tools: [
        {
          name: 'write_file',
          input: (req: ModelRequest) => ({
            file_path: join(worktreeOf(req), `step-${i}.txt`),
            content: `step ${i}\n`,
          }),
        },
      ],
      usage: EXPENSIVE,
    });
    gemini.script([
      {
        name: 'loop',
        turns: [
          {
            tools: [{ name: 'run_shell_command', input: { command: 'env > gemini-env.txt' } }],
            usage: EXPENSIVE,
          },
          ...Array.from({ length: 9 }, (_, i) => write(i + 1)),
        ],
      },
    ]);
    await call(app, 'secrets.set', { name: 'gemini.key', value: KEY });
    await call(app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
    await call(app, 'agents.import', {
      agents: [
        {
          ...codingAgent(servers, 'qwen'),
          id: 'gemini-capped',
          name: 'gemini capped',
          cli: 'gemini',
          protocol: 'acp',
          skills: ['gemini'],
          executable: bin('gemini'),
          model: MODEL,
          provider: { base_url: gemini.url, api_key_secret: 'gemini.key' },
          prices: { [MODEL]: PRICE },
          max_cost_usd: CAP,
        },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'gemini-capped',
        workspace: 'app',
        tasks: [{ task_id: 'loop', description: 'Keep writing files.', required_skills: ['gemini'] }],
      },
    });
    const id = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'gemini-capped' })).run_id;
    await app.engine.whenSettled(id);
    await app.coding.worktreesSettled();
    run = await call<RunDetail>(app, 'runs.get', { run_id: id });
  }, 240_000);

  afterAll(async () => {
    await baton?.close();
    await gemini?.close();
    await servers?.close();
  });

  /** What the server billed: each answered model call's usage at PRICE (a side call's is the server's default). */
  const billed = () =>
    gemini.requests
      .filter((r) => r.answer === 'turn' || r.answer === 'side')
      .reduce((sum, r) => {
        const u = r.answer === 'turn' ? EXPENSIVE : { input: 100, output: 20 };
        return (
          sum + costOf(PRICE, { input_tokens: u.input, output_tokens: u.output, cached_input_tokens: 0 })
        );
      }, 0);

  it('each model call is metered and priced; max_cost_usd refuses the call after the one that reached it', async () => {
    const t = run.tasks[0]!;
    // $2 a turn: the third reaches $5 (with the side calls, past it), the fourth is refused.
    expect(gemini.modelCalls('loop')).toHaveLength(3);
    const spent = billed();
    expect(spent).toBeGreaterThanOrEqual(6);
    expect(t.status).toBe('failed');
    expect(t.error).toBe(`budget exceeded: spent $${spent.toFixed(2)} of $${CAP.toFixed(2)}`);
    expect(t.cost).toBeCloseTo(spent, 9);
    const steps = await call<StoredStep[]>(baton.app, 'runs.steps', { run_id: run.id, task_id: 'loop' });
    const usage = steps.filter((s) => s.kind === 'usage');
    expect(usage.map((s) => (s.kind === 'usage' ? s.cost_source : null))).toEqual(usage.map(() => 'priced'));
    expect(usage.reduce((sum, s) => sum + (s.kind === 'usage' ? (s.cost_usd ?? 0) : 0), 0)).toBeCloseTo(
      spent,
      9,
    );
    const logs = await call<TaskLogLine[]>(baton.app, 'runs.taskLogs', { run_id: run.id, task_id: 'loop' });
    expect(logs.map((l) => l.text).join('\n')).toContain('model calls metered by Baton on their way to');
  });

  it('holds its attempt’s token in GEMINI_API_KEY, never the key; the server got the key', () => {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const env = git('show', `baton/${run.id}/loop:gemini-env.txt`);
    expect(env).toMatch(/^GEMINI_API_KEY=.{20,}$/m);
    expect(env).not.toContain(KEY);
    expect(gemini.requests.filter((r) => r.answer === 'unauthorized')).toEqual([]);
    expect(gemini.requests.every((r) => r.headers['x-goog-api-key'] === KEY)).toBe(true);
    expect(git('log', '-p', '--all')).not.toContain(KEY);
  });
});
