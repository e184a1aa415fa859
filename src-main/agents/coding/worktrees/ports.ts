import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { PortListening, PortRange, PortsNow } from '../../../../src-shared/schemas/worktrees.ts';
import type { Inbound } from '../../../sandbox/index.ts';
import { listensHere, lookInto } from '../../../sandbox/index.ts';

/**
 * What a worktree's agent, its setup command and its checks are told of its ports: `PORT` (the
 * first, which most dev servers read), `BATON_PORT` (the same) and `BATON_PORTS` (the block,
 * `first-last`). They go over the workspace's and agent's env: the block is what keeps two
 * worktrees' servers apart.
 */
export function portsEnv(range: PortRange | null | undefined): Record<string, string> {
  if (!range) return {};
  const last = range.first + range.count - 1;
  return {
    PORT: String(range.first),
    BATON_PORT: String(range.first),
    BATON_PORTS: `${range.first}-${last}`,
  };
}

/**
 * The running agents' forwarded ports, by worktree folder (one Baton process's: the folders of two
 * apps in one process differ, as their data directories do). An attempt adds its agent's while it
 * runs (`forwardedInto`); `worktrees.ports` looks at them.
 */
const forwarded = new Map<string, Inbound>();

/** Records the agent's forwarded ports for its worktree; returns what forgets them (its attempt's end). */
export function forwardedInto(dir: string, inbound: Inbound): () => void {
  forwarded.set(dir, inbound);
  return () => {
    if (forwarded.get(dir) === inbound) forwarded.delete(dir);
  };
}

const blockOf = (range: PortRange): number[] =>
  Array.from({ length: range.count }, (_, i) => range.first + i);

/** The ports of `ports` something on this machine accepts connections on (a connect each, at once). */
async function listeningHere(ports: readonly number[]): Promise<PortListening[]> {
  const up = await Promise.all(ports.map((p) => listensHere(p)));
  return ports.filter((_, i) => up[i]).map((port) => ({ port, where: 'machine' as const }));
}

/**
 * What listens on a worktree's ports now, looked at, and how its agent's servers are reached:
 * while its agent runs in the OS sandbox, through the forwarder (`sandbox/inbound.ts`), a port
 * listened on when the sandbox's own table of sockets says so; a port the forwarder does not hold
 * (another program here had it first, or the agent does not run in the sandbox now) when a
 * connection to 127.0.0.1 on this machine is taken. `workspace`: the task's, whose
 * `forward_ports` says whether its agents' ports are forwarded at all.
 */
export async function portsNow(
  dir: string,
  range: PortRange | null,
  agent: Agent | undefined,
  workspace: Pick<Workspace, 'id' | 'forward_ports'> | undefined,
): Promise<PortsNow> {
  if (!range)
    return {
      ports: null,
      reach: {
        via: 'none',
        why: 'this worktree holds no ports (it was made before Baton gave worktrees ports)',
      },
      listening: [],
    };
  const inbound = forwarded.get(dir);
  if (inbound) {
    const look = await lookInto(inbound);
    // Starting: the forwarder is taking the block's ports here, so a connection would find it, not a server.
    if (look.starting) return { ports: range, reach: { via: 'none', why: notReached(true) }, listening: [] };
    const refused = look.refused.map((r) => r.port);
    const here = await listeningHere(refused);
    const inside = look.listening.map((port) => ({ port, where: 'sandbox' as const }));
    return {
      ports: range,
      reach: { via: 'forwarder', refused },
      listening: [...inside, ...here].sort((a, b) => a.port - b.port),
    };
  }
  const listening = await listeningHere(blockOf(range));
  if (agent?.kind === 'coding' && agent.sandbox?.mode === 'off')
    return { ports: range, reach: { via: 'loopback' }, listening };
  // Linux's sandbox has a network of its own: without the forwarder, nothing here reaches it.
  if (process.platform === 'linux' && workspace && !workspace.forward_ports)
    return { ports: range, reach: { via: 'off', workspace_id: workspace.id }, listening };
  return { ports: range, reach: { via: 'none', why: notReached(false) }, listening };
}

/** Why a server of the agent in the sandbox is not reached now. */
function notReached(starting: boolean): string {
  if (process.platform === 'darwin')
    return "macOS's sandbox lets no server of its agent listen: a server you start yourself in the worktree is reached";
  if (process.platform !== 'linux') return 'its agent runs in no OS sandbox here';
  return starting
    ? 'its agent is starting: its ports are forwarded into its sandbox in a moment'
    : 'its agent is not running: while it runs, a server it starts in its sandbox on these ports is reached from here';
}
