import type { RouteFacts } from '../../../../src-shared/coding-route.ts';
import type { ValidationIssue } from '../../../../src-shared/contract/errors.ts';
import { formatPath } from '../../../../src-shared/contract/errors.ts';
import type { Agent, AgentKind, AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { envText, joinArgs, parseEnv, splitArgs } from '../../format/argv.ts';
import { plainMessage } from '../../format/field-message.ts';
import type { SandboxDraft, SandboxField } from '../sandbox/sandbox-draft.ts';
import {
  EMPTY_SANDBOX,
  SANDBOX_LABELS,
  sameSandbox,
  sandboxDraftOf,
  sandboxFieldOf,
  sandboxMessage,
  sandboxPolicyOf,
} from '../sandbox/sandbox-draft.ts';
import { acpErrorsOf, acpInputOf, TOOL_POLICY_KEY, toolPolicyText } from './acp-fields.ts';
import { MORE_FIELDS, moreKeyOf, moreLabel, moreOf, moreValues } from './agent-more.ts';

/** What the add/edit agent form holds: text as typed, turned into an agent on submit. */
export interface AgentDraft {
  kind: AgentKind;
  id: string;
  name: string;
  skills: string[];
  capacity: string;
  cost: string;
  mission: string;
  command: string;
  args: string;
  url: string;
  cancel_url: string;
  callback: boolean;
  secret: string;
  base_url: string;
  model: string;
  /** Coding agents only: the CLI, program, extra arguments as one line, environment lines, limits, review. */
  cli: AnyCodingCli;
  /** Blank: the CLI's own event stream; `acp`: the Agent Client Protocol (its tool policy is `more.tool_policy`). */
  protocol: '' | 'acp' | 'stream';
  executable: string;
  cli_args: string;
  env: string;
  timeout_s: string;
  max_cost_usd: string;
  review: 'diff' | 'none' | '';
  /** Claude Code, or any CLI over ACP: its tool calls run unasked (`skip`, the default) or wait in the inbox. */
  tool_approvals: 'skip' | 'inbox' | '';
  /** A coding agent's model server: its base URL and its API key's secret name (blank: the CLI's own login). */
  provider_url: string;
  provider_secret: string;
  /** The kind's "More settings" as typed, by the agent's field (agent-more.ts). */
  more: Record<string, string>;
  /** Command, llm and coding agents: the OS sandbox their processes run in. */
  sandbox: SandboxDraft;
}

/** The kinds whose processes run in the OS sandbox, and so have a policy. */
export const SANDBOXED_KINDS: readonly AgentKind[] = ['command', 'llm', 'coding'];

export const EMPTY_DRAFT: AgentDraft = {
  kind: 'echo',
  id: '',
  name: '',
  skills: [],
  capacity: '1',
  cost: '0',
  mission: '',
  command: '',
  args: '',
  url: '',
  cancel_url: '',
  callback: true,
  secret: '',
  base_url: 'http://127.0.0.1:11434/v1',
  model: '',
  cli: 'claude',
  protocol: '',
  executable: '',
  cli_args: '',
  env: '',
  timeout_s: '',
  max_cost_usd: '',
  review: '',
  tool_approvals: '',
  provider_url: '',
  provider_secret: '',
  more: {},
  sandbox: EMPTY_SANDBOX,
};

/**
 * Whether a person changed any field since the form opened (`from`): closing it then asks
 * before dropping what was typed. A field changed and changed back is not a change.
 */
export function draftChanged(from: AgentDraft, now: AgentDraft): boolean {
  if (moreChanged(from.more, now.more)) return true;
  if (!sameSandbox(from.sandbox, now.sandbox)) return true;
  return (Object.keys(now) as (keyof AgentDraft)[]).some((k) => {
    const [a, b] = [from[k], now[k]];
    if (k === 'more' || k === 'sandbox') return false;
    if (Array.isArray(a) && Array.isArray(b)) return a.length !== b.length || a.some((v, i) => v !== b[i]);
    return a !== b;
  });
}

/** Whether two "More settings" differ; a field left blank is one never typed in. */
function moreChanged(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].some((k) => (a[k] ?? '').trim() !== (b[k] ?? '').trim());
}

