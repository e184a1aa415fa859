import type { AnyCodingCli } from '../../../../../src-shared/schemas/agent.ts';
import { claudeLaunch } from './claude.ts';
import { codexLaunch } from './codex.ts';
import { customLaunch } from './custom.ts';
import type { AcpLaunch } from './launch.ts';

export type { AcpLaunch } from './launch.ts';

/**
 * How each `cli` is started with `protocol: "acp"`, by name. A `cli` missing here has no ACP
 * launch yet: its attempt fails saying so.
 */
export const ACP_LAUNCHES: Partial<Record<AnyCodingCli, AcpLaunch>> = {
  claude: claudeLaunch,
  codex: codexLaunch,
  acp: customLaunch,
};

export function acpLaunch(cli: AnyCodingCli): AcpLaunch | null {
  return ACP_LAUNCHES[cli] ?? null;
}
