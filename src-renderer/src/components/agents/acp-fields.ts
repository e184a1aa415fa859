import { z } from 'zod';
import type { Agent, AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { ACP_ONLY_CLIS, CODING_CLIS } from '../../../../src-shared/schemas/agent.ts';
import { parseJsonField } from '../../designer/panel-fields.ts';

/** The part of the agent form's draft an ACP coding agent adds (agent-form.ts holds the rest). */
export interface AcpDraftPart {
  cli: AnyCodingCli;
  /** Blank: the CLI's own event stream; `acp`: the Agent Client Protocol. */
  protocol: '' | 'acp';
  executable: string;
  cli_args: string;
  tool_approvals: 'skip' | 'inbox' | '';
  more: Record<string, string>;
}

/** The tool policy's text, kept where an llm agent's is (its "More settings" key). */
export const TOOL_POLICY_KEY = 'tool_policy';

/** The CLIs the form offers for a protocol: Gemini CLI and any other ACP agent only over ACP. */
export function clisFor(protocol: AcpDraftPart['protocol']): readonly AnyCodingCli[] {
  return protocol === 'acp' ? [...CODING_CLIS, ...ACP_ONLY_CLIS] : CODING_CLIS;
}

/** Whether the form asks about tool calls: Claude Code on its stream has the hook, every CLI over ACP has it. */
export const asksToolCalls = (d: Pick<AcpDraftPart, 'cli' | 'protocol'>): boolean =>
  d.protocol === 'acp' || d.cli === 'claude';

/**
 * The protocol fields of the agent the draft describes: its protocol, whether its tool calls wait
 * in the inbox, and (over ACP) its tool policy. Text that is not JSON gives none here; `acpErrorsOf`
 * says so.
 */
export function acpInputOf(d: AcpDraftPart): {
  protocol: 'acp' | undefined;
  tool_approvals: 'skip' | 'inbox' | undefined;
  tool_policy: unknown;
} {
  const acp = d.protocol === 'acp';
  const policy = acp ? parseJsonField('Tool policy', d.more[TOOL_POLICY_KEY] ?? '', z.unknown()) : null;
  return {
    protocol: acp ? 'acp' : undefined,
    tool_approvals: asksToolCalls(d) ? d.tool_approvals || undefined : undefined,
    tool_policy: policy?.ok ? policy.value : undefined,
  };
}

/**
 * What the form says in its own words about an ACP agent: a tool policy that is not JSON, and
 * the program another ACP agent (cli `acp`) is started by (its arguments may be none).
 */
export function acpErrorsOf(d: AcpDraftPart): Partial<Record<string, string>> {
  const errors: Record<string, string> = {};
  if (d.protocol !== 'acp') return errors;
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