/** The form's fields an error can belong to; `form` is for one that names no field. */
type BaseField =
  | 'id'
  | 'name'
  | 'skills'
  | 'max_concurrency'
  | 'cost_per_task'
  | 'mission'
  | 'command'
  | 'args'
  | 'url'
  | 'cancel_url'
  | 'secret'
  | 'base_url'
  | 'model'
  | 'cli'
  | 'protocol'
  | 'executable'
  | 'cli_args'
  | 'env'
  | 'timeout_s'
  | 'max_cost_usd'
  | 'review'
  | 'tool_approvals'
  | 'provider_url'
  | 'provider_secret'
  | 'form';
/** A base field, one of "More settings" by its key (`more.tools`), or one of the sandbox's. */
export type AgentField = BaseField | `more.${string}` | `sandbox.${SandboxField}`;
export type AgentFieldErrors = Partial<Record<AgentField, string>>;

/** How each field is named on screen, so a message says which one is wrong. */
const FIELD_LABELS: Record<BaseField, string> = {
  id: 'Id',
  name: 'Name',
  skills: 'Skills',
  max_concurrency: 'Capacity',
  cost_per_task: 'Cost per task',
  mission: 'Mission',
  command: 'Program',
  args: 'Arguments',
  url: 'URL',
  cancel_url: 'Cancel URL',
  secret: 'Secret name',
  base_url: 'Base URL',
  model: 'Model',
  cli: 'CLI',
  protocol: 'Protocol',
  executable: 'Program',
  cli_args: 'Extra arguments',
  env: 'Environment',
  timeout_s: 'Timeout (s)',
  max_cost_usd: 'Most per attempt (USD)',
  review: 'Review',
  tool_approvals: 'Tool calls',
  provider_url: 'Model server URL',
  provider_secret: 'API key secret',
  form: 'Agent',
};

/** The form filled in from an agent, to edit it. */
export function draftOf(a: Agent): AgentDraft {
  const common: AgentDraft = {
    ...EMPTY_DRAFT,
    kind: a.kind,
    id: a.id,
    name: a.name ?? '',
    skills: [...a.skills],
    capacity: String(a.max_concurrency),
    cost: String(a.cost_per_task),
    mission: a.charter?.mission ?? '',
    more: moreOf(a),
    sandbox: sandboxDraftOf('sandbox' in a ? a.sandbox : undefined),
  };
  const timeout = (t: number | undefined) => (t === undefined ? '' : String(t));
  switch (a.kind) {
    case 'command':
      return {
        ...common,
        command: a.command,
        args: a.args.join('\n'),
        env: envText(a.env),
        timeout_s: timeout(a.timeout_s),
      };
    case 'http':
      return {
        ...common,
        url: a.url,
        cancel_url: a.cancel_url ?? '',
        callback: a.callback,
        secret: a.auth_secret ?? '',
        timeout_s: timeout(a.timeout_s),
      };
    case 'llm':
      return {
        ...common,
        base_url: a.base_url,
        model: a.model,
        secret: a.api_key_secret ?? '',
        timeout_s: timeout(a.timeout_s),
        max_cost_usd: a.max_cost_usd === undefined ? '' : String(a.max_cost_usd),
      };
    case 'coding':
      return {
        ...common,
        provider_url: a.provider?.base_url ?? '',
        provider_secret: a.provider?.api_key_secret ?? '',
        cli: a.cli,
        protocol: a.protocol ?? '',
        more: { ...common.more, ...(a.tool_policy ? { [TOOL_POLICY_KEY]: toolPolicyText(a) } : {}) },
        executable: a.executable ?? '',
        model: a.model ?? '',
        cli_args: joinArgs(a.args),
        env: envText(a.env),
        timeout_s: a.timeout_s === undefined ? '' : String(a.timeout_s),
        max_cost_usd: a.max_cost_usd === undefined ? '' : String(a.max_cost_usd),
        review: a.review ?? '',
        tool_approvals: a.tool_approvals ?? '',
      };
    case 'echo':
    case 'human':
      return common;
  }
}

