import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localServers } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StepOf } from '../../src-shared/schemas/step.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import {
  call,
  detail,
  oneTask,
  openApp,
  removeAll,
  startRun,
  stepsOf,
  tempDir,
  toolAgent,
} from './loop-kit.ts';

// The tool loop's processes in the OS sandbox: `run_command` and a stdio MCP server, each told by
// a scripted model (on 127.0.0.1, outside the sandbox: Baton calls it) to write outside its
// folder, read ~/.ssh/id_ed25519 (HOME is a temporary folder here) and fetch a local server the
// agent does not list. All three are refused and are steps of the attempt, counted on it; the
// process's own file lands in the attempt's folder, nothing outside changes, and the server the
// agent lists answers.

const TRESPASS = join(import.meta.dirname, '..', '..', 'src-main', 'sandbox', 'testing', 'trespass.mjs');
const SERVER = join(import.meta.dirname, 'servers', 'trespass-server.ts');

let app: BatonApp | null = null;
let model: ModelServer | null = null;
const dirs: string[] = [];
const servers = localServers();
const home = { before: process.env.HOME };
let root = '';
let data = '';
beforeEach(() => {
  root = tempDir('baton-sandbox-tools-', dirs);
  process.env.HOME = join(root, 'home');
  mkdirSync(join(root, 'home', '.ssh'), { recursive: true });
  writeFileSync(join(root, 'home', '.ssh', 'id_ed25519'), 'FAKE PRIVATE KEY\n');
});
afterEach(async () => {
  process.env.HOME = home.before;
  await app?.close();
  app = null;
  await model?.close();
  model = null;
  await removeAll(dirs);
});

/** The two local servers, what the tries are given, and what the agent's sandbox lists. */
async function scene() {
  const listed = await servers((_req, res) => {
    res.end('hello from the listed server');
  });
  const unlisted = await servers((_req, res) => {
    res.end('you should not see this');
  });
  const tries = {
    mine: 'mine.txt',
    outside: join(root, 'outside.txt'),
    secret: join(root, 'home', '.ssh', 'id_ed25519'),
    blocked: `${unlisted.url}/x`,
    allowed: `${listed.url}/y`,
  };
  const expected = (process: string) =>
    [
      ['network', `sandbox: connection to ${unlisted.url.replace('http://', '')} blocked`, process],
      ['read', `sandbox: read of a hidden path refused: ${tries.secret}`, process],
      ['write', `sandbox: write outside the folder refused: ${tries.outside}`, process],
    ].sort();
  return {
    listed,
    unlisted,
    tries,
    expected,
    sandbox: { network: { allow: [listed.url.replace('http://', '')] } },
  };
}

/** One task: the model makes one tool call, then answers. */
async function runOne(agentExtra: Record<string, unknown>, tool: string, input: unknown) {
  model = await startChatServer({
    conversations: [
      {
        name: 'c',
        match: () => true,
        turns: [{ tools: [{ name: tool, input: input as Record<string, unknown> }] }, { text: 'done' }],
      },
    ],
  });
  data = tempDir('baton-sandbox-data-', dirs);
  app = openApp(data);
  const run = await startRun(
    app,
    toolAgent(model.url, { tool_policy: [{ tools: '*', policy: 'allow' }], ...agentExtra }),
    oneTask(),
  );
  await app.engine.whenSettled(run);
  return run;
}

function refusals(run: string) {
  return stepsOf(app!, run)
    .filter(
      (s): s is StepOf<'sandbox'> & { attempt: number; run_id: string; task_id: string } =>
        s.kind === 'sandbox',
    )
    .map((s) => [s.blocked, s.text, s.process])
    .sort();
}

async function checkTheRest(run: string, s: Awaited<ReturnType<typeof scene>>, toolOutput: string) {
  expect((await detail(app!, run)).tasks[0]).toMatchObject({ status: 'done' });
  expect(JSON.parse(/\{"mine".*\}/.exec(toolOutput)![0])).toMatchObject({
    mine: 'ok',
    outside: expect.stringMatching(/^failed: EROFS/),
    secret: expect.stringMatching(/^failed: ENOENT/),
    blocked: expect.stringMatching(/^failed: /),
    allowed: 'ok hello from the listed server',
  });
  const attempts = await call<TaskAttempt[]>(app!, 'runs.taskAttempts', { run_id: run, task_id: 't' });
  expect(attempts.map((a) => a.sandbox_blocked)).toEqual([3]);
  expect(readFileSync(join(data, 'workspaces', run, 't', '1', 'mine.txt'), 'utf8')).toBe('my own work\n');
  expect(existsSync(s.tries.outside)).toBe(false);
  expect(readdirSync(join(root, 'home', '.ssh'))).toEqual(['id_ed25519']);
  expect(s.unlisted.requests).toEqual([]);
  expect(s.listed.requests.map((q) => q.url)).toEqual(['/y']);
}

describe.runIf(process.platform === 'linux')("the tool loop's processes in the OS sandbox", () => {
  it('run_command: the three refusals are steps after its call, the model is told, its own file lands', async () => {
    const s = await scene();
    const args = Object.entries(s.tries).flatMap(([k, v]) => [`--${k}`, v]);
    const run = await runOne(
      { tools: [{ kind: 'workspace', commands: [process.execPath] }], sandbox: s.sandbox },
      'workspace__run_command',
      { command: process.execPath, args: [TRESPASS, ...args] },
    );
    const process_ = `run_command ${process.execPath}`;
    expect(refusals(run)).toEqual(s.expected(process_));
    const call_ = stepsOf(app!, run).find((x) => x.kind === 'tool_call') as StepOf<'tool_call'>;
    await checkTheRest(run, s, call_.output ?? '');
    // Each refusal comes after the call's own step, and the model read them in its next request.
    const seqs = stepsOf(app!, run)
      .filter((x) => x.kind === 'sandbox')
      .map((x) => x.seq);
    expect(Math.min(...seqs)).toBeGreaterThan(call_.seq);
    expect(model!.modelCalls('c')[1]!.request!.texts.join('\n')).toContain(
      `[sandbox: write outside the folder refused: ${s.tries.outside}]`,
    );
  });

  it.skipIf(!fixtureInstalled('mcp'))(
    'a stdio MCP server: the three refusals are steps after its call',
    async () => {
      const s = await scene();
      const run = await runOne(
        {
          tools: [{ kind: 'mcp_stdio', name: 'intruder', command: process.execPath, args: [SERVER] }],
          sandbox: s.sandbox,
        },
        'intruder__trespass',
        s.tries,
      );
      expect(refusals(run)).toEqual(s.expected('MCP server intruder'));
      const call_ = stepsOf(app!, run).find((x) => x.kind === 'tool_call') as StepOf<'tool_call'>;
      await checkTheRest(run, s, call_.output ?? '');
    },
  );
});
