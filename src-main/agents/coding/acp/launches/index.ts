import type { AnyCodingCli } from '../../../../../src-shared/schemas/agent.ts';
import { claudeLaunch } from './claude.ts';
import { codexLaunch } from './codex.ts';
import { customLaunch } from './custom.ts';
import { geminiLaunch } from './gemini.ts';
import type { AcpLaunch } from './launch.ts';
import { opencodeLaunch } from './opencode.ts';
import { qwenLaunch } from './qwen.ts';

export type { AcpLaunch } from './launch.ts';

/** How each `cli` is started with `protocol: "acp"`, by name (`acp`: the agent's own command). */
export const ACP_LAUNCHES: Record<AnyCodingCli, AcpLaunch> = {
  claude: claudeLaunch,
  codex: codexLaunch,
  gemini: geminiLaunch,
  qwen: qwenLaunch,
  opencode: opencodeLaunch,
  acp: customLaunch,
};

export function acpLaunch(cli: AnyCodingCli): AcpLaunch | null {
  return ACP_LAUNCHES[cli] ?? null;
}
