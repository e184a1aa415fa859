import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { openWorkspaceTools } from '../../src-main/agents/llm/tools/workspace-tools.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { BATON_ROOT } from '../../src-main/processes/user-env.ts';
import { sandboxStatus } from '../../src-main/sandbox/index.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

// Baton started as `npm start` starts it: npm put Baton's node_modules/.bin (its own Node 24)
// first on PATH, and its lifecycle variables in the environment. What Baton starts for an agent
// (a workspace's setup command, a coding CLI, a check, a command agent, the tool loop's
// run_command, in the app and on a `baton worker`) gets the person's PATH, where `node` is the person's Node, none of npm's
// variables, and npm's update check turned off: `npm test` as a check is refused nothing.

const available = process.platform === 'linux' && (await sandboxStatus()).available;
/** The person's PATH: their Node is the one in /usr/bin or /usr/local/bin. */
const USER_PATH = '/usr/local/bin:/usr/bin:/bin';
const nodeOn = (path: string) =>
  execFileSync('node', ['--version'], { env: { PATH: path }, encoding: 'utf8' }).trim();

/** PATH as npm makes it for Baton's `npm start`: each node_modules/.bin from Baton's folder up, npm's node-gyp-bin, then the person's. */
function npmStartPath(): string {
  const bins: string[] = [];
  for (let d = BATON_ROOT; ; d = dirname(d)) {
    bins.push(join(d, 'node_modules', '.bin'));
    if (dirname(d) === d) break;
  }
  return [
    ...bins,
    '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
    USER_PATH,
  ].join(':');
}

const NPM_START: NodeJS.ProcessEnv = {
  PATH: npmStartPath(),
  npm_lifecycle_event: 'start',
  npm_lifecycle_script: 'node src-main/cli/baton.ts start',
  npm_package_json: join(BATON_ROOT, 'package.json'),
  npm_config_user_agent: 'npm/10.9.0 node/v24.21.0 linux x64',
  npm_node_execpath: join(BATON_ROOT, 'node_modules', 'node', 'bin', 'node'),
  NODE: join(BATON_ROOT, 'node_modules', 'node', 'bin', 'node'),
  INIT_CWD: BATON_ROOT,
};

/** What a program prints of its environment: its `node`, and npm's variables and Baton's settings for npm. */
const REPORT = `node --version; env | grep -E '^(npm_|NPM_CONFIG_|NO_UPDATE_NOTIFIER=|INIT_CWD=|NODE=)'; true`;
const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

let userNode = '';
let expected: string[] = [];
const saved = { ...process.env };
const dirs: string[] = [];
const cleanups: (() => void)[] = [];

beforeAll(() => {
  userNode = nodeOn(USER_PATH);
  // Meaningful only where Baton's Node differs from the person's.
  expect(nodeOn(npmStartPath())).not.toBe(userNode);
  expected = [
    userNode,
    ...['NO_UPDATE_NOTIFIER=1', 'NPM_CONFIG_FUND=false', 'NPM_CONFIG_UPDATE_NOTIFIER=false'].sort(),
  ];
  // This process is Baton as `npm start` started it.
  for (const k of Object.keys(process.env)) if (k.startsWith('npm_')) delete process.env[k];
  Object.assign(process.env, NPM_START);
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  for (const d of dirs) await removeDir(d);
  for (const c of cleanups) c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'baton-user-env-'));
  dirs.push(d);
  return d;
}

/** The report a program printed, its first line (its Node) first, the rest sorted. */
const report = (text: string) => {
  const [node, ...rest] = lines(text);
  return [node, ...rest.sort()];
};

