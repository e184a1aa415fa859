// `node_modules/.bin/node test/screenshot-tool-loop.ts`: the README's pictures of the tool loop,
// from a real one: `baton serve` runs an `llm` agent against a scripted OpenAI-compatible model
// server (in this process) with Baton's workspace tools and the official filesystem MCP server
// (`npm ci --prefix test/mcp`). Its write waits in the Approvals inbox: the card with its diff
// preview and arguments edited (tool-call.png); once approved and the run done, the task's step
// trace (tool-loop-steps.png).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { root, startServe } from './e2e/serve-process.ts';
import { startChatServer } from './kit/model-servers/openai-chat.ts';

const found = findChromium();
if ('missing' in found) throw new Error(found.missing);
const fsServer = join(root, 'test', 'mcp', 'node_modules', '.bin', 'mcp-server-filesystem');
if (!existsSync(fsServer)) throw new Error('run `npm ci --prefix test/mcp` first');

const CONFIG = 'port = 3000\nhost = "localhost"\nworkers = 2\nlog = "info"\n';
const ASKED = 'port = 8080\nhost = "0.0.0.0"\nworkers = 2\nlog = "info"\n';
const EDITED = 'port = 8080\nhost = "localhost"\nworkers = 4\nlog = "info"\n';

const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-tools-'));
const files = mkdtempSync(join(tmpdir(), 'baton-shots-tools-files-'));
writeFileSync(join(files, 'service.toml'), CONFIG);
writeFileSync(join(files, 'README.md'), '# Service\n\nRuns on port 3000.\n');
const model = await startChatServer({
  conversations: [
    {
      name: 'configure',
      turns: [
        {
          text: 'I will look at the service first.',
          tools: [{ name: 'fs__read_text_file', input: { path: join(files, 'service.toml') } }],
          usage: { input: 820, output: 40 },
        },
        {
          text: 'It listens on 3000. I will move it to 8080 on every interface.',
          tools: [{ name: 'files__write_file', input: { path: 'service.toml', content: ASKED } }],
          usage: { input: 1_100, output: 90 },
        },
        {
          tools: [
            {
              name: 'fs__edit_file',
              input: {
                path: join(files, 'README.md'),
                edits: [{ oldText: 'port 3000', newText: 'port 8080' }],
              },
            },
          ],
          usage: { input: 1_300, output: 60 },
        },
        {
          text: 'The service now listens on port 8080; the README says so.',
          usage: { input: 1_450, output: 30 },
        },
      ],
    },
  ],
});
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
const browser = await launchChromium();
try {
  await rpc('agents.import', {
    agents: [
      {
        id: 'mila',
        name: 'Mila',
        kind: 'llm',
        skills: ['ops'],
        base_url: `${model.url}/v1`,
        model: 'qwen3:8b',
        max_retries: 0,
        prices: { 'qwen3:8b': { prompt_per_1k: 0.0002, completion_per_1k: 0.0006 } },
        tools: [
          { kind: 'workspace', name: 'files', dir: files },
          { kind: 'mcp_stdio', name: 'fs', command: fsServer, args: [files] },
        ],
        tool_policy: [
          { tools: 'fs/read_*', policy: 'allow' },
          { tools: '*', policy: 'ask' },
        ],
      },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'service',
      goal: 'Serve on port 8080',
      tasks: [
        { task_id: 'configure', description: 'Move the service to port 8080', required_skills: ['ops'] },
      ],
    },
  });
  const runId = ((await rpc('runs.start', { plan_id: 'service' })) as { run_id: string }).run_id;

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() =>
    localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
  );
  await page.goto(server.url);
  await page.getByRole('link', { name: /^Approvals/ }).click();
  const card = page.getByRole('region', { name: 'Approval for configure' });
  const args = card.getByLabel('Arguments of write_file');
  await args.waitFor({ timeout: 60_000 });
  await args.fill(JSON.stringify({ path: 'service.toml', content: EDITED }, null, 2));
  const preview = card.getByRole('region', { name: 'Preview of the write to service.toml' });
  await preview.getByText('workers = 4').waitFor();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await card.screenshot({ path: join(root, 'resources', 'screenshots', 'tool-call.png') });
  console.log('resources/screenshots/tool-call.png written');
  await card.getByRole('button', { name: 'Edit and approve' }).click();
  // The README edit: allowed as asked.
  await card.getByLabel('Arguments of edit_file').waitFor({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Allow', exact: true }).click();
  for (let i = 0; i < 600; i++) {
    const r = (await rpc('runs.get', { run_id: runId })) as { status: string };
    if (r.status !== 'executing') break;
    await new Promise((done) => setTimeout(done, 100));
  }

  await page
    .getByRole('list', { name: 'Plans' })
    .getByRole('link', { name: /^service/ })
    .click();
  await page
    .getByRole('region', { name: 'Plan graph' })
    .getByRole('article', { name: /^Task configure/ })
    .click();
  const trace = page.getByRole('region', { name: 'Steps of configure' });
  await trace.getByText('The service now listens on port 8080').first().waitFor({ timeout: 30_000 });
  const edited = trace.getByRole('listitem').filter({ hasText: 'write_file' }).first();
  await edited.getByText('Output').click();
  await edited.scrollIntoViewIfNeeded();
  // The notes after the decisions have said their piece.
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(root, 'resources', 'screenshots', 'tool-loop-steps.png') });
  console.log('resources/screenshots/tool-loop-steps.png written');
} finally {
  await browser.close();
  await server.stop();
  await model.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
}
