import { personHome } from '../../cli/adapters/adapter.ts';
import { opencodeProviderSetup } from '../../cli/adapters/opencode.ts';
import type { AcpLaunch } from './launch.ts';

/**
 * opencode in ACP mode: `opencode acp`. With a provider: the same XDG folders and provider config
 * as the stream adapter, and permissions set to `ask` for edits and shell commands, so each comes
 * to the client as `session/request_permission` (opencode's own default lets them run unasked);
 * reads stay allowed, and paths outside the project are the sandbox's to refuse when it runs in one.
 */
export const opencodeLaunch: AcpLaunch = {
  name: 'opencode',
  program: 'opencode',
  npmPackage: 'opencode-ai',
  async invocation(input) {
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
    args.push(...agent.args);
    return { command: agent.executable ?? 'opencode', args, env, home };
  },
};
