import { createServer } from 'node:net';
import type { CliInvocation } from '../../cli/adapters/adapter.ts';
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
    // `opencode acp` serves itself over HTTP on loopback and talks to that server: on a port
    // chosen here, so that Baton's sandbox can let it reach it (`ownServerHost`).
    const args = ['acp', '--port', String(await freePort())];
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

/**
 * The loopback host (`127.0.0.1:PORT`) of the HTTP server `opencode acp` starts for itself and
 * connects to: in Baton's OS sandbox every connection goes through its filter, so this one must
 * be listed beside the model endpoint, or opencode fails `session/new` ("OpenCode service
 * failure"). Null for an invocation without `--port`.
 */
export function ownServerHost(inv: Pick<CliInvocation, 'args'>): string | null {
  const i = inv.args.indexOf('--port');
  const port = i === -1 ? undefined : inv.args[i + 1];
  return port && /^\d+$/.test(port) ? `127.0.0.1:${port}` : null;
}

/** A TCP port free on 127.0.0.1 now (another program may take it before opencode does: rare). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
