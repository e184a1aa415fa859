import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import type { Decision, DecisionContext } from '../../src-shared/schemas/decision.ts';
import type { MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { Conversation, ModelServer } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  openBaton,
  startServers,
  writeTurn,
} from './baton-kit.ts';
import type { CliName } from './clis.ts';

// The decider's example as shipped (resources/examples/web-app.json), end to end with a real
// coding CLI against a scripted model server in a temp repository: the hello world web app built
// by five coding agents whose tasks build on each other's branches, once with the rules decider
// following the plan's DAG and once with the LLM decider (a scripted orchestrator model) reading
// what each task wrote and creating the next task. codex by default: the fastest to start
// (test/coding-agents/README.md); BATON_WEB_APP_CLI picks another.

interface Example {
  agents: (AgentInput & { id: string; kind: string })[];
  plans: { plan_id: string; workspace: string; tasks: { task_id: string; depends_on?: string[] }[] }[];
  workspace: { id: string };
}
const example = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'examples', 'web-app.json'), 'utf8'),
) as Example;

const cli = (process.env.BATON_WEB_APP_CLI ?? 'codex') as CliName;

/** What each role writes (the scripted model's turn calls the CLI's own file tool). */
const FILES = {
  workshopper: {
    path: 'scope.md',
    content:
      "# Project Scope\n\nSimple web app with a button that shows 'Hello World' from the backend.\nOut of scope: accounts, styling frameworks.\n",
  },
  project_manager: {
    path: 'plan.md',
    content:
      '# Project Plan\n\n## Deliverables\n1. Backend API: GET /greeting returns JSON\n2. Frontend HTML/JS: a button that shows it\n3. Tests: node --test against the real server\n',
  },
  backend_developer: {
    path: 'server.js',
    content: [
      "const http = require('node:http');",
      "const fs = require('node:fs');",
      "const path = require('node:path');",
      'const server = http.createServer((req, res) => {',
      "  if (req.url === '/greeting') {",
      "    res.writeHead(200, { 'content-type': 'application/json' });",
      "    return res.end(JSON.stringify({ greeting: 'Hello World' }));",
      '  }',
      "  res.writeHead(200, { 'content-type': 'text/html' });",
      "  res.end(fs.readFileSync(path.join(__dirname, 'public', 'index.html')));",
      '});',
      'module.exports = server;',
      'if (require.main === module) server.listen(3000);',
      '',
    ].join('\n'),
  },
  frontend_developer: {
    path: 'public/index.html',
    content: [
      '<!doctype html>',
      '<title>Hello</title>',
      '<button id="hello">Say hello</button>',
      '<p id="out"></p>',
      '<script>',
      "document.getElementById('hello').onclick = async () => {",
      "  const r = await fetch('/greeting');",
      "  document.getElementById('out').textContent = (await r.json()).greeting;",
      '};',
      '</script>',
      '',
    ].join('\n'),
  },
  tester: {
    path: 'test/greeting.test.js',
    content: [
      "const { test } = require('node:test');",
      "const assert = require('node:assert');",
      "const server = require('../server.js');",
      "test('GET /greeting and the page', async () => {",
      '  await new Promise((r) => server.listen(0, r));',
      "  const base = 'http://127.0.0.1:' + server.address().port;",
      "  assert.deepStrictEqual(await (await fetch(base + '/greeting')).json(), { greeting: 'Hello World' });",
      '  assert.match(await (await fetch(base)).text(), /<button id="hello">/);',
      '  server.close();',
      '});',
      '',
    ].join('\n'),
  },
} as const;
type Role = keyof typeof FILES;
const ROLES = Object.keys(FILES) as Role[];

/** The orchestrator's answers (the decider's decision JSON), by the task that just ended. */
const LLM_DECISIONS: [after: string, Decision][] = [
  [
    'scope',
    {
      action: 'create_task',
      reasoning: 'Scope is defined in scope.md. Need a project manager to create the detailed plan.',
      next_agent_type: 'project_manager',
      task_description: 'Review scope.md and write plan.md with the deliverables',
      context_to_pass: { files_to_reference: ['scope.md'], key_information: 'Single page, no frameworks' },
      urgency: 'normal',
    },
  ],
  [
    'decided-1',
    {
      action: 'create_task',
      reasoning: 'plan.md lists the backend API first.',
      next_agent_type: 'backend_developer',
      task_description: 'Implement the backend API endpoint from plan.md that returns the greeting',
      context_to_pass: {
        files_to_reference: ['plan.md', 'scope.md'],
        key_information: 'GET /greeting, JSON',
      },
      urgency: 'normal',
    },
  ],
  [
    'decided-2',
    {
      action: 'create_task',
      reasoning: 'The backend is done; the page comes next.',
      next_agent_type: 'frontend_developer',
      task_description: 'Implement the frontend page from plan.md calling /greeting',
      urgency: 'normal',
    },
  ],
  [
    'decided-3',
    {
      action: 'create_task',
      reasoning: 'Backend and page exist; they need tests.',
      next_agent_type: 'tester',
      task_description: 'Write tests for the server and the page',
      urgency: 'normal',
    },
  ],
  [
    'decided-4',
    { action: 'project_complete', reasoning: 'Scope, plan, code and tests exist.', urgency: 'normal' },
  ],
];

