import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hostOf } from '../../src-main/agents/coding/attempt/confine.ts';
import type { Invocation, LaunchInput } from '../../src-main/agents/coding/clis/definition.ts';
import { CODING_CLI_DEFINITIONS } from '../../src-main/agents/coding/clis/index.ts';
import { confine, endSandboxWhenIdle, sandboxStatus } from '../../src-main/sandbox/index.ts';
import { DEFAULT_SANDBOX } from '../../src-shared/schemas/sandbox.ts';
import { fixtureBin, fixtureInstalled } from '../kit/fixtures.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import { startResponsesServer } from '../kit/model-servers/openai-responses.ts';
import type { ModelServer, Turn } from '../kit/model-servers/scripted-server.ts';
import type { AcpAgentProcess } from './acp-client.ts';
import { agentText, startAcpAgent } from './acp-client.ts';
import { codex } from './clis.ts';
import { startPhoneHomeTrap } from './phone-home-trap.ts';
import { makeAttemptDirs } from './run-cli.ts';

// Five real ACP agents: Gemini CLI, qwen-code and opencode, each started by its Baton launch
// (src-main/agents/coding/clis/<cli>/acp.ts), and Claude Code and Codex through Zed's ACP adapters
// (started here as clis.ts configures the CLIs), each against a scripted model server on
// 127.0.0.1 speaking its wire protocol, driven directly through the ACP SDK by a minimal client
// (acp-client.ts), not Baton's route. One agent process for the session plus one for
// `session/load`: what each advertises, asks and reports is what docs/acp-parity.md records.

interface Probe {
  /** Baton's launch; Claude's and Codex's (written beside Baton's ACP route) are stood in for by `start`. */
  launch: { name: string; program: string; invocation(input: LaunchInput): Promise<Invocation> };
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
  /** Whether it writes the file through the client's `fs/write_text_file` (else by itself). */
  writesThroughClient: boolean;
  env?: Record<string, string>;
}

/** Baton's own ACP launch of `cli`, as a probe starts it. */
function baton(cli: 'gemini' | 'qwen' | 'opencode'): Probe['launch'] {
  const acp = CODING_CLI_DEFINITIONS[cli].acp;
  return { name: cli, program: acp.known[0]!.program, invocation: acp.launch };
}

const chat = (turns: Turn[]) => startChatServer({ conversations: [{ name: 'task', turns }] });

/** Claude Code through Zed's ACP adapter, configured as test/coding-agents/clis.ts runs claude. */
const claudeAcp: Probe['launch'] = {
  name: 'claude',
  program: 'claude-agent-acp',
  async invocation(input) {
    const config = join(input.home, 'claude-config');
    mkdirSync(config, { recursive: true });
    return {
      command: input.agent.executable ?? 'claude-agent-acp',
      args: [],
      env: {
        CLAUDE_CONFIG_DIR: config,
        ANTHROPIC_BASE_URL: input.provider?.base_url ?? '',
        ANTHROPIC_API_KEY: input.provider?.api_key ?? '',
        ANTHROPIC_MODEL: input.agent.model ?? '',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        // The Claude Code the agent SDK bundles fetches plugin lists from raw.githubusercontent.com
        // whatever the flag above says; the installed CLI (the one clis.ts checks) does not.
        CLAUDE_CODE_EXECUTABLE: fixtureBin('coding-agents', 'claude'),
      },
      home: input.home,
    };
  },
};

const CODEX_ACP_MODEL_FIELDS = { supports_reasoning_summaries: false, supports_parallel_tool_calls: false };

/** Codex through Zed's ACP adapter, with the CODEX_HOME test/coding-agents/clis.ts writes. */
const codexAcp: Probe['launch'] = {
  name: 'codex',
  program: 'codex-acp',
  async invocation(input) {
    const dirs = { repo: input.dir, home: input.home };
    codex.prepare(dirs, input.provider?.base_url ?? '');
    // The codex inside codex-acp 0.16 is older than the CLI's: its model catalog needs more fields.
    const catalog = join(input.home, 'codex-home', 'models.json');
    const models = JSON.parse(readFileSync(catalog, 'utf8')) as { models: Record<string, unknown>[] };
    for (const m of models.models) Object.assign(m, CODEX_ACP_MODEL_FIELDS);
    writeFileSync(catalog, JSON.stringify(models, null, 2));
    return {
      command: input.agent.executable ?? 'codex-acp',
      args: [],
      env: { CODEX_HOME: join(input.home, 'codex-home'), SCRIPTED_API_KEY: 'sk-scripted' },
      home: input.home,
    };
  },
};

