import { z } from 'zod';
import type { CodingRoute, RouteFacts } from '../../../../src-shared/coding-route.ts';
import { codingRoute, protocolName } from '../../../../src-shared/coding-route.ts';
import type { Agent, AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { ACP_ONLY_CLIS, CODING_CLIS } from '../../../../src-shared/schemas/agent.ts';
import { parseJsonField } from '../../designer/panel-fields.ts';

/** The part of the agent form's draft an ACP coding agent adds (agent-form.ts holds the rest). */
export interface AcpDraftPart {
  cli: AnyCodingCli;
  /** Blank: the default for its CLI; `acp`: the Agent Client Protocol; `stream`: the CLI's own event stream. */
  protocol: '' | 'acp' | 'stream';
  provider_url: string;
  executable: string;
  cli_args: string;
  tool_approvals: 'skip' | 'inbox' | '';
  more: Record<string, string>;
}

/** The tool policy's text, kept where an llm agent's is (its "More settings" key). */
export const TOOL_POLICY_KEY = 'tool_policy';

/** The CLIs the form offers for a protocol: Gemini CLI and any other ACP agent not on a stream. */
export function clisFor(protocol: AcpDraftPart['protocol']): readonly AnyCodingCli[] {
  return protocol === 'stream' ? CODING_CLIS : [...CODING_CLIS, ...ACP_ONLY_CLIS];
}

type RoutePart = Pick<AcpDraftPart, 'cli' | 'protocol' | 'provider_url'>;

/** The route the draft's agent would take here: its protocol, else the default for its CLI. */
export function draftRoute(d: RoutePart, facts: RouteFacts | null): CodingRoute {
  return codingRoute(
    {
      cli: d.cli,
      protocol: d.protocol || undefined,
      provider: d.provider_url.trim() === '' ? undefined : d.provider_url,
    },
    facts ?? { claudeAcp: false },
  );
}

/** Whether the draft's agent runs over ACP here (its protocol, or the default for its CLI). */
export const overAcp = (d: RoutePart, facts: RouteFacts | null): boolean =>
  draftRoute(d, facts).protocol === 'acp';

/** Whether the form asks about tool calls: Claude Code on its stream has the hook, every CLI over ACP has it. */
export const asksToolCalls = (d: RoutePart, facts: RouteFacts | null): boolean =>
  overAcp(d, facts) || d.cli === 'claude';

/** What the "Protocol" select's first option says: the default for the CLI, and what it is here. */
export function defaultOption(d: RoutePart, facts: RouteFacts | null): string {
  return `default (${protocolName(draftRoute({ ...d, protocol: '' }, facts).protocol)})`;
}

/**
 * The protocol fields of the agent the draft describes: its protocol, whether its tool calls wait
 * in the inbox, and (over ACP) its tool policy. Text that is not JSON gives none here; `acpErrorsOf`
 * says so.
 */
export function acpInputOf(
  d: AcpDraftPart,
  facts: RouteFacts | null,
): {
  protocol: 'acp' | 'stream' | undefined;
  tool_approvals: 'skip' | 'inbox' | undefined;
  tool_policy: unknown;
} {
  const acp = overAcp(d, facts);
  const policy = acp ? parseJsonField('Tool policy', d.more[TOOL_POLICY_KEY] ?? '', z.unknown()) : null;
  return {
    protocol: d.protocol || undefined,
    tool_approvals: asksToolCalls(d, facts) ? d.tool_approvals || undefined : undefined,
    tool_policy: policy?.ok ? policy.value : undefined,
  };
}

/**
 * What the form says in its own words about an ACP agent: a tool policy that is not JSON, and
 * the program another ACP agent (cli `acp`) is started by (its arguments may be none).
 */
export function acpErrorsOf(d: AcpDraftPart, facts: RouteFacts | null): Partial<Record<string, string>> {
  const errors: Record<string, string> = {};
  if (!overAcp(d, facts)) return errors;
  const policy = parseJsonField('Tool policy', d.more[TOOL_POLICY_KEY] ?? '', z.unknown());
  if (!policy.ok) errors[`more.${TOOL_POLICY_KEY}`] = policy.message;
  if (d.cli === 'acp') {
    if (d.executable.trim() === '')
      errors.executable = 'Program is required: the program that starts the agent';
  }
  return errors;
}

/** The tool policy of an agent as the form shows it (blank: none). */
export function toolPolicyText(a: Agent): string {
  return a.kind === 'coding' && a.tool_policy !== undefined ? JSON.stringify(a.tool_policy, null, 2) : '';
}
