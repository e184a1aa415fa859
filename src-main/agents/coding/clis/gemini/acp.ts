import { mkdir } from 'node:fs/promises';
import { ConfinedFolder } from '../../../../files/confined-folder.ts';
import type { AcpPart } from '../definition.ts';
import { personHome, providerModel, providerUrl } from '../launch.ts';

/**
 * Gemini CLI in ACP mode: `gemini --acp`. With a provider (a server speaking the Gemini API):
 * HOME the task's home, whose `.gemini/settings.json` selects API-key auth and turns usage
 * statistics, telemetry, update checks and its own sandbox off; GOOGLE_GEMINI_BASE_URL and
 * GEMINI_API_KEY name Baton's metering endpoint and the attempt's token (the endpoint meters each
 * `generateContent` call and sends the provider's key on), `--model` the model; GEMINI_CLI_TRUST_WORKSPACE trusts
 * the worktree (else an untrusted folder runs in a restricted mode). Sessions live under that
 * HOME (`.gemini/tmp`), and `session/load` takes them up again.
 */
export const geminiAcp: AcpPart = {
  known: [
    {
      name: 'gemini',
      title: 'Gemini CLI',
      program: 'gemini',
      args: ['--acp'],
      npmPackage: '@google/gemini-cli',
      launch: 'gemini',
    },
  ],
  clientFs: false,
  async launch(input) {
    const { agent, provider } = input;
    const env: Record<string, string> = { GEMINI_CLI_TRUST_WORKSPACE: 'true' };
    let home = personHome();
    const args = ['--acp'];
    if (provider) {
      home = input.home;
      const model = providerModel(input);
      await mkdir(input.home, { recursive: true, mode: 0o700 });
      await new ConfinedFolder(input.home).writeFile(
        '.gemini/settings.json',
        JSON.stringify(geminiSettings(model), null, 2),
        { fresh: true, mode: 0o600, makeFolders: true, folderMode: 0o700 },
      );
      Object.assign(env, {
        GOOGLE_GEMINI_BASE_URL: providerUrl(input, provider),
        GEMINI_API_KEY: provider.api_key,
      });
      args.push('--model', model);
    } else if (agent.model) {
      args.push('--model', agent.model);
    }
    args.push(...agent.args);
    return { command: agent.executable ?? 'gemini', args, env, home };
  },
};

/** Gemini CLI's settings for a provider: API-key auth, nothing sent anywhere but the model server. */
export function geminiSettings(model: string) {
  return {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    model: { name: model },
    tools: { sandbox: false },
  };
}
