import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { resolveEnv } from '../attempt/env.ts';
import type { LaunchInput } from './definition.ts';
import { CODING_CLI_DEFINITIONS } from './index.ts';

/** Each stream CLI's launch, by name. */
const launch = {
  claude: CODING_CLI_DEFINITIONS.claude.stream.launch,
  codex: CODING_CLI_DEFINITIONS.codex.stream.launch,
  opencode: CODING_CLI_DEFINITIONS.opencode.stream.launch,
  qwen: CODING_CLI_DEFINITIONS.qwen.stream.launch,
};

let home: string;
/** Every home made (a test may make several): all removed after it. */
const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function input(
  agent: Partial<CodingAgent> & { cli: CodingAgent['cli'] },
  over: Partial<LaunchInput> = {},
): LaunchInput {
  home = mkdtempSync(join(tmpdir(), 'baton-adapter-'));
  homes.push(home);
  const parsed = agentSchema.parse({ id: 'coder', kind: 'coding', ...agent }) as CodingAgent;
  return {
    agent: parsed,
    dir: '/w/tree',
    home,
    tmp: join(home, 'attempt-tmp'),
    provider: { base_url: 'http://127.0.0.1:9000/v1', api_key: 'sk-test' },
    steered: false,
    modelUrl: null,
    prompt: 'Do it.',
    resume: null,
    maxCostUsd: null,
    root: false,
    sandboxed: false,
    batonMcp: null,
    ...over,
  };
}

