// A coding run to look at (screens-walk.ts, screenshot-diff-review.ts), a real one: a temp
// repository registered as a workspace, and Qwen Code (the real CLI of test/coding-agents,
// `npm ci --prefix test/coding-agents`) against a scripted model server adding a file and
// changing another in a task with `review: "diff"`, so the run has its steps, its worktree
// session and branch, and the engine's diff_review gate leaves the diff waiting in the inbox.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo } from '../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { codingAgent, installed, startServers, writeTurn } from './coding-agents/baton-kit.ts';
import { CLIS } from './coding-agents/clis.ts';

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

/**
 * Sets the scene through a `baton serve`'s `rpc` and waits until the diff review is pending;
 * `close` stops the model servers and removes the repository (after the serve has stopped).
 */
export async function codingScene(rpc: Rpc): Promise<{ run_id: string; close(): Promise<void> }> {
  if (!installed) throw new Error('the coding CLIs are not installed: npm ci --prefix test/coding-agents');
  const servers = await startServers();
  const repo = makeRepo({ 'README.md': '# Hello web\n\nA hello world web app.\n' });
  const close = async () => {
    await servers.close();
    repo.cleanup();
  };
  try {
    mkdirSync(join(repo.repo, 'src'));
    writeFileSync(join(repo.repo, 'src/app.ts'), APP_BEFORE);
    repo.commitAll('a server that says hello');
    servers.script('qwen', [
      {
        name: 'backend',
        turns: [
          writeTurn('qwen', 'src/log.ts', LOG),
          // An existing file is changed through the shell (qwen's write_file wants it read first).
          CLIS.qwen.shellTurn(`cat > src/app.ts <<'EOF'\n${APP_AFTER}EOF`),
          {
            text: 'The server reads PORT (3000 by default), answers HTML and logs each request with a timestamp.',
          },
        ],
      },
    ]);
    await rpc('workspaces.add', { id: 'hello-web', path: repo.repo });
    await rpc('agents.import', { agents: [{ ...codingAgent(servers, 'qwen'), name: 'Qwen Code' }] });
    await rpc('plans.import', {
      plan: {
        plan_id: 'hello-web',
        name: 'Hello world web app',
        goal: 'A hello world web app, built by coding agents',
        workspace: 'hello-web',
        tasks: [
          {
            task_id: 'backend',
            description: 'Serve HTML on $PORT with a request log',
            required_skills: ['qwen'],
            review: 'diff',
          },
        ],
      },
    });
    const run = (await rpc('runs.start', { plan_id: 'hello-web' })) as { run_id: string };
    for (let i = 0; ; i++) {
      const pending: unknown = await rpc('approvals.list', { status: 'pending' });
      if (Array.isArray(pending) && pending.some((a: { kind?: unknown }) => a.kind === 'diff_review')) break;
      if (i > 1_500) throw new Error('no diff review after 150 s');
      await new Promise((done) => setTimeout(done, 100));
    }
    return { run_id: run.run_id, close };
  } catch (err) {
    await close();
    throw err;
  }
}
