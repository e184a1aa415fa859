import { mkdir } from 'node:fs/promises';
import { ConfinedFolder } from '../../../../files/confined-folder.ts';
import type { Launch, LaunchInput } from '../definition.ts';
import { personHome, providerModel, providerUrl } from '../launch.ts';

/**
 * qwen-code: `qwen -p <prompt> --output-format stream-json --yolo` (every tool call approved),
 * `--resume <session_id>`. With a provider: an OpenAI-compatible server in OPENAI_BASE_URL with
 * `--auth-type openai`, HOME (its `.qwen` settings and sessions) the task's home, usage
 * statistics, updates and the managed memory subagent (extra model calls) off.
 */
export const qwenLaunch: Launch = async (input) => {
  const { agent } = input;
  const setup = await qwenSetup(input);
  const args = ['-p', input.prompt, '--output-format', 'stream-json', '--yolo', ...setup.args];
  if (input.resume) args.push('--resume', input.resume);
  args.push(...agent.args);
  const env = { QWEN_CODE_SUPPRESS_YOLO_WARNING: '1', ...setup.env };
  return { command: agent.executable ?? 'qwen', args, env, home: setup.home };
};

/**
 * Where qwen-code runs and how it is told its model (its stream and ACP launches share it): with a
 * provider, `qwenProviderSetup`; on the person's own login, the person's HOME and the agent's
 * `--model` when it names one.
 */
export async function qwenSetup(
  input: LaunchInput,
): Promise<{ home: string; env: Record<string, string>; args: string[] }> {
  const { agent, provider } = input;
  if (provider) return qwenProviderSetup(input, provider);
  return { home: personHome(), env: {}, args: agent.model ? ['--model', agent.model] : [] };
}

/**
 * What qwen-code needs to talk to `provider` (its stream and ACP launches share it): HOME the
 * task's home with a `.qwen/settings.json` that turns usage statistics, updates, the managed
 * memory subagent and cross-session messaging off; OPENAI_BASE_URL / _API_KEY / _MODEL; `--auth-type openai`.
 */
async function qwenProviderSetup(
  input: LaunchInput,
  provider: { base_url: string; api_key: string },
): Promise<{ home: string; env: Record<string, string>; args: string[] }> {
  const model = providerModel(input);
  await mkdir(input.home, { recursive: true, mode: 0o700 });
  // The CLI writes its home: what it left by that name (a link too) is replaced, not followed.
  await new ConfinedFolder(input.home).writeFile(
    '.qwen/settings.json',
    JSON.stringify(
      {
        privacy: { usageStatisticsEnabled: false },
        general: { enableAutoUpdate: false },
        memory: { enableManagedAutoMemory: false, enableManagedAutoDream: false },
        // Else a session opens a socket other qwen sessions on the machine can message it by
        // (under /tmp when its TMPDIR path is too long for a socket, as in Baton's sandbox).
        agents: { crossSessionMessaging: false },
      },
      null,
      2,
    ),
    { fresh: true, mode: 0o600, makeFolders: true, folderMode: 0o700 },
  );
  return {
    home: input.home,
    env: {
      OPENAI_BASE_URL: providerUrl(input, provider),
      OPENAI_API_KEY: provider.api_key,
      OPENAI_MODEL: model,
    },
    args: ['--auth-type', 'openai'],
  };
}
