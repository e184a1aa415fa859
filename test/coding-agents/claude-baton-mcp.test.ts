import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src-main/app/create-app.ts';
import { startServe } from '../e2e/serve-process.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { batonCli, seedDataDir } from '../kit/mcp-kit.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import type { Turn } from '../kit/model-servers/scripted-server.ts';
import { claude } from './clis.ts';
import { startPhoneHomeTrap } from './phone-home-trap.ts';
import { makeAttemptDirs, runCli } from './run-cli.ts';

// Claude Code reaching Baton's MCP server through --mcp-config, offline against the scripted
// Anthropic server: `baton mcp` over stdio (no host running), and `/mcp` on a real `baton serve`
// with the bearer header. Its scripted turns call Baton's tools; their results land in its stream.
const installed = fixtureInstalled('coding-agents');

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const NOTE = 'The lighthouse keeper prefers written summaries, never calls.';

/** A data directory with Baton's test agents and plans, and a note in memory to find. */
async function dataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-claude-mcp-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  await seedDataDir(dir);
  const app = createApp({ dataDir: dir, resume: false, log: () => {} });
  try {
    const r = await app.dispatch('memory.write', { agent_id: 'scout', content: NOTE, tags: ['preferences'] });
    if (!r.ok) throw new Error(r.error.message);
  } finally {
    await app.close();
  }
  return dir;
}

/** One claude run whose turns are `turns` (then a closing text), with Baton as its MCP server `baton`. */
async function runClaude(baton: Record<string, unknown>, turns: Turn[]) {
  const dirs = makeAttemptDirs('claude-baton-mcp');
  closers.push(() => dirs.remove());
  const model = await startAnthropicServer({
    conversations: [{ name: 'task', turns: [...turns, { text: 'Done.' }] }],
  });
  closers.push(() => model.close());
  const trap = await startPhoneHomeTrap();
  closers.push(() => trap.close());
  claude.prepare(dirs, model.url);
  const config = join(dirs.home, 'mcp-config.json');
  writeFileSync(config, JSON.stringify({ mcpServers: { baton } }, null, 2));
  const run = await runCli(claude, dirs, model.url, 'What does the lighthouse keeper prefer?', {
    // Claude Code defers MCP tools behind its ToolSearch tool by default (the model loads one
    // before calling it); offered directly, the scripted turn can call Baton's tool at once.
    extraEnv: { ...trap.env, ENABLE_TOOL_SEARCH: 'false' },
    extraArgs: ['--mcp-config', config, '--strict-mcp-config'],
    timeoutMs: 120_000,
  });
  expect(run.timedOut, run.stderr).toBe(false);
  expect(trap.attempts).toEqual([]);
  expect(run.code, run.stderr).toBe(0);
  const init = run.events.find((e) => e.type === 'system' && e.subtype === 'init');
  expect(init?.mcp_servers).toEqual([expect.objectContaining({ name: 'baton', status: 'connected' })]);
  // The model was offered Baton's tools, none deciding an approval.
  const offered = model.requests.find((r) => r.request)?.request?.tools ?? [];
  expect(offered).toEqual(expect.arrayContaining(['mcp__baton__search_memory', 'mcp__baton__start_run']));
  expect(offered.filter((t) => t.startsWith('mcp__baton__') && /approv|decide/.test(t))).toEqual([]);
  const toolResults = run.events
    .filter((e) => e.type === 'user')
    .map((e) => JSON.stringify(e))
    .filter((e) => e.includes('tool_result'));
  return { run, model, toolResults };
}

const searchTurn: Turn = {
  text: 'Looking in Baton.',
  tools: [{ name: 'mcp__baton__search_memory', input: { query: 'lighthouse keeper' } }],
};

describe.skipIf(!installed)('Claude Code with Baton as its MCP server', () => {
  it('stdio (`baton mcp`, no host): search_memory answers the note, in its stream and the next model request', async () => {
    const dir = await dataDir();
    const { toolResults, model } = await runClaude(
      { type: 'stdio', command: process.execPath, args: [batonCli, 'mcp', '--data-dir', dir] },
      [searchTurn],
    );
    expect(toolResults).toHaveLength(1);
    expect(toolResults[0]).toContain(NOTE.slice(0, 40));
    expect(toolResults[0]).not.toContain('"is_error":true');
    const second = model.requests.filter((r) => r.request).at(-1)?.request;
    expect(second?.texts.join('\n')).toContain(NOTE.slice(0, 40));
  });

  it('HTTP (`/mcp` on baton serve, bearer header): search_memory, then write_memory lands in the host', async () => {
    const dir = await dataDir();
    const serve = await startServe(dir);
    closers.push(() => serve.stop());
    const url = new URL(serve.url);
    const token = url.searchParams.get('token')!;
    const { toolResults } = await runClaude(
      { type: 'http', url: `${url.origin}/mcp`, headers: { Authorization: `Bearer ${token}` } },
      [
        searchTurn,
        {
          tools: [
            {
              name: 'mcp__baton__write_memory',
              input: { agent_id: 'claude', content: 'Asked about the keeper: summaries, in writing.' },
            },
          ],
        },
      ],
    );
    expect(toolResults).toHaveLength(2);
    expect(toolResults[0]).toContain(NOTE.slice(0, 40));
    expect(toolResults[1]).toContain('by:claude');
    const res = await fetch(`${url.origin}/api/rpc/memory.search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: 'claude' }),
    });
    const hits = (await res.json()) as { value: { entry: { content: unknown; tags: string[] } }[] };
    expect(hits.value.map((h) => h.entry.content)).toEqual([
      'Asked about the keeper: summaries, in writing.',
    ]);
  });
});
