import type { CodingCliDefinition } from '../definition.ts';
import { codexAcp } from './acp.ts';
import { createCodexStream } from './parser.ts';
import { codexLaunch } from './stream.ts';

/**
 * Codex: on its stream `codex exec --json` (stream.ts, parser.ts), over ACP through Zed's
 * adapter (acp.ts); an OpenAI Responses server with a provider. Its app-server takes a message
 * into a running turn (`turn/steer`); `codex exec` does not.
 */
export const codex: CodingCliDefinition<'codex'> = {
  cli: 'codex',
  wire: 'responses',
  ownServer: null,
  /** Codex on the person's own login: its sessions, logs and login in `~/.codex`, its config read-only. */
  ownLogin: {
    state: ['.codex'],
    config: [
      '.codex/config.toml',
      '.codex/managed_config.toml',
      '.codex/requirements.toml',
      '.codex/hooks.json',
      '.codex/.env',
      '.codex/AGENTS.md',
      '.codex/AGENTS.override.md',
      '.codex/prompts/',
      '.codex/rules/',
      '.codex/skills/',
      '.codex/agents/',
      '.codex/hooks/',
      '.codex/plugins/',
    ],
    hosts: ['api.openai.com', 'chatgpt.com', 'auth.openai.com'],
  },
  stream: {
    program: 'codex',
    npmPackage: '@openai/codex',
    launch: codexLaunch,
    parser: createCodexStream,
    // `file_change` is an item type: its model's `apply_patch` call is not printed.
    fileChangeTools: ['file_change'],
  },
  acp: codexAcp,
  can: { resume: 'flag', nativeBudget: false, steer: 'turn-steer', interrupt: 'turn-interrupt' },
};