/** A number as typed; blank is not zero. */
const numberOf = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** A number field as typed: blank is none (the schema's default). */
const optionalNumber = (text: string) => (text.trim() === '' ? undefined : numberOf(text));

/**
 * A command agent's environment: `NAME=value` lines, where `{secret:KEY}` in a value (or
 * `NAME=secret:KEY`, as a coding agent's) takes the secret's value.
 */
function commandEnv(text: string): Record<string, string> {
  const env = parseEnv(text);
  if (!env.ok) return {};
  return Object.fromEntries(
    Object.entries(env.env).map(([k, v]) => [k, typeof v === 'string' ? v : `{secret:${v.secret}}`]),
  );
}

function kindFields(d: AgentDraft, facts: RouteFacts | null): Record<string, unknown> {
  // Left as the default (required, nothing listed), an agent has none set.
  const sandbox = sandboxPolicyOf(d.sandbox);
  switch (d.kind) {
    case 'command':
      return {
        command: d.command,
        args: d.args
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean),
        env: commandEnv(d.env),
        timeout_s: optionalNumber(d.timeout_s),
        sandbox,
      };
    case 'http':
      return {
        url: d.url,
        callback: d.callback,
        cancel_url: d.cancel_url || undefined,
        auth_secret: d.secret || undefined,
        timeout_s: optionalNumber(d.timeout_s),
      };
    case 'llm':
      return {
        base_url: d.base_url,
        model: d.model,
        api_key_secret: d.secret || undefined,
        timeout_s: optionalNumber(d.timeout_s),
        max_cost_usd: optionalNumber(d.max_cost_usd),
        sandbox,
      };
    case 'coding': {
      // Unreadable lines are said in the form's words by checkDraft.
      const args = splitArgs(d.cli_args);
      const env = parseEnv(d.env);
      return {
        cli: d.cli,
        executable: d.executable.trim() || undefined,
        model: d.model.trim() || undefined,
        args: args.ok ? args.args : [],
        env: env.ok ? env.env : {},
        timeout_s: optionalNumber(d.timeout_s),
        max_cost_usd: optionalNumber(d.max_cost_usd),
        provider: d.provider_url.trim()
          ? { base_url: d.provider_url.trim(), api_key_secret: d.provider_secret.trim() || undefined }
          : undefined,
        review: d.review || undefined,
        // The protocol, and whether tool calls ask: Claude Code's hook, or ACP's permission requests.
        ...acpInputOf(d, facts),
        sandbox,
      };
    }
    case 'echo':
    case 'human':
      return {};
  }
}

/**
 * The agent the form describes. Editing keeps what the form does not show (its status,
 * tags, the rest of its charter and, for the same kind, settings such as `env` or
 * `timeout_s`); a new kind drops the old kind's settings.
 */
export function agentInputOf(
  d: AgentDraft,
  base: Agent | null,
  facts: RouteFacts | null = null,
): Record<string, unknown> {
  const kept: Partial<Agent> =
    base === null
      ? {}
      : base.kind === d.kind
        ? { ...base }
        : { name: base.name, status: base.status, tags: base.tags, charter: base.charter };
  // The list shows ONLINE at capacity as BUSY; that is not something to save.
  if (kept.status === 'BUSY') kept.status = 'ONLINE';
  // "More settings": every field the kind's table names is the form's now (blank: the default).
  const { values } = moreValues(d.kind, d.more);
  const more: Record<string, unknown> = {};
  const charterMore: Record<string, unknown> = {};
  for (const f of MORE_FIELDS[d.kind]) {
    if (f.key.startsWith('charter.')) charterMore[f.key.slice('charter.'.length)] = values[f.key];
    else more[f.key] = values[f.key];
  }
  const charter = defined({ ...kept.charter, ...charterMore, mission: d.mission.trim() || undefined });
  const hasCharter =
    charter.mission !== undefined ||
    charter.vision !== undefined ||
    (charter.values?.length ?? 0) > 0 ||
    (charter.expertise?.length ?? 0) > 0;
  return defined({
    ...kept,
    id: d.id,
    kind: d.kind,
    name: d.name.trim() || undefined,
    skills: d.skills,
    max_concurrency: numberOf(d.capacity),
    cost_per_task: numberOf(d.cost),
    charter: hasCharter ? charter : undefined,
    ...more,
    ...kindFields(d, facts),
  });
}