describe.runIf(available)("what Baton starts for an agent gets the person's environment", () => {
  let app: BatonApp | undefined;
  afterAll(async () => {
    await app?.close();
  });

  it('a setup command, a coding CLI, its checks (`npm test` too) and a command agent, in the app', async () => {
    const dir = tempDir();
    const repo = makeRepo({
      'README.md': 'hello\n',
      'package.json': JSON.stringify({
        name: 'p',
        version: '1.0.0',
        private: true,
        scripts: { test: `node -e "console.log('ok 1 - runs')"` },
      }),
    });
    cleanups.push(repo.cleanup);
    // npm makes its cache folder on every run: where it is there already, that refuses nothing.
    expect(existsSync(join(homedir(), '.npm'))).toBe(true);
    const cli = join(dir, 'codex');
    writeFileSync(
      cli,
      [
        '#!/bin/sh',
        `echo '{"type":"thread.started","thread_id":"t-1"}'`,
        `{ ${REPORT}; } > cli-env.txt`,
        `echo '{"type":"item.completed","item":{"id":"i0","type":"agent_message","text":"Reported."}}'`,
        `echo '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}'`,
        '',
      ].join('\n'),
    );
    chmodSync(cli, 0o755);
    app = createApp({ dataDir: join(dir, 'data'), log: () => {} });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      setup_command: ['sh', '-c', `{ ${REPORT}; } > setup-env.txt`],
      checks: [
        { name: 'env', command: ['sh', '-c', REPORT] },
        { name: 'npm', command: ['npm', 'test'] },
      ],
    });
    await call(app, 'agents.import', {
      agents: [
        { id: 'coder', kind: 'coding', cli: 'codex', executable: cli, skills: ['code'] },
        { id: 'cmd', kind: 'command', command: 'sh', args: ['-c', REPORT], skills: ['env'] },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          { task_id: 'code', description: 'report', required_skills: ['code'] },
          { task_id: 'command', description: 'report', required_skills: ['env'] },
        ],
      },
    });
    const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const code = app.store.runs.task(run, 'code')!;
    expect(code.status).toBe('done');
    const out = code.output as CodingOutput;
    expect(report(repo.git(['show', `${out.branch}:setup-env.txt`]))).toEqual(expected);
    expect(report(repo.git(['show', `${out.branch}:cli-env.txt`]))).toEqual(expected);
    const env = out.checks?.find((c) => c.name === 'env');
    expect(report(env?.output_tail ?? '')).toEqual(expected);
    expect(out.checks?.find((c) => c.name === 'npm')).toMatchObject({
      status: 'passed',
      tests: { passed: 1 },
    });
    // Nothing was refused: npm's update check (a connection, a write in ~/.npm) was not made.
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 'code' });
    expect(steps.filter((s) => s.kind === 'sandbox')).toEqual([]);
    const command = app.store.runs.task(run, 'command')!;
    expect(command.status).toBe('done');
    expect(report((command.output as { stdout_tail: string }).stdout_tail)).toEqual(expected);
  });

  it("the tool loop's run_command", async () => {
    const dir = tempDir();
    const tools = openWorkspaceTools({ kind: 'workspace', name: 'workspace', commands: ['sh'] }, dir);
    const ran = await tools.call(
      'run_command',
      { command: 'sh', args: ['-c', REPORT] },
      new AbortController().signal,
    );
    expect(ran.ok).toBe(true);
    expect(report(ran.text.replace('[exit code 0]', ''))).toEqual(expected);
  });

  it('a command agent on a `baton worker` started as `npm start` starts it', async () => {
    const dir = tempDir();
    const token = 'user-environment-worker-token-0123456789ab';
    const server = createApp({ dataDir: join(dir, 'server'), log: () => {} });
    const host = await startBrowserHost({
      dispatch: server.dispatch,
      bus: server.bus,
      rendererDir: dir,
      port: 0,
      token,
      routes: createRestHandler(server.dispatch),
    });
    const agent = { id: 'reporter', kind: 'command', skills: ['env'], command: 'sh', args: ['-c', REPORT] };
    // The worker starts as this process is: Baton as npm start started it.
    const worker = startWorker(host.url, token, 'w1', [agent], dir);
    try {
      await eventually(
        async () => (await call<Agent[]>(server, 'agents.list', {})).some((a) => a.id === 'reporter'),
        20_000,
        'the worker to register',
      );
      await call(server, 'plans.import', {
        plan: { plan_id: 'w', tasks: [{ task_id: 't', description: 'report', required_skills: ['env'] }] },
      });
      const { run } = await call<{ run: RunDetail }>(server, 'runs.start', { plan_id: 'w' });
      await eventually(
        async () => (await call<RunDetail>(server, 'runs.get', { run_id: run.id })).status !== 'executing',
        30_000,
        'the run to end',
      );
      const detail = await call<RunDetail>(server, 'runs.get', { run_id: run.id });
      expect(detail.status, worker.stderr()).toBe('completed');
      expect(report((detail.tasks[0]!.output as { stdout_tail: string }).stdout_tail)).toEqual(expected);
    } finally {
      await killWorker(worker);
      await host.close();
      await server.close();
    }
  });
});
