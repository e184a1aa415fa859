import type { AnyCodingCli } from './schemas/coding-clis.ts';

/**
 * How a coding agent is driven: over the Agent Client Protocol (`acp`) or on its CLI's own JSON
 * event stream (`stream`). An agent's `protocol` decides; without one, Baton's default per CLI
 * (docs/acp-parity.md, "Recommendation per CLI"): claude over ACP when Zed's adapter
 * (`claude-agent-acp`) is installed, else on its stream; codex on its stream; opencode and qwen over
 * ACP with a `provider` (Baton's metering endpoint supplies the usage ACP lacks), on their stream
 * on the person's own login; Gemini CLI and any other ACP agent over ACP, their only route.
 */
export type CodingProtocol = 'acp' | 'stream';

export interface CodingRoute {
  protocol: CodingProtocol;
  /** true: the agent's own `protocol`; false: Baton's default for its CLI. */
  set: boolean;
  /** Why the default is this route (empty when the agent set its own). */
  why: string;
}

/** What the default needs to know of the machine: whether Claude's ACP adapter is installed. */
export interface RouteFacts {
  claudeAcp: boolean;
}

export interface RoutedAgent {
  cli: AnyCodingCli;
  protocol?: CodingProtocol | undefined;
  provider?: unknown;
}

/** The route of a coding agent: its own `protocol`, else the default for its CLI. */
export function codingRoute(a: RoutedAgent, facts: RouteFacts): CodingRoute {
  if (a.protocol) return { protocol: a.protocol, set: true, why: '' };
  switch (a.cli) {
    case 'claude':
      return facts.claudeAcp
        ? { protocol: 'acp', set: false, why: 'default for claude' }
        : {
            protocol: 'stream',
            set: false,
            why: 'default for claude while claude-agent-acp is not installed',
          };
    case 'codex':
      return { protocol: 'stream', set: false, why: 'default for codex' };
    case 'opencode':
    case 'qwen':
      return a.provider !== undefined
        ? { protocol: 'acp', set: false, why: `default for ${a.cli} with a provider` }
        : { protocol: 'stream', set: false, why: `default for ${a.cli} on the person's own login` };
    default:
      return {
        protocol: 'acp',
        set: false,
        why: `${a.cli === 'acp' ? 'an ACP agent' : a.cli} has no other route`,
      };
  }
}

/**
 * Whether the route is ACP whatever the machine has installed (the agent's own `protocol`, or a
 * default that does not hang on Claude's adapter): what the agent schema can check.
 */
export function surelyAcp(a: RoutedAgent): boolean {
  return codingRoute(a, { claudeAcp: false }).protocol === 'acp';
}

/** Whether the route is the CLI's stream whatever the machine has installed. */
export function surelyStream(a: RoutedAgent): boolean {
  return codingRoute(a, { claudeAcp: true }).protocol === 'stream';
}

/** The route's name on screen: `ACP`, `stream`. */
export const protocolName = (p: CodingProtocol): string => (p === 'acp' ? 'ACP' : 'stream');

/** The route as the Agents screen and `baton agents list` show it: `ACP`, `stream`, `default (ACP)`. */
export const routeLabel = (r: CodingRoute): string =>
  r.set ? protocolName(r.protocol) : `default (${protocolName(r.protocol)})`;

/**
 * The attempt log's line about the route taken: `claude runs over ACP (default for claude; set
 * protocol: "stream" for the stream adapter)`.
 */
export function routeLine(cli: AnyCodingCli, r: CodingRoute): string {
  const how = r.protocol === 'acp' ? 'runs over ACP' : 'runs on its stream adapter';
  if (r.set) return `${cli} ${how} (its protocol: "${r.protocol}")`;
  if (cli === 'gemini' || cli === 'acp') return `${cli} ${how} (${r.why})`;
  const other =
    r.protocol === 'acp' ? 'set protocol: "stream" for the stream adapter' : 'set protocol: "acp" for ACP';
  return `${cli} ${how} (${r.why}; ${other})`;
}
