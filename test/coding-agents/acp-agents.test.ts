import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { geminiLaunch } from '../../src-main/agents/coding/acp/launches/gemini.ts';
import type { AcpLaunch } from '../../src-main/agents/coding/acp/launches/launch.ts';
import { opencodeLaunch } from '../../src-main/agents/coding/acp/launches/opencode.ts';
import { qwenLaunch } from '../../src-main/agents/coding/acp/launches/qwen.ts';
import type { AdapterInput } from '../../src-main/agents/coding/cli/adapters/adapter.ts';
import { fixtureBin, fixtureInstalled } from '../kit/fixtures.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer, Turn } from '../kit/model-servers/scripted-server.ts';
import type { AcpAgentProcess } from './acp-client.ts';
import { agentText, startAcpAgent } from './acp-client.ts';
import { startPhoneHomeTrap } from './phone-home-trap.ts';
import { makeAttemptDirs } from './run-cli.ts';

// Gemini CLI, qwen-code and opencode in Agent Client Protocol mode, each started by its Baton
// launch (src-main/agents/coding/acp/launches/) against a scripted model server on 127.0.0.1 and
// driven directly through the ACP SDK by a minimal client (acp-client.ts), not Baton's route.
// One agent process per session plus one for `session/load`: what each agent advertises, asks
// and reports is what docs/acp-parity.md records.

interface Probe {
  launch: AcpLaunch;
  startServer: (turns: Turn[]) => Promise<ModelServer>;
  /** The provider base URL the launch is given for a server. */
  baseUrl: (server: ModelServer) => string;
  /** The agent's own file-write tool and its arguments. */
  writeTool: (file: string, content: string) => Turn['tools'];
  /**
   * Whether the client offers `fs/*`. Not to Gemini CLI: it reads a file before writing it and
   * takes the client's error for a missing file (any JSON-RPC error, which reaches it as a plain
   * object) as a failed write, so a new file can never be created through the client.
   */
  clientFs: boolean;
  env?: Record<string, string>;
}

