import type { AcpPart } from '../definition.ts';
import { personHome } from '../launch.ts';
import { opencodeProviderSetup } from './stream.ts';

/**
 * opencode in ACP mode: `opencode acp`. With a provider: the same XDG folders and provider config
 * as the stream adapter, and permissions set to `ask` for edits and shell commands, so each comes
 * to the client as `session/request_permission` (opencode's own default lets them run unasked);
 * reads stay allowed, and paths outside the project are the sandbox's to refuse when it runs in one.
 *
 * `opencode acp` serves itself over HTTP on loopback and talks to that server. In Baton's OS
 * sandbox (a network namespace of its own, where every connection goes through the sandbox's
 * proxy, which connects from the host) that connection would reach the host's loopback, not the
 * sandbox's, and `session/new` fails ("OpenCode service failure", service `directory`). So there
 * it serves on `localhost` and is started through `env NO_PROXY=localhost` (the sandbox clears
 * NO_PROXY from the environment it is given): its own server is reached directly, inside the
 * sandbox, while the model endpoint (127.0.0.1) still goes through the proxy and its filter.
 */
export const opencodeAcp: AcpPart = {
  known: [
    {
      name: 'opencode',
      title: 'opencode',
      program: 'opencode',
      args: ['acp'],
      npmPackage: 'opencode-ai',
      launch: 'opencode',
    },
  ],
  async launch(input) {
    const { agent, provider } = input;
    const env: Record<string, string> = {};
    let home = personHome();
    const args = ['acp'];
    if (provider) {
      const permission = {
        edit: 'ask',
        bash: 'ask',
        webfetch: 'ask',
        ...(input.sandboxed ? { external_directory: 'allow' } : {}),
      };
      const setup = await opencodeProviderSetup(input, provider, { permission });
      home = setup.home;
      Object.assign(env, setup.env);
    }
    const program = agent.executable ?? 'opencode';
    if (input.sandboxed)
      return {
        command: 'env',
        args: [
          'NO_PROXY=localhost',
          'no_proxy=localhost',
          program,
          ...args,
          '--hostname',
          'localhost',
          ...agent.args,
        ],
        env,
        home,
      };
    return { command: program, args: [...args, ...agent.args], env, home };
  },
};
