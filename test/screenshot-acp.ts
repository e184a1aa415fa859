// `node_modules/.bin/node test/screenshot-acp.ts [out-dir]`: pictures of a coding agent over the
// Agent Client Protocol, from a real run: `baton serve` runs a small ACP agent (cli "acp", written
// with the SDK's agent side) in a temp repository. Its permission request waits in the Approvals
// inbox (acp-tool-call-<width>-<theme>.png); once approved and the run done, the task's step trace
// with its plan, messages, tool call and reported cost (acp-steps-<width>-<theme>.png).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeRepo } from '../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { startServe } from './e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) throw new Error(found.missing);
const out = process.argv[2] ?? join(tmpdir(), 'shots-acp');
mkdirSync(out, { recursive: true });

const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
const agentScript = `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
const update = (client, sessionId, u) => client.notify('session/update', { sessionId, update: u });
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'acp-demo-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const s = params.sessionId;
    const plan = (done) => update(client, s, { sessionUpdate: 'plan', entries: [
      { content: 'Read the README', priority: 'medium', status: 'completed' },
      { content: 'Add a CHANGELOG with the release', priority: 'high', status: done ? 'completed' : 'in_progress' },
    ] });
    await plan(false);
    await update(client, s, { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'The repository has no changelog yet.' } });
    await update(client, s, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'I will add CHANGELOG.md for 1.0.' } });
    const input = { path: 'CHANGELOG.md', content: '# Changelog\\n\\n## 1.0\\n- First release\\n' };
    await update(client, s, { sessionUpdate: 'tool_call', toolCallId: 'write-1', title: 'Write CHANGELOG.md', kind: 'edit', status: 'pending', rawInput: input });
    const answer = await client.request('session/request_permission', { sessionId: s, toolCall: { toolCallId: 'write-1', title: 'Write CHANGELOG.md', kind: 'edit', rawInput: input },
      options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }, { optionId: 'reject', name: 'Reject', kind: 'reject_once' }] });
    if (answer.outcome.optionId === 'allow') {
      await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/CHANGELOG.md', content: input.content });
      await update(client, s, { sessionUpdate: 'tool_call_update', toolCallId: 'write-1', status: 'completed', content: [{ type: 'diff', path: cwd + '/CHANGELOG.md', oldText: null, newText: input.content }] });
    }
    await plan(true);
    await update(client, s, { sessionUpdate: 'usage_update', used: 4200, size: 200000, cost: { amount: 0.0123, currency: 'USD' } });
    await update(client, s, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Added CHANGELOG.md.' } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-acp-'));
const scripts = mkdtempSync(join(tmpdir(), 'baton-shots-acp-agent-'));
const script = join(scripts, 'agent.mjs');
writeFileSync(script, agentScript);
const repo = makeRepo({ 'README.md': '# Demo\n' });
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
const browser = await launchChromium();
try {
  await rpc('workspaces.add', { id: 'demo', path: repo.repo });
  await rpc('agents.import', {
    agents: [
      {
        id: 'acp-demo',
        name: 'ACP demo',
        kind: 'coding',
        cli: 'acp',
        protocol: 'acp',
        executable: process.execPath,
        args: [script],
        tool_approvals: 'inbox',
        skills: ['code'],
      },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'release',
      workspace: 'demo',
      tasks: [{ task_id: 'changelog', description: 'Add a changelog for 1.0', required_skills: ['code'] }],
    },
  });
  const runId = ((await rpc('runs.start', { plan_id: 'release' })) as { run_id: string }).run_id;
  const shoot = async (name: string, go: (page: import('playwright-core').Page) => Promise<void>) => {
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        // Opened wide (the sidebar's links), then narrowed to the width shown.
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
        await page.addInitScript(() =>
          localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
        );
        await page.goto(server.url);
        await go(page);
        await page.setViewportSize({ width, height: 900 });
        await page.mouse.move(0, 0);
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(out, `${name}-${width}-${scheme}.png`) });
        await page.close();
      }
  };
  await shoot('acp-tool-call', async (page) => {
    await page.getByRole('link', { name: /^Approvals/ }).click();
    await page.getByRole('region', { name: 'Approval for changelog' }).waitFor({ timeout: 60_000 });
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() =>
    localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
  );
  await page.goto(server.url);
  await page.getByRole('link', { name: /^Approvals/ }).click();
  const card = page.getByRole('region', { name: 'Approval for changelog' });
  await card.getByRole('button', { name: 'Allow', exact: true }).click();
  for (let i = 0; i < 600; i++) {
    const r = (await rpc('runs.get', { run_id: runId })) as { status: string };
    if (r.status !== 'executing') break;
    await new Promise((done) => setTimeout(done, 100));
  }
  await page.close();
  await shoot('acp-steps', async (p) => {
    await p
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^release/ })
      .click();
    await p
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task changelog/ })
      .click();
    const trace = p.getByRole('region', { name: 'Steps of changelog' });
    await trace.getByText('Added CHANGELOG.md.').first().waitFor({ timeout: 30_000 });
    const dismiss = p.getByRole('button', { name: 'Dismiss' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await trace.scrollIntoViewIfNeeded();
  });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scripts, { recursive: true, force: true });
  repo.cleanup();
}