/** Without the keys left undefined (an emptied optional field is absent, not `undefined`). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function fieldOf(path: string): AgentField {
  const top = path.replace(/\[\d+\].*$/, '');
  if (top === 'charter.mission') return 'mission';
  if (top.startsWith('sandbox.') || top === 'sandbox') return `sandbox.${sandboxFieldOf(path.slice(8))}`;
  if (top === 'provider.api_key_secret') return 'provider_secret';
  if (top.startsWith('provider')) return 'provider_url';
  const more = moreKeyOf(path);
  if (more) return `more.${more}`;
  if (top === 'auth_secret' || top === 'api_key_secret') return 'secret';
  if (top.startsWith('env')) return 'env';
  return top in FIELD_LABELS && top !== 'form' ? (top as BaseField) : 'form';
}

/** How a field is named on screen. */
function labelOf(field: AgentField): string {
  if (field.startsWith('sandbox.')) return SANDBOX_LABELS[field.slice('sandbox.'.length) as SandboxField];
  return field.startsWith('more.')
    ? moreLabel(field.slice('more.'.length))
    : FIELD_LABELS[field as BaseField];
}

/**
 * One message per field, in plain words naming it: "Capacity must be a whole number of at
 * least 1". A message that is already a sentence (it starts with a capital) is kept as is.
 */
export function fieldErrorsOf(issues: readonly ValidationIssue[]): AgentFieldErrors {
  const errors: AgentFieldErrors = {};
  for (const { path, message } of issues) {
    const field = fieldOf(path);
    if (errors[field]) continue;
    if (field.startsWith('sandbox.')) {
      errors[field] = sandboxMessage(path.slice('sandbox.'.length), message);
      continue;
    }
    const label = field === 'form' ? path : labelOf(field);
    const plain = plainMessage(message);
    // Inside a JSON field, where in it: "Tools: [0].url must be an http or https URL".
    const key = field.startsWith('more.') ? field.slice('more.'.length) : null;
    const inside = key && path !== key ? `: ${path.slice(key.length).replace(/^\./, '')}` : '';
    errors[field] = /^[A-Z]/.test(plain) ? plain : `${label}${inside} ${plain}`;
  }
  return errors;
}

const REQUIRED: Record<AgentKind, (keyof AgentDraft & AgentField)[]> = {
  echo: ['id'],
  human: ['id'],
  command: ['id', 'command'],
  http: ['id', 'url'],
  llm: ['id', 'base_url', 'model'],
  coding: ['id'],
};

/** Every problem with the form at once, or the agent to save. */
export function checkDraft(
  d: AgentDraft,
  base: Agent | null,
  facts: RouteFacts | null = null,
): { ok: true; agent: Agent } | { ok: false; errors: AgentFieldErrors } {
  const parsed = agentSchema.safeParse(agentInputOf(d, base, facts));
  const errors = parsed.success
    ? {}
    : fieldErrorsOf(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  // Said in the form's words (an unclosed quote, a line without =, JSON that does not parse)
  // rather than the schema's.
  if (d.kind === 'coding') {
    const args = splitArgs(d.cli_args);
    const argsLabel = d.cli === 'acp' ? 'Arguments' : FIELD_LABELS.cli_args;
    if (!args.ok) errors.cli_args = `${argsLabel} ${args.error}`;
    if (d.provider_secret.trim() !== '' && d.provider_url.trim() === '')
      errors.provider_url = `${FIELD_LABELS.provider_url} is required to use an API key secret`;
    Object.assign(errors, acpErrorsOf(d, facts));
  }
  if (d.kind === 'coding' || d.kind === 'command') {
    const env = parseEnv(d.env);
    if (!env.ok) errors.env = `${FIELD_LABELS.env}: ${env.error}`;
  }
  if (d.kind !== 'echo' && d.kind !== 'human') {
    const timeout = d.timeout_s.trim();
    if (timeout !== '' && !(Number(timeout) > 0))
      errors.timeout_s = `${FIELD_LABELS.timeout_s} must be a number of seconds more than 0`;
  }
  for (const [key, message] of Object.entries(moreValues(d.kind, d.more).errors))
    errors[`more.${key}`] = message;
  for (const field of REQUIRED[d.kind]) {
    const value = d[field];
    if (typeof value === 'string' && value.trim() === '')
      errors[field] = `${FIELD_LABELS[field]} is required`;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, agent: parsed.data };
}
