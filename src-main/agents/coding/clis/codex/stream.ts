import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfinedFolder } from '../../../../files/confined-folder.ts';
import type { Launch, LaunchInput } from '../definition.ts';
import { personHome, providerModel, providerUrl } from '../launch.ts';
import { appServerArgs, CodexDialogue } from './app-server.ts';

/** The environment variable codex reads the provider's key from (named in its config). */
const KEY_VAR = 'CODEX_PROVIDER_API_KEY';

/**
 * Metadata codex needs for a model it does not know: without it codex offers no `apply_patch`
 * tool and cannot edit files but through its shell (test/coding-agents/README.md).
 */
const modelCatalog = (model: string, extra: Record<string, unknown>) => ({
  models: [
    {
      ...extra,
      slug: model,
      display_name: model,
      base_instructions:
        'You are a coding agent working in a git worktree. Edit files with apply_patch; run commands with exec_command.',
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

/**
 * Codex on its stream, one of two ways:
 * - where a person can speak to it (`steered`) and its `args` are ones the app-server takes:
 *   `codex app-server` (app-server.ts), JSON-RPC on its stdio; the thread started (or resumed)
 *   with the worktree as cwd, its sandbox as below and approvals `never`, the prompt its first
 *   `turn/start`; a person's words go into the running turn (`turn/steer`) and Stop this turn is
 *   `turn/interrupt`;
 * - else `codex exec --json --skip-git-repo-check --sandbox workspace-write <prompt>`,
 *   `exec … resume <thread_id> <prompt>`, stdin closed: it takes nothing while it runs.
 * Its own sandbox lets it write in the worktree only; `danger-full-access` inside Baton's OS
 * sandbox. With a provider: a Responses API provider in `config.toml` of a CODEX_HOME in the
 * task's home, a model catalog entry for the model, plugins and analytics off.
 */
export const codexLaunch: Launch = async (input) => {
  const { agent, provider } = input;
  const env: Record<string, string> = {};
  let home = personHome();
  // In Baton's OS sandbox codex's own (bubblewrap, Landlock) is left off: it cannot be nested in
  // Baton's, which already keeps it to its worktree.
  const ownSandbox = input.sandboxed ? 'danger-full-access' : 'workspace-write';
  if (provider) {
    home = input.home;
    Object.assign(env, await writeCodexProvider(input, provider));
  }
  const command = agent.executable ?? 'codex';
  const model = !provider && agent.model ? agent.model : null;
  if (input.steered && appServerArgs(agent.args)) {
    const dialogue = new CodexDialogue(input.prompt, {
      resume: input.resume,
      params: {
        cwd: input.dir,
        sandbox: ownSandbox,
        approvalPolicy: 'never',
        ...(model === null ? {} : { model }),
      },
    });
    return { command, args: ['app-server', ...agent.args], env, home, input: dialogue.start(), dialogue };
  }
  const args = ['exec', '--json', '--skip-git-repo-check', '--sandbox', ownSandbox];
  if (model !== null) args.push('--model', model);
  args.push(...agent.args);
  if (input.resume) args.push('resume', input.resume);
  args.push(input.prompt);
  return { command, args, env, home };
};

/**
 * Writes a codex home under the task's home (`<home>/codex`: `config.toml` naming the provider as
 * a Responses API server, a model catalog entry for the model, plugins and analytics off) and
 * returns the environment that points codex at it. Codex's ACP adapter reads the same home.
 */
export async function writeCodexProvider(
  input: LaunchInput,
  provider: { base_url: string; api_key: string },
  /** Fields a newer codex (the one in codex-acp) requires in the model's catalog entry. */
  extraModelFields: Record<string, unknown> = {},
): Promise<Record<string, string>> {
  const model = providerModel(input);
  const codexHome = join(input.home, 'codex');
  // The CLI writes its home: what it left by these names (links too) is replaced, not followed.
  await mkdir(input.home, { recursive: true, mode: 0o700 });
  const ownHome = new ConfinedFolder(input.home);
  const own = { fresh: true, mode: 0o600, makeFolders: true, folderMode: 0o700 };
  const catalog = join(codexHome, 'models.json');
  await ownHome.writeFile(
    'codex/models.json',
    JSON.stringify(modelCatalog(model, extraModelFields), null, 2),
    own,
  );
  await ownHome.writeFile(
    'codex/config.toml',
    [
      `model = ${JSON.stringify(model)}`,
      'model_provider = "baton"',
      `model_catalog_json = ${JSON.stringify(catalog)}`,
      'check_for_update_on_startup = false',
      '',
      '[model_providers.baton]',
      'name = "Baton provider"',
      `base_url = ${JSON.stringify(providerUrl(input, provider))}`,
      'wire_api = "responses"',
      `env_key = "${KEY_VAR}"`,
      '',
      '[features]',
      'plugins = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
    own,
  );
  return { CODEX_HOME: codexHome, [KEY_VAR]: provider.api_key };
}
