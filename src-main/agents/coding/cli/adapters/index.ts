import type { CodingCli } from '../../../../../src-shared/schemas/agent.ts';
import type { CliAdapter } from './adapter.ts';
import { claudeAdapter } from './claude.ts';
import { codexAdapter } from './codex.ts';
import { opencodeAdapter } from './opencode.ts';
import { qwenAdapter } from './qwen.ts';

export type { AdapterInput, CliAdapter, CliInvocation } from './adapter.ts';

/** One adapter per coding CLI: the compiler asks for a new CLI's. */
export const ADAPTERS: { [K in CodingCli]: CliAdapter & { cli: K } } = {
  claude: { ...claudeAdapter, cli: 'claude' },
  codex: { ...codexAdapter, cli: 'codex' },
  opencode: { ...opencodeAdapter, cli: 'opencode' },
  qwen: { ...qwenAdapter, cli: 'qwen' },
};
