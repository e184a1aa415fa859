import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fixtureBin } from '../kit/fixtures.ts';
import type { Turn } from '../kit/model-servers/scripted-server.ts';

/**
 * How each coding-agent CLI is run headless against a scripted model server, fully offline:
 * its command line, environment and config files, the turn that makes it write a file with its
 * own tool, and where its session id appears in its JSON event stream. README.md beside this file
 * explains every choice; the coding agents' executor starts from these.
 */

export type CliName = 'claude' | 'codex' | 'opencode' | 'qwen';
export type Wire = 'anthropic' | 'responses' | 'chat';

/** The folders of one attempt: the repository the CLI works in, its own home and config. */
export interface AttemptDirs {
  repo: string;
  /** HOME, XDG_* and the CLI's config dir live under here, never in the user's home. */
  home: string;
}

export interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface CliDefinition {
  name: CliName;
  wire: Wire;
  /** The model name the CLI sends. */
  model: string;
  /** Writes the CLI's config files under `dirs.home`. */
  prepare(dirs: AttemptDirs, modelUrl: string): void;
  /** A headless run with `prompt`; `resume` continues that session. */
  invocation(dirs: AttemptDirs, modelUrl: string, prompt: string, resume?: string): Invocation;
  /** A model turn that creates `file` (relative to the repo) with `content` through the CLI's own tool. */
  writeTurn(dirs: AttemptDirs, file: string, content: string): Turn;
  /** A model turn that runs `command` with the CLI's own shell tool. */
  shellTurn(command: string): Turn;
  /** The session (thread) id in one event of the stream, if this event carries it. */
  sessionIdOf(event: Record<string, unknown>): string | undefined;
}

export const packageDir = import.meta.dirname;
const bin = (name: string) => fixtureBin('coding-agents', name);

/**
 * What every CLI gets: a PATH for its shell tool, a home and a temp dir of its own (claude puts a
 * socket per run in $TMPDIR/cc-socks, which a run that dies hard leaves behind).
 */
