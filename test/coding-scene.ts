// A coding run to look at (screens-walk.ts): a registered workspace with a real repository, a
// task whose attempt left a real `git diff` as `changes.diff` and answered what a coding attempt
// answers, its steps and worktree session, and a diff review waiting in the inbox. The coding
// executor and the diff_review gate are being built beside the UI, so a command agent does the
// attempt and the steps, session and approval are written through the store, as they will be.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src-main/store/db.ts';
import { createStore } from '../src-main/store/store.ts';
import type { Step } from '../src-shared/schemas/step.ts';
import type { CodingOutput } from '../src-shared/schemas/workspace.ts';

type Rpc = (method: string, input: unknown) => Promise<unknown>;

const APP_BEFORE = `import http from 'node:http';

const port = 3000;

export function start() {
  return http.createServer((req, res) => res.end('hello')).listen(port);
}
`;
const APP_AFTER = `import http from 'node:http';
import { log } from './log.ts';

const port = Number(process.env.PORT ?? 3000);

export function start() {
  const server = http.createServer((req, res) => {
    log(req.method, req.url);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<h1>Hello, world</h1>');
  });
  return server.listen(port, () => log(\`listening on \${port}\`));
}
`;
const LOG = `export function log(...parts: unknown[]): void {
  console.log(new Date().toISOString(), ...parts);
}
`;

