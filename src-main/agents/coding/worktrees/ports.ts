import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { PortRange, PortsReach } from '../../../../src-shared/schemas/worktrees.ts';

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
 * Whether a server the task's agent starts on its ports can be reached from this machine. In the
 * OS sandbox it cannot: bubblewrap gives the sandbox a network namespace of its own (the library's
 * `--unshare-net`; its only way out is the filtering proxy), so 127.0.0.1 inside is not this
 * machine's (measured: worktree-ports.test.ts). With the agent's sandbox off, it listens on this
 * machine's loopback.
 */
export function portsReach(agent: Agent | undefined, range: PortRange | null): PortsReach {
  if (!range)
    return {
      reachable: false,
      why: 'this worktree holds no ports (it was made before Baton gave worktrees ports)',
    };
  const ports = `${range.first}-${range.first + range.count - 1}`;
  if (agent?.kind === 'coding' && agent.sandbox?.mode === 'off') return { reachable: true };
  return {
    reachable: false,
    why: `its agent runs in the OS sandbox, whose network is its own: a server it starts on 127.0.0.1:${range.first} cannot be reached from this machine. One you start yourself in the worktree (PORT=${range.first}, ports ${ports}) can`,
  };
}
