import type { CodingCli } from '../../../../src-shared/schemas/agent.ts';
import { claudeAdapter } from './claude/stream.ts';
import { codexAdapter } from './codex/stream.ts';
import type { CliAdapter } from './launch.ts';
import { opencodeAdapter } from './opencode/stream.ts';
import { qwenAdapter } from './qwen/stream.ts';

export type { AdapterInput, CliAdapter, CliInvocation } from './launch.ts';

/** One adapter per coding CLI: the compiler asks for a new CLI's. */
export const ADAPTERS: { [K in CodingCli]: CliAdapter & { cli: K } } = {
  claude: { ...claudeAdapter, cli: 'claude' },
  codex: { ...codexAdapter, cli: 'codex' },
  opencode: { ...opencodeAdapter, cli: 'opencode' },
  qwen: { ...qwenAdapter, cli: 'qwen' },
};
