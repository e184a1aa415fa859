import type { AcpLaunch } from '../acp-launch.ts';
import { personHome } from '../launch.ts';

/**
 * Any other ACP agent (cli `acp`): its `executable` with its `args` (goose: `["acp"]`), in the
 * person's own HOME and with only the environment the agent names; Baton writes no config for it,
 * so a `provider` is not passed on (its own config names its model server).
 */
export const customLaunch: AcpLaunch = {
  name: 'acp',
  program: 'acp',
  npmPackage: null,
  async invocation(input) {
    const { agent } = input;
    if (!agent.executable)
      throw new Error(
        `coding agent "${agent.id}" with cli "acp" names no executable: set the ACP agent's program`,
      );
    return { command: agent.executable, args: [...agent.args], env: {}, home: personHome() };
  },
};
