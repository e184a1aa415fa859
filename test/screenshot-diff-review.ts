// `node_modules/.bin/node test/screenshot-diff-review.ts`: the README's picture of a diff review,
// from a real coding run: `baton serve` runs Qwen Code (the real CLI of test/coding-agents,
// `npm ci --prefix test/coding-agents`) against a scripted model server, in a temp repository
// registered as a workspace, and the engine's diff_review gate puts the attempt's diff in the
// Approvals inbox, where one line comment is added before the picture is taken.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { makeRepo } from '../src-main/workspaces/testing/temp-repo.ts';
import { codingAgent, installed, startServers, writeTurn } from './coding-agents/baton-kit.ts';
import { CLIS } from './coding-agents/clis.ts';
import { CHROMIUM_ARGS, findChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { root, startServe } from './e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) throw new Error(found.missing);
if (!installed) throw new Error('the coding CLIs are not installed: npm ci --prefix test/coding-agents');

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

const servers = await startServers();
const repo = makeRepo({ 'README.md': '# Hello web\n\nA hello world web app.\n' });
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
const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-coding-'));
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
try {
  await rpc('workspaces.add', { id: 'hello-web', path: repo.repo });
  await rpc('agents.import', { agents: [{ ...codingAgent(servers, 'qwen'), name: 'Qwen Code' }] });
  await rpc('plans.import', {
    plan: {
      plan_id: 'hello-web',
      name: 'Hello world web app',
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
  await rpc('runs.start', { plan_id: 'hello-web' });
  for (let i = 0; ; i++) {
    const pending: unknown = await rpc('approvals.list', { status: 'pending' });
    if (Array.isArray(pending) && pending.some((a: { kind?: unknown }) => a.kind === 'diff_review')) break;
    if (i > 1_500) throw new Error('no diff review after 150 s');
    await new Promise((done) => setTimeout(done, 100));
  }

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(() =>
    localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
  );
  await page.goto(server.url);
  await page.getByRole('button', { name: /^Approvals/ }).click();
  const card = page.getByRole('listitem', { name: 'Approval for backend' });
  await card.waitFor();
  const files = card.getByRole('list', { name: 'Changed files' });
  await files.getByRole('button', { name: /src\/app\.ts/ }).click();
  const diff = card.getByRole('region', { name: 'Diff of src/app.ts' });
  const line = diff.locator('tr', { hasText: 'Number(process.env.PORT' });
  await line.hover();
  await line.locator('.diff-add-widget').first().click();
  await card.getByLabel(/^Comment on src\/app\.ts/).fill('Say in the README that PORT is read.');
  await card.getByRole('button', { name: 'Add comment' }).click();
  await diff.getByText('Say in the README that PORT is read.').waitFor();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await card.screenshot({ path: join(root, 'resources', 'screenshots', 'diff-review.png') });
  console.log('resources/screenshots/diff-review.png written');
} finally {
  await browser.close();
  await server.stop();
  await servers.close();
  rmSync(dataDir, { recursive: true, force: true });
  repo.cleanup();
}