/** Sets the scene in `dataDir` (a `baton serve`'s) with a repository under `tmp`; returns the run. */
export async function codingScene(rpc: Rpc, dataDir: string, tmp: string): Promise<{ run_id: string }> {
  const repo = join(tmp, 'hello-web');
  mkdirSync(join(repo, 'src'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const commit = (m: string) =>
    git('-c', 'user.name=Ana', '-c', 'user.email=ana@example.com', 'commit', '-q', '-m', m);
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'src/app.ts'), APP_BEFORE);
  writeFileSync(join(repo, 'NOTES.md'), '# Notes\n\nTo do: a logger.\n');
  git('add', '-A');
  commit('hello');
  const base = git('rev-parse', 'HEAD');
  git('checkout', '-q', '-b', 'baton/run/backend');
  writeFileSync(join(repo, 'src/app.ts'), APP_AFTER);
  writeFileSync(join(repo, 'src/log.ts'), LOG);
  git('rm', '-q', 'NOTES.md');
  git('add', '-A');
  const diff = git('diff', '--cached', base);
  commit('backend: serve HTML on $PORT with a request log (run, task backend, agent claude-code)');
  const head = git('rev-parse', 'HEAD');
  git('checkout', '-q', 'main');
  const worktree = join(tmp, 'worktrees', 'backend');
  git('worktree', 'add', '-q', worktree, 'baton/run/backend');

  await rpc('workspaces.add', { id: 'hello-web', path: repo, setup_command: ['npm', 'ci'] });
  const output: CodingOutput = {
    workspace_id: 'hello-web',
    branch: 'baton/run/backend',
    commit: head,
    start_commit: base,
    files: [
      { path: 'NOTES.md', status: 'deleted', additions: 0, deletions: 3 },
      { path: 'src/app.ts', status: 'modified', additions: 8, deletions: 2 },
      { path: 'src/log.ts', status: 'added', additions: 3, deletions: 0 },
    ],
    additions: 11,
    deletions: 5,
    summary: 'The server reads PORT (3000 by default), answers HTML and logs each request with a timestamp.',
    session_id: 'c0ffee00-5e55-4a1e-9d2b-000000000001',
    diff_artifact: 'changes.diff',
  };
  const attempt = `require('node:fs').writeFileSync('changes.diff', ${JSON.stringify(`${diff}\n`)}); console.log('::result ' + ${JSON.stringify(JSON.stringify(output))});`;
  await rpc('agents.import', {
    agents: [
      {
        id: 'claude-code',
        name: 'Claude Code (as a command agent until the coding executor lands)',
        kind: 'command',
        skills: ['backend'],
        command: process.execPath,
        args: ['-e', attempt],
      },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'hello-web',
      name: 'Hello world web app',
      goal: 'A hello world web app, built by coding agents',
      tasks: [
        {
          task_id: 'backend',
          description: 'Serve HTML on $PORT with a request log',
          required_skills: ['backend'],
        },
      ],
    },
  });
  const run = (await rpc('runs.start', { plan_id: 'hello-web' })) as { run_id: string };
  for (let i = 0; i < 100; i++) {
    const r = (await rpc('runs.get', { run_id: run.run_id })) as { status: string };
    if (r.status !== 'executing') break;
    await new Promise((done) => setTimeout(done, 100));
  }

  const store = createStore(openDatabase(dataDir));
  const t0 = Date.now() - 95_000;
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const tool = (seq: number, s: number, name: string, input: unknown, out: string, ms: number): Step => ({
    seq,
    at: at(s),
    kind: 'tool_call',
    call_id: `toolu_${seq}`,
    name,
    server: null,
    input,
    status: 'done',
    output: out,
    error: null,
    ended_at: at(s + ms / 1000),
    duration_ms: ms,
  });
  const usage = (seq: number, s: number, input: number, outTokens: number, cost: number): Step => ({
    seq,
    at: at(s),
    kind: 'usage',
    model: 'claude-sonnet-4-6',
    input_tokens: input,
    output_tokens: outTokens,
    cached_input_tokens: 9_800,
    cost_usd: cost,
    cost_source: 'reported',
    duration_ms: 4_100,
  });
  const steps: Step[] = [
    {
      seq: 0,
      at: at(0),
      kind: 'session',
      session_id: output.session_id!,
      agent: 'claude 2.1.330',
      model: 'claude-sonnet-4-6',
    },
    {
      seq: 1,
      at: at(0.1),
      kind: 'message',
      role: 'user',
      text: 'Task backend: Serve HTML on $PORT with a request log.',
    },
    {
      seq: 2,
      at: at(3),
      kind: 'message',
      role: 'assistant',
      text: "I'll read the server first, then add the port and a logger.",
    },
    tool(3, 3.5, 'Read', { file_path: 'src/app.ts' }, APP_BEFORE, 40),
    usage(4, 7, 2_310, 180, 0.0121),
    tool(
      5,
      8,
      'Write',
      { file_path: 'src/log.ts', content: LOG },
      'File created successfully at: src/log.ts',
      55,
    ),
    tool(
      6,
      9,
      'Edit',
      {
        file_path: 'src/app.ts',
        old_string: 'const port = 3000;',
        new_string: 'const port = Number(process.env.PORT ?? 3000);',
      },
      'The file src/app.ts has been updated.',
      62,
    ),
    tool(7, 12, 'Bash', { command: 'npx tsc --noEmit', description: 'Type-check' }, '', 6_400),
    tool(8, 19, 'Bash', { command: 'git rm NOTES.md' }, "rm 'NOTES.md'", 120),
    usage(9, 22, 3_120, 610, 0.0208),
    { seq: 10, at: at(24), kind: 'result', text: output.summary, is_error: false },
  ];
  store.tx(() =>
    store.steps.upsert(
      steps.map((s) => ({
        ...s,
        run_id: run.run_id,
        task_id: 'backend',
        attempt: 1,
        agent_id: 'claude-code',
      })),
    ),
  );
  store.tx(() =>
    store.sessions.upsert({
      run_id: run.run_id,
      task_id: 'backend',
      workspace_id: 'hello-web',
      agent_id: 'claude-code',
      cli: 'claude',
      dir: worktree,
      branch: 'baton/run/backend',
      start_commit: base,
      session_id: output.session_id,
      home: null,
      attempt: 1,
      state: 'active',
      updated_at: new Date().toISOString(),
    }),
  );
  store.db
    .prepare(
      `INSERT INTO approvals (id, run_id, task_id, status, kind, reason, cost, requested_at)
       VALUES ('review-backend', ?, 'backend', 'pending', 'diff_review', ?, 0, ?)`,
    )
    .run(
      run.run_id,
      'review the diff on baton/run/backend: 3 files changed, +11 −5',
      new Date().toISOString(),
    );
  store.db.close();
  return run;
}