const PROBES: Probe[] = [
  {
    launch: claudeAcp,
    startServer: (turns) => startAnthropicServer({ conversations: [{ name: 'task', turns }] }),
    baseUrl: (s) => s.url,
    writeTool: (file, content) => [{ name: 'Write', input: { file_path: file, content } }],
    clientFs: true,
    writesThroughClient: false,
  },
  {
    launch: codexAcp,
    startServer: (turns) => startResponsesServer({ conversations: [{ name: 'task', turns }] }),
    baseUrl: (s) => s.url,
    writeTool: (file, content) =>
      codex.writeTurn({ repo: dirname(file), home: '' }, basename(file), content).tools,
    clientFs: true,
    writesThroughClient: false,
  },
  {
    launch: baton('gemini'),
    startServer: (turns) => startGeminiServer({ conversations: [{ name: 'task', turns }] }),
    baseUrl: (s) => s.url,
    writeTool: (file, content) => [{ name: 'write_file', input: { file_path: file, content } }],
    clientFs: false,
    writesThroughClient: false,
  },
  {
    launch: baton('qwen'),
    startServer: chat,
    baseUrl: (s) => `${s.url}/v1`,
    writeTool: (file, content) => [{ name: 'write_file', input: { file_path: file, content } }],
    clientFs: true,
    writesThroughClient: true,
  },
  {
    launch: baton('opencode'),
    startServer: chat,
    baseUrl: (s) => `${s.url}/v1`,
    writeTool: (file, content) => [{ name: 'write', input: { filePath: file, content } }],
    clientFs: true,
    writesThroughClient: true,
    // It installs @opencode-ai/plugin with its bundled npm at every start: a registry that answers nothing.
    env: { npm_config_registry: 'http://127.0.0.1:9/' },
  },
];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An attempt's folders, a scripted server for `turns` and the agent's invocation by its launch. */
async function prepare(probe: Probe, turns: (file: string) => Turn[], sandboxed = false) {
  const name = probe.launch.name;
  const dirs = makeAttemptDirs(`acp-${name}`);
  cleanups.push(() => dirs.remove());
  const file = join(dirs.repo, 'hello.txt');
  const server = await probe.startServer(turns(file));
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
    sandboxed,
    batonMcp: null,
  } as unknown as LaunchInput;
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
  };
  return { name, dirs, file, server, tmp, inv, env };
}

const editTurns =
  (probe: Probe, name: string) =>
  (file: string): Turn[] => [
    {
      text: 'Writing hello.txt.',
      tools: probe.writeTool(file, `hello from ${name}\n`),
      usage: { input: 1000, output: 50 },
    },
    { text: 'Wrote hello.txt.', usage: { input: 1200, output: 20 } },
    { text: 'Second prompt answered.', usage: { input: 1300, output: 10 } },
    { text: 'Answered after the load.', usage: { input: 1400, output: 10 } },
  ];

