import { z } from 'zod';
import type { Agent, AgentKind } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { sameValue } from '../../designer/draft-changed.ts';
import { parseJsonField } from '../../designer/panel-fields.ts';

/**
 * The agent fields most people leave as they are, one table per kind: the form draws them in its
 * "More settings" fold, the draft holds them as text (`AgentDraft.more`, by key), and each type
 * says how the text becomes the value and back. Blank is the schema's default.
 */
export type MoreType = 'text' | 'number' | 'lines' | 'list' | 'json';

export interface MoreField {
  /** The agent's field; `charter.*` are inside its charter. */
  key: string;
  label: string;
  type: MoreType;
  hint?: string;
  placeholder?: string;
  /** Takes the whole row (JSON, lists). */
  wide?: boolean;
}

const CHARTER: MoreField[] = [
  { key: 'charter.vision', label: 'Charter: vision', type: 'text', placeholder: 'where it is going' },
  {
    key: 'charter.values',
    label: 'Charter: values (one a line)',
    type: 'lines',
    placeholder: 'accuracy\nbrevity',
  },
  {
    key: 'charter.expertise',
    label: 'Charter: expertise (one a line)',
    type: 'lines',
    placeholder: 'market research',
  },
];

const TAGS: MoreField = {
  key: 'tags',
  label: 'Tags (comma-separated)',
  type: 'list',
  placeholder: 'e.g. gpu, eu',
  hint: 'Labels for people and tools; not skills.',
};
const WORKER: MoreField = {
  key: 'worker',
  label: 'Runs on worker (optional)',
  type: 'text',
  placeholder: 'a worker id',
  hint: 'A remote worker (baton worker --id) runs it on its machine; Baton never runs it here.',
};
const TASK_INPUTS: MoreField = {
  key: 'task_inputs',
  label: 'Task inputs it needs (JSON)',
  type: 'json',
  wide: true,
  placeholder: '{ "topic": { "required": true, "description": "what to research", "from": "subject" } }',
  hint: 'What a task given to it needs in its inputs; from: subject, description or email says where a drafted task takes it.',
};
const DAILY_CAP: MoreField = {
  key: 'daily_cap',
  label: 'Daily cap (JSON)',
  type: 'json',
  placeholder: '{ "usd": 5, "tokens": 2000000 }',
  hint: 'Most it may spend in a day (USD, tokens or both): a task waits for the next day, or another agent, once it is spent.',
};
const COMMON: MoreField[] = [TAGS, WORKER, ...CHARTER, TASK_INPUTS, DAILY_CAP];

const HTTP: MoreField[] = [
  {
    key: 'auth_header',
    label: 'Auth header (optional)',
    type: 'text',
    placeholder: 'Authorization',
    hint: "The secret's value goes in this header as it is; default: Authorization: Bearer.",
  },
  { key: 'poll_interval_ms', label: 'Poll every (ms)', type: 'number', placeholder: '1000' },
  { key: 'max_retries', label: 'Retries of a request', type: 'number', placeholder: '2' },
];

/** Which tools run, ask or are refused: an llm agent's, and a coding agent's over ACP (its own editor). */
export const TOOL_POLICY: MoreField = {
  key: 'tool_policy',
  label: 'Tool policy (JSON: the first rule that matches applies)',
  type: 'json',
  wide: true,
  placeholder: '[{ "tools": "fs/write_*", "policy": "ask" }, { "tools": "*", "policy": "allow" }]',
};

const LLM: MoreField[] = [
  { key: 'temperature', label: 'Temperature (0 to 2)', type: 'number', placeholder: "the model's" },
  { key: 'max_tokens', label: 'Most tokens an answer', type: 'number', placeholder: "the model's" },
  { key: 'max_retries', label: 'Retries of a request', type: 'number', placeholder: '2' },
  { key: 'max_steps', label: 'Most turns an attempt', type: 'number', placeholder: '20' },
  {
    key: 'prices',
    label: 'Prices (JSON, USD per 1,000 tokens)',
    type: 'json',
    wide: true,
    placeholder: '{ "llama3.1": { "prompt_per_1k": 0, "completion_per_1k": 0 } }',
    hint: "By the model's name; a model not listed costs 0.",
  },
  {
    key: 'tools',
    label: 'Tools (JSON: MCP servers and workspace tools)',
    type: 'json',
    wide: true,
    placeholder:
      '[{ "kind": "mcp_stdio", "name": "fs", "command": "npx", "args": ["@modelcontextprotocol/server-filesystem", "/tmp/notes"] }]',
    hint: 'With tools the agent answers in a tool loop (docs/tools-and-mcp.md); secrets by name, never by value.',
  },
  TOOL_POLICY,
];