let servers: Servers;
let orchestrator: ModelServer;
let baton: ReturnType<typeof openBaton>;
const runs: Record<'rules' | 'llm', { id: string; detail: RunDetail }> = {} as never;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  orchestrator = await startChatServer({
    conversations: LLM_DECISIONS.map(
      ([after, decision]): Conversation => ({
        name: `after ${after}`,
        match: (req) => req.texts.some((t) => t.includes(`Completed task: ${after} —`)),
        turns: [{ text: `\`\`\`json\n${JSON.stringify(decision)}\n\`\`\`` }],
      }),
    ),
  });
  servers.script(
    cli,
    ROLES.map((role) => ({
      name: role,
      match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes(`(${role}), a coding agent`)),
      turns: [writeTurn(cli, FILES[role].path, FILES[role].content), { text: `Wrote ${FILES[role].path}.` }],
    })),
  );
  baton = openBaton();
  const { app, repo } = baton;
  await call(app, 'workspaces.add', { id: example.workspace.id, path: repo.repo });
  // The example's agents, pointed at the scripted servers: the coding ones run `cli` through
  // baton-kit's provider and prices, the orchestrator asks the scripted chat model.
  const scripted = codingAgent(servers, cli) as Record<string, unknown>;
  const { id: _id, name: _name, skills: _skills, ...runsHere } = scripted;
  const agents = example.agents.map((a) =>
    a.kind === 'coding'
      ? { ...a, ...runsHere, timeout_s: 180 }
      : { ...a, base_url: `${orchestrator.url}/v1`, model: 'scripted-orchestrator', max_retries: 0 },
  );
  await call(app, 'agents.import', { agents });
  for (const plan of example.plans) await call(app, 'plans.import', { plan });
  for (const [kind, plan] of [
    ['rules', 'hello-web'],
    ['llm', 'hello-web-llm'],
  ] as const) {
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: plan });
    await app.engine.whenSettled(run_id);
    await app.coding.worktreesSettled();
    runs[kind] = { id: run_id, detail: await call<RunDetail>(app, 'runs.get', { run_id }) };
  }
}, 400_000);

afterAll(async () => {
  if (!installed) return;
  await baton.close();
  await Promise.all([servers.close(), orchestrator.close()]);
});

const git = (args: string[]) => execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
const isAncestor = (a: string, b: string) => {
  try {
    git(['merge-base', '--is-ancestor', a, b]);
    return true;
  } catch {
    return false;
  }
};
const statuses = (d: RunDetail) => JSON.stringify(d.tasks.map((t) => [t.task_id, t.status, t.error]));

/** The run's decisions, in the order of its tasks (each task ended before the next began). */
async function decisionsOf(run: RunDetail) {
  const hits = await call<MemorySearchHit[]>(baton.app, 'memory.search', {
    type: 'decision',
    tag: `run:${run.id}`,
  });
  const order = run.tasks.map((t) => t.task_id);
  return hits
    .map((h) => h.entry.content as { after_task: string; decision: Decision; inputs: DecisionContext })
    .sort((a, b) => order.indexOf(a.after_task) - order.indexOf(b.after_task));
}

/**
 * Each task's branch holds its dependencies' commits, and the last task's branch holds every
 * file the roles wrote, as they wrote them; the app it adds up to passes its own tests.
 */