describe('coding CLI adapters', () => {
  it('claude: stream-json, permissions skipped (IS_SANDBOX as root), resume, its own budget cap, config in the task home', async () => {
    const inv = await launch.claude(
      input(
        { cli: 'claude', model: 'claude-sonnet-4-5', args: ['--append-system-prompt', 'Be brief.'] },
        {
          resume: 'sess-1',
          maxCostUsd: 1.5,
          root: true,
        },
      ),
    );
    expect(inv.command).toBe('claude');
    expect(inv.args).toEqual([
      '-p',
      'Do it.',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'claude-sonnet-4-5',
      '--dangerously-skip-permissions',
      '--resume',
      'sess-1',
      '--max-budget-usd',
      '1.5',
      '--append-system-prompt',
      'Be brief.',
    ]);
    expect(inv.env).toEqual({
      IS_SANDBOX: '1',
      CLAUDE_CONFIG_DIR: join(home, 'claude'),
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9000/v1',
      ANTHROPIC_API_KEY: 'sk-test',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    expect(inv.home).toBe(home);
  });

  it("claude with tool_approvals \"inbox\": asks Baton's approve tool through Baton's MCP server alone, its token in a private file of the attempt's own, no permission skipping", async () => {
    const link = { url: 'http://127.0.0.1:4800/mcp', token: 'bta_secret' };
    const given = input({ cli: 'claude', tool_approvals: 'inbox' }, { root: true, batonMcp: link });
    const inv = await launch.claude(given);
    // In the attempt's own folder, which goes when the attempt ends; the task's home outlives it.
    const config = join(given.tmp, 'baton-mcp.json');
    expect(readdirSync(home)).not.toContain('baton-mcp.json');
    expect(inv.args).toEqual([
      '-p',
      'Do it.',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-prompt-tool',
      'mcp__baton__approve',
      '--mcp-config',
      config,
      '--strict-mcp-config',
    ]);
    expect(inv.args.join(' ')).not.toContain('bta_secret');
    expect(inv.env.IS_SANDBOX).toBeUndefined();
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      mcpServers: {
        baton: {
          type: 'http',
          url: link.url,
          headers: { Authorization: 'Bearer bta_secret' },
          timeout: 86_400_000,
        },
      },
    });
    expect(statSync(config).mode & 0o777).toBe(0o600);
  });

  it("the files Baton writes in the task's home and tmp replace what the CLI left by their names (links out), never follow it", async () => {
    const outside = mkdtempSync(join(tmpdir(), 'baton-adapter-outside-'));
    homes.push(outside);
    writeFileSync(join(outside, 'keys'), 'mine');
    const plant = (at: string[], target: string) => {
      mkdirSync(join(home, ...at.slice(0, -1)), { recursive: true });
      symlinkSync(target, join(home, ...at));
    };
    const link = { url: 'http://127.0.0.1:4800/mcp', token: 'bta_secret' };
    const claude = input({ cli: 'claude', tool_approvals: 'inbox' }, { batonMcp: link });
    plant(['attempt-tmp', 'baton-mcp.json'], join(outside, 'keys'));
    await launch.claude(claude);
    expect(lstatSync(join(home, 'attempt-tmp', 'baton-mcp.json')).isFile()).toBe(true);
    const codex = input({ cli: 'codex', model: 'gpt-test' });
    plant(['codex', 'config.toml'], join(outside, 'keys'));
    plant(['codex', 'models.json'], join(outside, 'new.json'));
    await launch.codex(codex);
    expect(lstatSync(join(home, 'codex', 'config.toml')).isFile()).toBe(true);
    const qwen = input({ cli: 'qwen', model: 'qwen-test' });
    plant(['.qwen', 'settings.json'], join(outside, 'keys'));
    await launch.qwen(qwen);
    expect(lstatSync(join(home, '.qwen', 'settings.json')).isFile()).toBe(true);
    expect(readFileSync(join(outside, 'keys'), 'utf8')).toBe('mine');
    expect(existsSync(join(outside, 'new.json'))).toBe(false);
    // A folder of the CLI's swapped for a link out: refused, naming the path; nothing written there.
    const swapped = input({ cli: 'codex', model: 'gpt-test' });
    plant(['codex'], outside);
    await expect(launch.codex(swapped)).rejects.toThrow(
      `path "codex/models.json" goes through codex, which is a symbolic link (to ${outside})`,
    );
    expect(existsSync(join(outside, 'models.json'))).toBe(false);
  });

  it('tool_approvals "inbox" is refused for a CLI without a permission hook, naming the field', () => {
    const r = agentSchema.safeParse({ id: 'c', kind: 'coding', cli: 'codex', tool_approvals: 'inbox' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['tool_approvals'],
      message: expect.stringContaining(
        '"inbox" needs cli "claude" or the ACP route (protocol "acp"): codex on its stream has no permission hook',
      ),
    });
  });

  it("without a provider a CLI keeps the person's own HOME and login", async () => {
    const inv = await launch.claude(input({ cli: 'claude', executable: '/opt/claude' }, { provider: null }));
    expect(inv.command).toBe('/opt/claude');
    expect(inv.env).toEqual({});
    expect(inv.home).toBe(process.env.HOME);
    const codex = await launch.codex(input({ cli: 'codex', model: 'gpt-5-codex' }, { provider: null }));
    expect(codex.args).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--sandbox',
      'workspace-write',
      '--model',
      'gpt-5-codex',
      'Do it.',
    ]);
  });

  it("in Baton's OS sandbox: codex leaves its own sandbox off, claude is told it is in one", async () => {
    const codex = await launch.codex(input({ cli: 'codex', model: 'm' }, { sandboxed: true }));
    expect(codex.args.slice(3, 5)).toEqual(['--sandbox', 'danger-full-access']);
    const claude = await launch.claude(input({ cli: 'claude' }, { sandboxed: true }));
    expect(claude.env.IS_SANDBOX).toBe('1');
    expect(claude.args).toContain('--dangerously-skip-permissions');
  });

  it('codex: a Responses provider in its own CODEX_HOME, a catalog entry for the model, plugins and analytics off; resume <thread>', async () => {
    const inv = await launch.codex(input({ cli: 'codex', model: 'my-model' }, { resume: 'thread-1' }));
    expect(inv.args).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--sandbox',
      'workspace-write',
      'resume',
      'thread-1',
      'Do it.',
    ]);
    expect(inv.env).toEqual({ CODEX_HOME: join(home, 'codex'), CODEX_PROVIDER_API_KEY: 'sk-test' });
    const config = readFileSync(join(home, 'codex', 'config.toml'), 'utf8');
    expect(config).toContain('model = "my-model"');
    expect(config).toContain('base_url = "http://127.0.0.1:9000/v1"');
    expect(config).toContain('wire_api = "responses"');
    expect(config).toMatch(/\[features\]\nplugins = false/);
    expect(config).toMatch(/\[analytics\]\nenabled = false/);
    const catalog = JSON.parse(readFileSync(join(home, 'codex', 'models.json'), 'utf8'));
    expect(catalog.models[0]).toMatchObject({ slug: 'my-model', apply_patch_tool_type: 'freeform' });
  });

  it('codex where a person can speak to it: its app-server, the thread with the settings exec runs with; exec for exec’s own args', async () => {
    const inv = await launch.codex(
      input(
        { cli: 'codex', model: 'gpt-5-codex', args: ['-c', 'x=1'] },
        { provider: null, steered: true, sandboxed: true, resume: 't-0' },
      ),
    );
    expect(inv.args).toEqual(['app-server', '-c', 'x=1']);
    expect(inv.dialogue).toBeDefined();
    const opening = inv
      .input!.split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(opening.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/resume']);
    expect(opening[2].params).toEqual({
      threadId: 't-0',
      cwd: '/w/tree',
      sandbox: 'danger-full-access',
      approvalPolicy: 'never',
      model: 'gpt-5-codex',
    });
    // With a provider the model is its config's; outside Baton's sandbox codex's own keeps it to the worktree.
    const provided = await launch.codex(input({ cli: 'codex', model: 'my-model' }, { steered: true }));
    expect(JSON.parse(provided.input!.split('\n')[2]!).params).toEqual({
      cwd: '/w/tree',
      sandbox: 'workspace-write',
      approvalPolicy: 'never',
    });
    expect(provided.env).toEqual({ CODEX_HOME: join(home, 'codex'), CODEX_PROVIDER_API_KEY: 'sk-test' });
    const exec = await launch.codex(
      input({ cli: 'codex', model: 'm', args: ['--full-auto'] }, { steered: true }),
    );
    expect(exec.args[0]).toBe('exec');
    expect(exec.input).toBeUndefined();
    expect(exec.dialogue).toBeUndefined();
  });

  it('opencode: the bundled openai-compatible provider, its price when the agent has one, XDG folders in the task home; -s to resume', async () => {
    const inv = await launch.opencode(
      input(
        { cli: 'opencode', model: 'qwen3', prices: { qwen3: { input_per_mtok: 1, output_per_mtok: 2 } } },
        { resume: 'ses_1' },
      ),
    );
    expect(inv.args).toEqual(['run', '--format', 'json', '-m', 'baton/qwen3', '-s', 'ses_1', 'Do it.']);
    const config = JSON.parse(inv.env.OPENCODE_CONFIG_CONTENT!);
    expect(config.provider.baton).toMatchObject({
      npm: '@ai-sdk/openai-compatible',
      options: { baseURL: 'http://127.0.0.1:9000/v1', apiKey: 'sk-test' },
      models: { qwen3: { cost: { input: 1, output: 2, cache_read: 1 } } },
    });
    expect(inv.env.XDG_DATA_HOME).toBe(join(home, 'xdg', 'data'));
    expect(inv.env.OPENCODE_DISABLE_MODELS_FETCH).toBe('1');
  });

  it('qwen: --auth-type openai with the provider in its environment, settings that keep it from phoning home; --resume', async () => {
    const inv = await launch.qwen(input({ cli: 'qwen', model: 'qwen3-coder' }, { resume: 's1' }));
    expect(inv.args).toEqual([
      '-p',
      'Do it.',
      '--output-format',
      'stream-json',
      '--yolo',
      '--auth-type',
      'openai',
      '--resume',
      's1',
    ]);
    expect(inv.env).toMatchObject({
      OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_MODEL: 'qwen3-coder',
    });
    expect(JSON.parse(readFileSync(join(home, '.qwen', 'settings.json'), 'utf8'))).toMatchObject({
      privacy: { usageStatisticsEnabled: false },
      memory: { enableManagedAutoMemory: false },
    });
  });

  it("with Baton's metering endpoint, every CLI is given its URL in place of the provider's; claude without a provider too", async () => {
    const modelUrl = 'http://127.0.0.1:4801/tok';
    const claude = await launch.claude(input({ cli: 'claude' }, { modelUrl }));
    expect(claude.env.ANTHROPIC_BASE_URL).toBe(modelUrl);
    const own = await launch.claude(input({ cli: 'claude' }, { provider: null, modelUrl }));
    expect(own.env).toEqual({ ANTHROPIC_BASE_URL: modelUrl });
    expect(own.home).toBe(process.env.HOME);
    await launch.codex(input({ cli: 'codex', model: 'm' }, { modelUrl }));
    expect(readFileSync(join(home, 'codex', 'config.toml'), 'utf8')).toContain(`base_url = "${modelUrl}"`);
    const opencode = await launch.opencode(input({ cli: 'opencode', model: 'm' }, { modelUrl }));
    expect(JSON.parse(opencode.env.OPENCODE_CONFIG_CONTENT!).provider.baton.options.baseURL).toBe(modelUrl);
    const qwen = await launch.qwen(input({ cli: 'qwen', model: 'm' }, { modelUrl }));
    expect(qwen.env.OPENAI_BASE_URL).toBe(modelUrl);
  });

  it('max_cost_usd is refused, naming the field, for a CLI whose model server Baton does not know', () => {
    for (const cli of ['codex', 'opencode', 'qwen'] as const) {
      const r = agentSchema.safeParse({ id: 'c', kind: 'coding', cli, max_cost_usd: 5 });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({
        path: ['max_cost_usd'],
        message: expect.stringContaining(`needs a provider for cli "${cli}"`),
      });
      const withProvider = { provider: { base_url: 'http://127.0.0.1:9/v1' }, model: 'm' };
      expect(
        agentSchema.safeParse({ id: 'c', kind: 'coding', cli, max_cost_usd: 5, ...withProvider }).success,
      ).toBe(true);
    }
    expect(agentSchema.safeParse({ id: 'c', kind: 'coding', cli: 'claude', max_cost_usd: 5 }).success).toBe(
      true,
    );
  });

  it('a provider without a model is refused with a clear message', async () => {
    await expect(launch.codex(input({ cli: 'codex' }))).rejects.toThrow(
      'coding agent "coder" has a provider but no model',
    );
  });
});

describe('resolveEnv', () => {
  const secrets = { get: (n: string) => ({ gh: 'ghp_secret', other: 'x' })[n] };
  it('resolves { secret } values and {secret:NAME} references, and says which secret is missing', () => {
    expect(
      resolveEnv({ A: 'plain', B: { secret: 'gh' }, C: 'token {secret:gh}!' }, secrets, 'agent "a"'),
    ).toEqual({
      ok: true,
      env: { A: 'plain', B: 'ghp_secret', C: 'token ghp_secret!' },
      secrets: ['ghp_secret', 'ghp_secret'],
    });
    expect(resolveEnv({ K: { secret: 'nope' } }, secrets, 'workspace "w"')).toEqual({
      ok: false,
      error: 'secret "nope" (for K in workspace "w") is not set',
    });
  });
});
