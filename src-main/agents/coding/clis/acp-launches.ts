import type { AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import type { AcpLaunch } from './acp-launch.ts';
import { claudeLaunch } from './claude/acp.ts';
import { codexLaunch } from './codex/acp.ts';
import { customLaunch } from './custom/acp.ts';
import { geminiLaunch } from './gemini/acp.ts';
import { opencodeLaunch } from './opencode/acp.ts';
import { qwenLaunch } from './qwen/acp.ts';

export type { AcpLaunch } from './acp-launch.ts';

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