const chat = (turns: Turn[]) => startChatServer({ conversations: [{ name: 'task', turns }] });
const PROBES: Probe[] = [
  {
    launch: geminiLaunch,
    startServer: (turns) => startGeminiServer({ conversations: [{ name: 'task', turns }] }),
    baseUrl: (s) => s.url,
    writeTool: (file, content) => [{ name: 'write_file', input: { file_path: file, content } }],
    clientFs: false,
  },
  {
    launch: qwenLaunch,
    startServer: chat,
    baseUrl: (s) => `${s.url}/v1`,
    writeTool: (file, content) => [{ name: 'write_file', input: { file_path: file, content } }],
    clientFs: true,
  },
  {
    launch: opencodeLaunch,
    startServer: chat,
    baseUrl: (s) => `${s.url}/v1`,
    writeTool: (file, content) => [{ name: 'write', input: { filePath: file, content } }],
    clientFs: true,
    // It installs @opencode-ai/plugin with its bundled npm at every start: a registry that answers nothing.
    env: { npm_config_registry: 'http://127.0.0.1:9/' },
  },
];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!fixtureInstalled('coding-agents')).each(PROBES)('$launch.name over ACP', (probe: Probe) => {
  it('writes a file the scripted model asks for (asking permission first), takes a second prompt, and loads its session in a new process', async () => {
    const name = probe.launch.name;
    const dirs = makeAttemptDirs(`acp-${name}`);
    cleanups.push(() => dirs.remove());
    const trap = await startPhoneHomeTrap();
    cleanups.push(() => trap.close());
    const file = join(dirs.repo, 'hello.txt');
    const server = await probe.startServer([
      {
        text: 'Writing hello.txt.',
        tools: probe.writeTool(file, `hello from ${name}\n`),
        usage: { input: 1000, output: 50 },
      },
      { text: 'Wrote hello.txt.', usage: { input: 1200, output: 20 } },
      { text: 'Second prompt answered.', usage: { input: 1300, output: 10 } },
      { text: 'Answered after the load.', usage: { input: 1400, output: 10 } },
    ]);
    cleanups.push(() => server.close());

    const tmp = join(dirs.root, 'tmp');
    mkdirSync(tmp);
    const input = {
      agent: {
        id: `acp-${name}`,
        name,
        kind: 'coding',
        cli: name,
        executable: fixtureBin('coding-agents', probe.launch.program),
        model: `scripted-${name}`,
        args: [],
        env: {},
      },
      dir: dirs.repo,
      home: dirs.home,
      tmp,
      provider: { base_url: probe.baseUrl(server), api_key: 'sk-scripted' },
      modelUrl: null,
      prompt: '',
      resume: null,
      maxCostUsd: null,
      root: process.getuid?.() === 0,
      sandboxed: false,
      batonMcp: null,
    } as unknown as AdapterInput;
    const inv = await probe.launch.invocation(input);
    const env = {
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: inv.home,
      TMPDIR: tmp,
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      NO_COLOR: '1',
      ...inv.env,
      ...probe.env,
      ...trap.env,
    };
    const start = async () => {
      const agent = await startAcpAgent({ ...inv, env }, dirs.repo, { fs: probe.clientFs });
      cleanups.push(() => agent.stop());
      return agent;
    };

    // A session in the repository; the model writes hello.txt with the agent's own tool.
    const a: AcpAgentProcess = await start();
    expect(a.init.protocolVersion).toBe(1);
    const { sessionId } = await a.conn.agent.request('session/new', { cwd: dirs.repo, mcpServers: [] });
    const first = await a.conn.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'Create hello.txt saying hello.' }],
    });
    expect(first.stopReason).toBe('end_turn');
    expect(readFileSync(file, 'utf8')).toBe(`hello from ${name}\n`);
    await expect.poll(() => agentText(a.record)).toContain('Wrote hello.txt.');

    // It asked before the edit, offering allow once / always / reject, with the diff.
    expect(a.record.permissions).toHaveLength(1);
    const asked = a.record.permissions[0]!.request;
    expect(asked.toolCall.kind).toBe('edit');
    expect(asked.toolCall.content).toEqual([
      expect.objectContaining({ type: 'diff', path: file, newText: `hello from ${name}\n` }),
    ]);
    expect(asked.options.map((o) => o.kind).sort()).toEqual(['allow_always', 'allow_once', 'reject_once']);
    // The tool call shows as done, with the file as its location.
    const done = a.record.updates
      .map((u) => u.update)
      .filter((u) => u.sessionUpdate === 'tool_call_update' && u.status === 'completed');
    expect(done).toHaveLength(1);
    // Through the client's fs when offered (qwen, opencode), else its own.
    expect(a.record.fs.filter((f) => f.method === 'fs/write_text_file').map((f) => f.path)).toEqual(
      probe.clientFs ? [file] : [],
    );

    // The same session takes a second prompt, with the history.
    const before = a.record.updates.length;
    await a.conn.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'Anything else?' }],
    });
    await expect.poll(() => agentText(a.record, before)).toContain('Second prompt answered.');
    const second = server.modelCalls('task').at(-1);
    expect(second?.turn).toBe(2);
    expect(second?.request?.texts.join('\n')).toContain('Create hello.txt saying hello.');
    // Usage in the prompt's answer: ACP's (unstable) `usage` (opencode), or the agent's own `_meta`.
    const usage = { first: (first as { usage?: unknown }).usage ?? null, meta: first._meta ?? null };
    await a.stop();

    // A new process loads the session (all three advertise loadSession) and goes on.
    expect(a.init.agentCapabilities?.loadSession).toBe(true);
    const b = await start();
    const load = await b.conn.agent
      .request('session/load', { sessionId, cwd: dirs.repo, mcpServers: [] })
      .then(
        () => 'loaded',
        (err: unknown) => `failed: ${JSON.stringify((err as { data?: unknown }).data ?? String(err))}`,
      );
    if (name === 'gemini') {
      // Gemini CLI 0.61 writes the session under its home (.gemini/tmp/<project>/chats) but a new
      // process does not find it: recorded here, so a fixed version shows.
      expect(load).toContain('No previous sessions found for this project.');
    } else {
      expect(load).toBe('loaded');
      // The history is replayed as updates (the first prompt among them).
      expect(b.record.updates.some((u) => u.update.sessionUpdate === 'user_message_chunk')).toBe(true);
      const from = b.record.updates.length;
      await b.conn.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'Still there?' }],
      });
      await expect.poll(() => agentText(b.record, from)).toContain('Answered after the load.');
      expect(server.modelCalls('task').at(-1)?.request?.texts.join('\n')).toContain('Anything else?');
    }
    await b.stop();

    expect(trap.attempts).toEqual([]);
    // What the parity table is made from.
    console.log(
      JSON.stringify({
        agent: name,
        capabilities: a.init.agentCapabilities,
        permissionOptions: asked.options,
        updateKinds: [...new Set(a.record.updates.map((u) => u.update.sessionUpdate))],
        clientFs: a.record.fs,
        usage,
        load,
      }),
    );
  });
});