function expectBranchDag(d: RunDetail, deps: Record<string, string[]>, last: string) {
  const out = (id: string) => d.tasks.find((t) => t.task_id === id)!.output as CodingOutput;
  for (const [task, on] of Object.entries(deps)) {
    const o = out(task);
    expect(o.branch).toBe(`baton/${d.id}/${task}`);
    expect(git(['rev-parse', o.branch])).toBe(o.commit); // the branch stays after the run
    for (const dep of on) expect(isAncestor(out(dep).commit, o.commit), `${dep} in ${task}`).toBe(true);
    if (on.length === 1) expect(o.start_commit).toBe(out(on[0]!).commit);
  }
  const final = out(last).commit;
  for (const role of ROLES)
    expect(git(['show', `${final}:${FILES[role].path}`])).toBe(FILES[role].content.trimEnd());
  const dir = mkdtempSync(join(tmpdir(), 'baton-web-app-'));
  try {
    git(['worktree', 'add', '--detach', dir, final]);
    execFileSync(process.execPath, ['--test', FILES.tester.path], { cwd: dir, stdio: 'pipe' });
  } finally {
    git(['worktree', 'remove', '--force', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!installed)(`the decider's hello world web app with coding agents (${cli})`, () => {
  it('rules decider: the plan’s DAG runs as a DAG of branches, and the decider, reading each task’s files, follows the plan to the end', async () => {
    const { id, detail } = runs.rules;
    expect(detail.status, statuses(detail)).toBe('completed');
    expect(detail.tasks.map((t) => [t.task_id, t.status, t.agent_id])).toEqual([
      ['scope', 'done', 'workshopper'],
      ['plan', 'done', 'project_manager'],
      ['backend', 'done', 'backend_developer'],
      ['frontend', 'done', 'frontend_developer'],
      ['tests', 'done', 'tester'],
    ]);
    const plan = example.plans.find((p) => p.plan_id === 'hello-web')!;
    expectBranchDag(
      detail,
      Object.fromEntries(plan.tasks.map((t) => [t.task_id, t.depends_on ?? []])),
      'tests',
    );
    // The plan's dependent was told where its dependency's files are and their first lines.
    const planPrompt = servers.calls(cli, 'project_manager')[0]!.request!.texts.join('\n');
    expect(planPrompt).toContain(`branch baton/${id}/scope`);
    expect(planPrompt).toContain('First lines of scope.md:');

    const decisions = await decisionsOf(detail);
    expect(decisions.map((d) => [d.after_task, d.decision.action])).toEqual([
      ['scope', 'wait_for_more_tasks'],
      ['plan', 'wait_for_more_tasks'],
      ['backend', 'wait_for_more_tasks'],
      ['frontend', 'wait_for_more_tasks'],
      ['tests', 'project_complete'],
    ]);
    // What the decider read: the files each task wrote, from its branch (the agents' outputs it is
    // given).
    for (const [i, role] of ROLES.entries())
      expect(decisions[i]!.inputs.agent_outputs[FILES[role].path]).toBe(FILES[role].content.slice(0, 500));
    expect(detail.added_tasks).toEqual([]);
  });

  it('LLM decider: from the scope alone, the orchestrator reads scope.md and plan.md and creates each next task, which builds on the branch of the one before', async () => {
    const { detail } = runs.llm;
    expect(detail.status, statuses(detail)).toBe('completed');
    expect(detail.tasks.map((t) => [t.task_id, t.status, t.agent_id])).toEqual([
      ['scope', 'done', 'workshopper'],
      ['decided-1', 'done', 'project_manager'],
      ['decided-2', 'done', 'backend_developer'],
      ['decided-3', 'done', 'frontend_developer'],
      ['decided-4', 'done', 'tester'],
    ]);
    expect(detail.added_tasks.map((t) => t.task_id)).toEqual([
      'decided-1',
      'decided-2',
      'decided-3',
      'decided-4',
    ]);
    expectBranchDag(
      detail,
      {
        'decided-1': ['scope'],
        'decided-2': ['decided-1'],
        'decided-3': ['decided-2'],
        'decided-4': ['decided-3'],
      },
      'decided-4',
    );

    // The orchestrator model was asked with the files the tasks wrote in its prompt.
    const asked = (after: string) => orchestrator.modelCalls(`after ${after}`)[0]!.request!.texts.join('\n');
    expect(asked('scope')).toContain(`--- scope.md\n${FILES.workshopper.content}`);
    expect(asked('decided-1')).toContain(`--- plan.md\n${FILES.project_manager.content}`);
    expect(asked('decided-2')).toContain('--- server.js\n');
    // The created task carries the decision's description and context to the coding agent.
    const planPrompt = servers
      .calls(cli, 'project_manager')
      .map((c) => c.request!.texts.join('\n'))
      .find((t) => t.includes('Task decided-1:'))!;
    expect(planPrompt).toContain('Review scope.md and write plan.md with the deliverables');
    expect(planPrompt).toContain('Reference files: scope.md');
    expect(planPrompt).toContain('First lines of scope.md:');

    const decisions = await decisionsOf(detail);
    expect(
      decisions.map((d) => [d.after_task, d.decision.action, d.decision.next_agent_type ?? null]),
    ).toEqual([
      ['scope', 'create_task', 'project_manager'],
      ['decided-1', 'create_task', 'backend_developer'],
      ['decided-2', 'create_task', 'frontend_developer'],
      ['decided-3', 'create_task', 'tester'],
      ['decided-4', 'project_complete', null],
    ]);
  });

  it('leaves no worktree and no process behind either run', () => {
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
    for (const run of Object.values(runs)) expect(markedProcesses(run.id)).toEqual([]);
    expect(servers.phoneHome()).toEqual([]);
  });
});