function baseEnv(dirs: AttemptDirs): Record<string, string> {
  mkdirSync(join(dirs.home, 'tmp'), { recursive: true });
  return {
    PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: dirs.home,
    TMPDIR: join(dirs.home, 'tmp'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
  };
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export const claude: CliDefinition = {
  name: 'claude',
  wire: 'anthropic',
  model: 'claude-sonnet-4-5',
  prepare(dirs) {
    mkdirSync(join(dirs.home, 'claude-config'), { recursive: true });
  },
  invocation(dirs, modelUrl, prompt, resume) {
    return {
      command: bin('claude'),
      args: [
        '-p',
        prompt,
        '--output-format',
        'stream-json',
        '--verbose',
        '--model',
        this.model,
        '--dangerously-skip-permissions',
        ...(resume ? ['--resume', resume] : []),
      ],
      env: {
        ...baseEnv(dirs),
        CLAUDE_CONFIG_DIR: join(dirs.home, 'claude-config'),
        ANTHROPIC_BASE_URL: modelUrl,
        ANTHROPIC_API_KEY: 'sk-scripted',
        // Without it: a HEAD /api/hello to the model server, and event logging to api.anthropic.com.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        // --dangerously-skip-permissions refuses to run as root unless told it is in a sandbox.
        IS_SANDBOX: '1',
      },
    };
  },
  writeTurn: (dirs, file, content) => ({
    text: `Writing ${file}.`,
    tools: [{ name: 'Write', input: { file_path: join(dirs.repo, file), content } }],
  }),
  shellTurn: (command) => ({ tools: [{ name: 'Bash', input: { command, description: 'Run a command' } }] }),
  sessionIdOf: (e) => (e.type === 'system' && e.subtype === 'init' ? str(e.session_id) : undefined),
};

/** codex has no metadata for an unknown model and then offers no apply_patch tool: describe ours. */
const codexModelCatalog = (model: string) => ({
  models: [
    {
      slug: model,
      display_name: model,
      base_instructions: 'You are a coding agent working in a git repository. Edit files with apply_patch.',
      apply_patch_tool_type: 'freeform',
      shell_type: 'shell_command',
      context_window: 200_000,
      supported_reasoning_levels: [],
      visibility: 'list',
      supported_in_api: true,
      priority: 1,
      support_verbosity: false,
      truncation_policy: { mode: 'tokens', limit: 10_000 },
      experimental_supported_tools: [],
    },
  ],
});

export const codex: CliDefinition = {
  name: 'codex',
  wire: 'responses',
  model: 'scripted-codex',
  prepare(dirs, modelUrl) {
    const codexHome = join(dirs.home, 'codex-home');
    mkdirSync(codexHome, { recursive: true });
    const catalog = join(codexHome, 'models.json');
    writeFileSync(catalog, JSON.stringify(codexModelCatalog(this.model), null, 2));
    writeFileSync(
      join(codexHome, 'config.toml'),
      [
        `model = "${this.model}"`,
        'model_provider = "scripted"',
        `model_catalog_json = ${JSON.stringify(catalog)}`,
        'check_for_update_on_startup = false',
        '',
        '[model_providers.scripted]',
        'name = "Scripted"',
        `base_url = "${modelUrl}/v1"`,
        'wire_api = "responses"',
        'env_key = "SCRIPTED_API_KEY"',
        '',
        '[features]',
        // Without it codex syncs its plugin marketplace from github.com at start.
        'plugins = false',
        '',
        '[analytics]',
        // Without it codex sends OTLP metrics to ab.chatgpt.com.
        'enabled = false',
        '',
      ].join('\n'),
    );
  },
  invocation(dirs, _modelUrl, prompt, resume) {
    return {
      command: bin('codex'),
      args: [
        'exec',
        '--json',
        '--skip-git-repo-check',
        '--sandbox',
        'workspace-write',
        ...(resume ? ['resume', resume] : []),
        prompt,
      ],
      env: { ...baseEnv(dirs), CODEX_HOME: join(dirs.home, 'codex-home'), SCRIPTED_API_KEY: 'sk-scripted' },
    };
  },
  // codex's own file tool is apply_patch, a free-form tool whose input is a patch in its own format.
  writeTurn: (_dirs, file, content) => ({
    text: `Writing ${file}.`,
    tools: [
      {
        name: 'apply_patch',
        input: `*** Begin Patch\n*** Add File: ${file}\n${content
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `+${l}`)
          .join('\n')}\n*** End Patch\n`,
      },
    ],
  }),
  shellTurn: (command) => ({ tools: [{ name: 'exec_command', input: { cmd: command } }] }),
  sessionIdOf: (e) => (e.type === 'thread.started' ? str(e.thread_id) : undefined),
};

export const opencode: CliDefinition = {
  name: 'opencode',
  wire: 'chat',
  model: 'scripted-opencode',
  prepare(dirs) {
    for (const d of ['config', 'data', 'cache', 'state'])
      mkdirSync(join(dirs.home, 'xdg', d), { recursive: true });
  },
  invocation(dirs, modelUrl, prompt, resume) {
    const config = {
      $schema: 'https://opencode.ai/config.json',
      provider: {
        scripted: {
          // Bundled in the binary; a provider package that is not bundled is installed from npm at run time.
          npm: '@ai-sdk/openai-compatible',
          name: 'Scripted',
          options: { baseURL: `${modelUrl}/v1`, apiKey: 'sk-scripted' },
          models: { [this.model]: { name: 'Scripted model' } },
        },
      },
      model: `scripted/${this.model}`,
      autoupdate: false,
      share: 'disabled',
    };
    return {
      command: bin('opencode'),
      args: [
        'run',
        '--format',
        'json',
        '-m',
        `scripted/${this.model}`,
        ...(resume ? ['-s', resume] : []),
        prompt,
      ],
      env: {
        ...baseEnv(dirs),
        XDG_CONFIG_HOME: join(dirs.home, 'xdg', 'config'),
        XDG_DATA_HOME: join(dirs.home, 'xdg', 'data'),
        XDG_CACHE_HOME: join(dirs.home, 'xdg', 'cache'),
        XDG_STATE_HOME: join(dirs.home, 'xdg', 'state'),
        OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
        // Else it fetches models.opencode.ai/api.json at start.
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        // It installs @opencode-ai/plugin into its config dir in the background at every start,
        // with its bundled npm: point that npm at a registry that answers nothing.
        npm_config_registry: 'http://127.0.0.1:9/',
      },
    };
  },
  writeTurn: (dirs, file, content) => ({
    text: `Writing ${file}.`,
    tools: [{ name: 'write', input: { filePath: join(dirs.repo, file), content } }],
  }),
  shellTurn: (command) => ({ tools: [{ name: 'bash', input: { command, description: 'Run a command' } }] }),
  sessionIdOf: (e) => str(e.sessionID),
};

export const qwen: CliDefinition = {
  name: 'qwen',
  wire: 'chat',
  model: 'scripted-qwen',
  prepare(dirs) {
    mkdirSync(join(dirs.home, '.qwen'), { recursive: true });
    writeFileSync(
      join(dirs.home, '.qwen', 'settings.json'),
      JSON.stringify(
        {
          // Else usage statistics go to an Aliyun RUM endpoint.
          privacy: { usageStatisticsEnabled: false },
          general: { enableAutoUpdate: false },
          // Else, after some turns, it runs a memory-extraction subagent: more model calls.
          memory: { enableManagedAutoMemory: false, enableManagedAutoDream: false },
        },
        null,
        2,
      ),
    );
  },
  invocation(dirs, modelUrl, prompt, resume) {
    return {
      // Its entry is a Node script that needs Node >= 22: run it with this Node, not the system's.
      command: process.execPath,
      args: [
        join(packageDir, 'node_modules', '@qwen-code', 'qwen-code', 'cli-entry.js'),
        '-p',
        prompt,
        '--output-format',
        'stream-json',
        '--yolo',
        '--auth-type',
        'openai',
        ...(resume ? ['--resume', resume] : []),
      ],
      env: {
        ...baseEnv(dirs),
        OPENAI_BASE_URL: `${modelUrl}/v1`,
        OPENAI_API_KEY: 'sk-scripted',
        OPENAI_MODEL: this.model,
        QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
      },
    };
  },
  writeTurn: (dirs, file, content) => ({
    text: `Writing ${file}.`,
    tools: [{ name: 'write_file', input: { file_path: join(dirs.repo, file), content } }],
  }),
  shellTurn: (command) => ({ tools: [{ name: 'run_shell_command', input: { command } }] }),
  sessionIdOf: (e) => (e.type === 'system' && e.subtype === 'init' ? str(e.session_id) : undefined),
};

export const CLIS: Record<CliName, CliDefinition> = { claude, codex, opencode, qwen };
