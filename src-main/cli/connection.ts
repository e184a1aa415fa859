import type { Caller } from '../../src-shared/contract/caller.ts';
import type { BatonClient } from '../../src-shared/contract/client.ts';
import { createClient } from '../../src-shared/contract/client.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createInProcessClient } from '../app/memory-transport.ts';
import { findHost, readServerJson } from '../mcp/host-link.ts';
import { hostSocketTransport } from './host-socket.ts';

/** How a command reaches its data directory (`connect`). */
export interface Connection {
  client: BatonClient;
  /** The URL of the Baton host the command goes through; null when this process opened the data directory. */
  host: string | null;
}

/**
 * What a command tells on stderr about where it went: `run` (it starts or answers for a run,
 * which goes on where it executes), `change` (it changes what a host holds), `read`.
 */
export type CommandKind = 'run' | 'change' | 'read';

/**
 * The one way every CLI command reaches the data directory. When a Baton host serves it (`baton
 * serve`, or browser mode: server.json names it and it answers with that token), the command goes
 * through it, as the UI does: what the command changes is what that host holds at once, the runs
 * it starts or answers for execute there, and names of secrets are looked up there. Otherwise
 * the data directory is opened in this process (`openApp`). Output is the same either way.
 * `caller`: who the command's calls are from (`--as`, else the login name), recorded with what they change.
 */
export async function connect(
  dataDir: string,
  openApp: () => BatonApp,
  kind: CommandKind,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  caller?: Caller,
): Promise<Connection> {
  const named = readServerJson(dataDir);
  const host = named ? await findHost(dataDir) : null;
  if (host) {
    if (kind === 'run')
      say(`Through the Baton host at ${host.url} (it serves ${dataDir}): the run goes on there.`);
    return { client: createClient(hostSocketTransport(dataDir, host), () => caller), host: host.url };
  }
  // A host that died (killed) leaves its server.json; one that hangs does not answer either.
  if (named && kind !== 'read')
    say(
      `No Baton host answers at ${named.url} (named in server.json): working on ${dataDir} in this process.`,
    );
  return { client: createInProcessClient(openApp(), caller), host: null };
}

/**
 * A Baton reached over the network as a person (`baton login --url`): every call over its socket
 * with their personal access token, as that person, with their role. `caller` is sent as for a
 * host on this machine; the host records the token's person instead.
 */
export function connectRemote(
  url: string,
  token: string,
  kind: CommandKind,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  caller?: Caller,
): Connection {
  if (kind === 'run') say(`Through the Baton at ${url}: the run goes on there.`);
  return { client: createClient(hostSocketTransport(null, { url, token }), () => caller), host: url };
}
