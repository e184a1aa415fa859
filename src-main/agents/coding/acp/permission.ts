import { isAbsolute, relative } from 'node:path';
import type {
  PermissionOption,
  RequestPermissionOutcome,
  ToolCallUpdate,
  ToolKind,
} from '@agentclientprotocol/sdk';
import type { ToolPolicyRule } from '../../../../src-shared/schemas/agent-tools.ts';
import { type PolicyDecision, toolPolicy } from '../../llm/tools/policy.ts';
import { toolName } from './trace.ts';

export { onlyLooks } from './reads.ts';

import { onlyLooks } from './reads.ts';

/** Tool kinds that only look: allowed without asking, unless a rule says otherwise, when their input only looks too (`onlyLooks`). */
const READ_ONLY: ReadonlySet<ToolKind> = new Set(['read', 'search', 'think', 'fetch']);

/**
 * What the policy is matched against: `<cli>/<tool>` (`claude/Write`, `codex/edit`), read-only
 * when its kind says so and its input agrees (`onlyLooks`: the label alone is the agent's word).
 */
export function policySubject(cli: string, call: ToolCallUpdate, worktree: string) {
  return {
    source: cli,
    name: toolName(call),
    read_only: call.kind != null && READ_ONLY.has(call.kind) && onlyLooks(call, worktree),
  };
}

/**
 * How Baton answers one `session/request_permission` before asking anyone: the agent's
 * `tool_policy` (first matching rule over `<cli>/<tool>`; none: read-only kinds allowed, the rest
 * asked), or allow every call when nobody is to be asked (`tool_approvals` not `inbox`).
 */
export function decide(
  rules: readonly ToolPolicyRule[],
  inbox: boolean,
  cli: string,
  call: ToolCallUpdate,
  worktree: string,
): PolicyDecision {
  if (!inbox)
    return {
      policy: 'allow',
      why: 'the agent\'s tool calls are not asked about (tool_approvals is not "inbox")',
    };
  return toolPolicy(rules)(policySubject(cli, call, worktree));
}

/**
 * The option the agent offered that says what Baton decided: allow once (else allow always), or
 * reject once (else reject always). An agent that offered none of that kind gets `cancelled`, the
 * one answer ACP always takes.
 */
export function chooseOption(
  options: readonly PermissionOption[],
  allow: boolean,
  always = false,
): RequestPermissionOutcome {
  const order: PermissionOption['kind'][] = allow
    ? always
      ? ['allow_always', 'allow_once']
      : ['allow_once', 'allow_always']
    : ['reject_once', 'reject_always'];
  for (const kind of order) {
    const o = options.find((x) => x.kind === kind);
    if (o) return { outcome: 'selected', optionId: o.optionId };
  }
  return { outcome: 'cancelled' };
}

/** Two tool inputs are the same call when their JSON is (key order aside). */
export function sameInput(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, norm((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/**
 * What the agent is told after a turn in which a person denied calls with a reason, or approved
 * one with other arguments: ACP's answer to a permission request carries neither (the agent only
 * learns "rejected"), so Baton says it in the next prompt of the same session.
 */
export function answersPrompt(notes: readonly string[]): string {
  return [
    'A person answered some of your tool calls in Baton while you worked:',
    ...notes.map((n) => `- ${n}`),
    'Take this into account and finish the task.',
  ].join('\n');
}

/** What a kind of call does, as a verb the inbox's sentence starts with. */
const VERBS: Record<ToolKind, string> = {
  read: 'read',
  edit: 'edit',
  delete: 'delete',
  move: 'move',
  search: 'search',
  execute: 'run',
  think: 'think about',
  fetch: 'fetch',
  switch_mode: 'switch mode',
  other: 'use',
};

/** The input fields that name the file or folder a call is about. */
const PATH_FIELDS = ['file_path', 'filePath', 'absolute_path', 'notebook_path', 'path', 'dir_path'];

/**
 * The sentence a person reads on the inbox's card for an ACP agent's permission request: who
 * wants to do what to what, from the call's kind and what it names (its locations, else its
 * input's path, command or URL, else the files its diff changes), with the agent's own title
 * after it: `gemini coder wants to edit notes.txt (Writing to notes.txt)`. A title alone is the
 * agent's words, not a verb phrase ("wants to Writing to …").
 */
export function askReason(
  who: string,
  call: Pick<ToolCallUpdate, 'kind' | 'title' | 'locations' | 'rawInput' | 'content'>,
  name: string,
  worktree: string,
): string {
  const kind = call.kind ?? 'other';
  const show = (p: string) => {
    const rel = relative(worktree, p);
    return isAbsolute(p) && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const input =
    call.rawInput !== null && typeof call.rawInput === 'object' && !Array.isArray(call.rawInput)
      ? (call.rawInput as Record<string, unknown>)
      : {};
  const fromInput = PATH_FIELDS.map((k) => input[k]).filter((v): v is string => typeof v === 'string');
  const fromDiffs = (call.content ?? []).flatMap((c) => (c.type === 'diff' ? [c.path] : []));
  const paths = [...new Set((call.locations ?? []).map((l) => l.path))];
  const named = (paths.length > 0 ? paths : fromInput.length > 0 ? fromInput : fromDiffs).map(show);
  const command = Array.isArray(input.command) ? input.command.join(' ') : input.command;
  const what =
    named.length > 0
      ? `${named.slice(0, 3).join(', ')}${named.length > 3 ? ` and ${named.length - 3} more` : ''}`
      : kind === 'execute' && typeof command === 'string'
        ? `\`${command.length > 120 ? `${command.slice(0, 119)}…` : command}\``
        : typeof input.url === 'string'
          ? input.url
          : '';
  const verb = kind === 'other' ? `use ${name}` : VERBS[kind];
  const said = what ? `${verb} ${what}` : verb;
  const title = call.title?.trim() ?? '';
  const sentence =
    title && title.toLowerCase() !== said.toLowerCase()
      ? `${who} wants to ${said} (${title})`
      : `${who} wants to ${said}`;
  return sentence.length > 500 ? `${sentence.slice(0, 499)}…` : sentence;
}