describe.skipIf(!fixtureInstalled('coding-agents')).each(PROBES)('$launch.name over ACP', (probe: Probe) => {
  it('writes a file the scripted model asks for (asking permission first), takes a second prompt, and loads its session in a new process', async () => {
    const trap = await startPhoneHomeTrap();
    cleanups.push(() => trap.close());
    const {
      name,
      dirs,
      file,
      server,
      inv,
      env: own,
    } = await prepare(probe, editTurns(probe, probe.launch.name));
    const env = { ...own, ...trap.env };
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

    // It asked before the edit, offering at least allow once and reject, with the diff.
    expect(a.record.permissions).toHaveLength(1);
    const asked = a.record.permissions[0]!.request;
    expect(asked.toolCall.kind).toBe('edit');
    expect(asked.toolCall.content).toEqual([
      expect.objectContaining({ type: 'diff', path: file, newText: `hello from ${name}\n` }),
    ]);
    expect(asked.options.map((o) => o.kind)).toEqual(expect.arrayContaining(['allow_once', 'reject_once']));
    // The tool call shows as done, with the file as its location.
    const done = a.record.updates
      .map((u) => u.update)
      .filter((u) => u.sessionUpdate === 'tool_call_update' && u.status === 'completed');
    expect(done).toHaveLength(1);
    // Through the client's fs/write_text_file, or by itself.
    expect(a.record.fs.filter((f) => f.method === 'fs/write_text_file').map((f) => f.path)).toEqual(
      probe.writesThroughClient ? [file] : [],
    );

    // The same session takes a second prompt, with the history.
    const before = a.record.updates.length;
    await a.conn.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'Anything else?' }],
    });
    await expect.poll(() => agentText(a.record, before)).toContain('Second prompt answered.');
    const second = server.modelCalls('task').at(-1);
    // The same conversation, one turn on at least (an agent may ask its model more, as qwen-code's
    // own checks between turns do on a slow machine).
    expect(second?.turn).toBeGreaterThanOrEqual(2);
    expect(second?.request?.texts.join('\n')).toContain('Create hello.txt saying hello.');
    // Usage in the prompt's answer: ACP's (unstable) `usage` (opencode), or the agent's own `_meta`.
    const usage = { first: (first as { usage?: unknown }).usage ?? null, meta: first._meta ?? null };
    await a.stop();

    // A new process loads the session (each of these advertises loadSession) and goes on.
    expect(a.init.agentCapabilities?.loadSession).toBe(true);
    const b = await start();
    const load = await b.conn.agent
      .request('session/load', { sessionId, cwd: dirs.repo, mcpServers: [] })
      .then(
        () => 'loaded',
        (err: unknown) => `failed: ${JSON.stringify((err as { data?: unknown }).data ?? String(err))}`,
      );
    if (name === 'gemini' && load !== 'loaded') {
      // Gemini CLI 0.61 writes the session under its home (.gemini/tmp/<project>/chats) when it
      // gets to it: a new process started soon after may not find it yet (on a busy machine it
      // mostly does not). Both are its behaviour; the failure is its own message, not a crash.
      expect(load).toContain('No previous sessions found for this project.');
    } else {
      expect(load).toBe('loaded');
      const from = b.record.updates.length;
      await b.conn.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'Still there?' }],
      });
      await expect.poll(() => agentText(b.record, from)).toContain('Answered after the load.');
      expect(server.modelCalls('task').at(-1)?.request?.texts.join('\n')).toContain('Anything else?');
    }
    const replayed = [...new Set(b.record.updates.map((u) => u.update.sessionUpdate))];
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
        usageUpdates: a.record.updates.map((u) => u.update).filter((u) => u.sessionUpdate === 'usage_update'),
        load,
        replayed,
      }),
    );
  });
});

// Baton's launches in Baton's OS sandbox, as a coding agent's CLI runs (src-main/sandbox/): it
// writes the worktree, its home and temp folder only, and reaches the model server only (listed
// as 127.0.0.1:PORT); ACP goes over the sandboxed process's stdio. One prompt each (opencode's
// launch keeps its own loopback server off the sandbox's proxy: see clis/opencode/acp.ts).
const sandboxAvailable = process.platform === 'linux' && (await sandboxStatus()).available;
afterAll(() => endSandboxWhenIdle());

describe
  .skipIf(!fixtureInstalled('coding-agents') || !sandboxAvailable)
  .each(PROBES.filter((p) => ['gemini', 'qwen', 'opencode'].includes(p.launch.name)))(
  "$launch.name over ACP in Baton's OS sandbox",
  (probe: Probe) => {
    it('asks before the edit and writes the file, with nothing refused', async () => {
      const { name, dirs, file, server, tmp, inv, env } = await prepare(
        probe,
        editTurns(probe, probe.launch.name),
        true,
      );
      const confined = await confine({
        policy: { ...DEFAULT_SANDBOX, network: { allow: [hostOf(server.url)], unlisted: 'deny' } },
        command: inv.command,
        args: inv.args,
        cwd: dirs.repo,
        env,
        folders: [dirs.repo, dirs.home, tmp],
        owner: `agent "acp-${name}"`,
      });
      if (!confined.ok) throw new Error(confined.error);
      const program = confined.program;
      cleanups.push(() => program.release());
      expect(program.sandboxed).toBe(true);
      const agent = await startAcpAgent(program, dirs.repo, { fs: probe.clientFs });
      cleanups.push(() => agent.stop());
      const { sessionId } = await agent.conn.agent.request('session/new', { cwd: dirs.repo, mcpServers: [] });
      const done = await agent.conn.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'Create hello.txt saying hello.' }],
      });
      expect(done.stopReason).toBe('end_turn');
      expect(readFileSync(file, 'utf8')).toBe(`hello from ${name}\n`);
      expect(agent.record.permissions).toHaveLength(1);
      await agent.stop();
      await program.release();
      // Nothing refused but opencode's install of its plugin package from a registry that answers nothing.
      expect(program.take().filter((b) => b.target !== '127.0.0.1:9')).toEqual([]);
    });
  },
);
