import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import type { Blocked } from '../../../sandbox/index.ts';

/** What the sandbox refused the tools' processes, by process (`run_command curl`, `MCP server fs`), until taken. */
export class Refusals {
  private queue: { process: string; blocked: Blocked }[] = [];

  add(process: string, blocked: readonly Blocked[]): void {
    for (const b of blocked) this.queue.push({ process, blocked: b });
  }

  take(): { process: string; blocked: Blocked }[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }
}

/** The sandbox an attempt's tool processes run in (`run_command`, stdio MCP servers). */
export interface ToolSandbox {
  /** The agent's policy, narrowed by the plan. */
  policy: SandboxPolicy;
  /** Baton's own folders, hidden besides the policy's. */
  hide: readonly string[];
  /** Whose processes they are, for errors: `agent "mila"`. */
  owner: string;
  refusals: Refusals;
  /** Under the network policy `ask`: asks a person about a host the sandbox refused (`confine`'s `askHost`). */
  askHost?: ((host: string) => void) | undefined;
}
