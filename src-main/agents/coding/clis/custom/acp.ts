import type { AcpPart } from '../definition.ts';
import { personHome } from '../launch.ts';

/**
 * Any other ACP agent (cli `acp`): its `executable` with its `args` (goose: `["acp"]`), in the
 * person's own HOME and with only the environment the agent names; Baton writes no config for it,
 * so a `provider` is not passed on (its own config names its model server).
 */
export const customAcp: AcpPart = {
  // Agents its makers document as ACP agents over stdio that Baton has no launch of its own for.
  known: [
    {
      name: 'copilot',
      title: 'GitHub Copilot CLI',
      program: 'copilot',
      args: ['--acp', '--stdio'],
      npmPackage: '@github/copilot',
      launch: null,
    },
    { name: 'goose', title: 'goose', program: 'goose', args: ['acp'], npmPackage: null, launch: null },
  ],
  async launch(input) {
    const { agent } = input;
    if (!agent.executable)
      throw new Error(
        `coding agent "${agent.id}" with cli "acp" names no executable: set the ACP agent's program`,
      );
    return { command: agent.executable, args: [...agent.args], env: {}, home: personHome() };
  },
};