const CODING: MoreField[] = [
  {
    key: 'prices',
    label: 'Prices (JSON, USD per million tokens)',
    type: 'json',
    wide: true,
    placeholder: '{ "qwen3-coder": { "input_per_mtok": 0.5, "output_per_mtok": 2 } }',
    hint: "By the model's name, for CLIs that do not report cost; Baton's own table otherwise.",
  },
];

export const MORE_FIELDS: Record<AgentKind, readonly MoreField[]> = {
  echo: COMMON,
  command: COMMON,
  http: [...HTTP, ...COMMON],
  llm: [...LLM, ...COMMON],
  coding: [...CODING, ...COMMON],
  // A person: no worker runs them.
  human: COMMON.filter((f) => f !== WORKER),
};

/** Every key a table names, for an error's path to find its field. */
export const MORE_KEYS: readonly string[] = [
  ...new Set(Object.values(MORE_FIELDS).flatMap((l) => l.map((f) => f.key))),
];

/** The smallest agent of each kind, to read the schema's defaults from. */
const SMALLEST: Record<AgentKind, Record<string, unknown>> = {
  echo: {},
  human: {},
  command: { command: 'x' },
  http: { url: 'http://x.invalid/' },
  llm: { base_url: 'http://x.invalid/', model: 'm' },
  coding: { cli: 'claude' },
};
const DEFAULTS = Object.fromEntries(
  Object.entries(SMALLEST).map(([kind, fields]) => [
    kind,
    agentSchema.parse({ id: 'x', kind, charter: {}, ...fields }) as Record<string, unknown>,
  ]),
) as Record<AgentKind, Record<string, unknown>>;

function valueAt(o: Record<string, unknown> | undefined, key: string): unknown {
  let v: unknown = o;
  for (const part of key.split('.'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** A value as its field shows it; blank when it is the default. */
function textOf(field: MoreField, value: unknown, fallback: unknown): string {
  if (value === undefined || sameValue(value, fallback)) return '';
  switch (field.type) {
    case 'text':
    case 'number':
      return String(value);
    case 'lines':
      return Array.isArray(value) ? value.join('\n') : '';
    case 'list':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'json':
      return JSON.stringify(value, null, 2);
  }
}

/** The "More settings" fields of an agent, as text. */
export function moreOf(a: Agent): Record<string, string> {
  const more: Record<string, string> = {};
  for (const f of MORE_FIELDS[a.kind]) {
    const text = textOf(f, valueAt(a as Record<string, unknown>, f.key), valueAt(DEFAULTS[a.kind], f.key));
    if (text !== '') more[f.key] = text;
  }
  return more;
}

/**
 * The values of the kind's "More settings" as typed (blank: undefined, the schema's default), by
 * key, or the first text that cannot be read (JSON that does not parse), said in the field's words.
 */
export function moreValues(
  kind: AgentKind,
  more: Readonly<Record<string, string>>,
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of MORE_FIELDS[kind]) {
    const text = (more[f.key] ?? '').trim();
    if (text === '') continue;
    switch (f.type) {
      case 'text':
        values[f.key] = text;
        break;
      case 'number':
        values[f.key] = Number(text);
        break;
      case 'lines':
      case 'list': {
        const items = text
          .split(f.type === 'lines' ? '\n' : ',')
          .map((x) => x.trim())
          .filter(Boolean);
        if (items.length > 0) values[f.key] = items;
        break;
      }
      case 'json': {
        // Only the JSON is read here; what it must hold, the agent's schema says with the rest.
        const r = parseJsonField(moreLabel(f.key), text, z.unknown());
        if (r.ok) values[f.key] = r.value;
        else errors[f.key] = r.message;
        break;
      }
    }
  }
  return { values, errors };
}

/** The field an error's path is about (`tools[0].url` → `tools`), or null when no table names it. */
export function moreKeyOf(path: string): string | null {
  return MORE_KEYS.find((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`)) ?? null;
}

/** A "More settings" field's label, by key. */
export function moreLabel(key: string): string {
  for (const list of Object.values(MORE_FIELDS)) {
    const f = list.find((x) => x.key === key);
    if (f) return f.label.replace(/ \(.*\)$/, '');
  }
  return key;
}
