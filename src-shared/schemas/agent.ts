import { z } from 'zod';
import { surelyStream } from '../coding-route.ts';
import { toolPolicyRuleSchema, toolSourceSchema } from './agent-tools.ts';
import type { AnyCodingCli } from './coding-clis.ts';
import { ACP_ONLY_CLIS, CODING_CLIS, isStreamCli } from './coding-clis.ts';
import { idSchema, skillSchema } from './common.ts';
import { dailyCapSchema } from './daily-cap.ts';
import { sandboxPolicySchema } from './sandbox.ts';
import { envMapSchema, secretNameSchema } from './secret-refs.ts';
import { taskInputsDeclSchema } from './task-inputs.ts';

export type { AcpOnlyCli, AnyCodingCli, CodingCli } from './coding-clis.ts';
export { ACP_ONLY_CLIS, CODING_CLIS, isStreamCli } from './coding-clis.ts';
export type { EnvValue } from './secret-refs.ts';
export { envMapSchema, envValueSchema, secretNameSchema } from './secret-refs.ts';

export const AGENT_STATUSES = ['ONLINE', 'BUSY', 'AWAY', 'OFFLINE'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/**
 * Executor kinds. `echo` is built in (dry runs, benchmarks); `command` runs a local program;
 * `http` delegates to a remote agent service; `llm` asks an OpenAI-compatible model;
 * `coding` drives a coding-agent CLI in a git worktree of a workspace;
 * `human` is a person, handled by the engine itself (approvals), not by an executor.
 */
export const AGENT_KINDS = ['echo', 'command', 'http', 'llm', 'coding', 'human'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export const charterSchema = z.strictObject({
  mission: z.string().max(2_000).optional(),
  vision: z.string().max(2_000).optional(),
  values: z.array(z.string().max(200)).max(50).default([]),
  expertise: z.array(z.string().max(200)).max(50).default([]),
});
export type Charter = z.infer<typeof charterSchema>;

const WHOLE_FROM_1 = 'must be a whole number of at least 1';
const NUMBER_FROM_0 = 'must be a number of at least 0';

/** Fields every agent has, whatever executes it. */

const commonShape = {
  id: idSchema,
  name: z.string().max(200).optional(),
  skills: z.array(skillSchema).max(256).default([]),
  status: z.enum(AGENT_STATUSES).default('ONLINE'),
  max_concurrency: z
    .number({ error: WHOLE_FROM_1 })
    .int(WHOLE_FROM_1)
    .min(1, WHOLE_FROM_1)
    .max(10_000, 'must be at most 10000')
    .default(1),
  cost_per_task: z.number({ error: NUMBER_FROM_0 }).nonnegative(NUMBER_FROM_0).default(0),
  charter: charterSchema.optional(),
  tags: z.array(z.string().max(64)).max(64).default([]),
  /**
   * The remote worker (`baton worker --id`) that runs this agent on its own machine: Baton never
   * runs it here, whatever its kind; the worker pulls its tasks (the pull API) under a lease.
   */
  worker: idSchema.optional(),
  /** What a task given to this agent needs in its `inputs`, and where scope finds it in a request. */
  task_inputs: taskInputsDeclSchema.optional(),
  daily_cap: dailyCapSchema.optional(),
};

const timeoutSchema = z.number().positive().max(604_800, 'must be at most a week (604800 s)');
const httpUrlSchema = z.url({ protocol: /^https?$/, message: 'must be an http or https URL' });

/** The placeholders a `cancel_url` may hold (replaced URL-encoded). */
export const CANCEL_URL_PLACEHOLDERS = ['run_id', 'task_id', 'delegation_task_id', 'attempt'] as const;

const cancelUrlSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(2_048)
  .refine(
    (template) =>
      [...template.matchAll(/\{([^}]*)\}/g)].every((m) =>
        (CANCEL_URL_PLACEHOLDERS as readonly string[]).includes(m[1]!),
      ),
    { message: `may hold only the placeholders ${CANCEL_URL_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` },
  )
  .refine(
    (template) => {
      try {
        const url = new URL(template.replace(/\{[^}]*\}/g, 'x'), 'http://agent.invalid/');
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'must be an http or https URL, or a path relative to url' },
  );

export const echoAgentSchema = z.strictObject({ ...commonShape, kind: z.literal('echo') });

/** A local program, run without a shell in the task's workspace (resources/agents/PROTOCOL.md). */
export const commandAgentSchema = z.strictObject({
  ...commonShape,
  kind: z.literal('command'),
  command: z.string().min(1, 'must not be empty').max(4_096),
  /** Each argument may hold {task_id} {description} {context_file} {workspace} {attempt}. */
  args: z.array(z.string().max(100_000)).max(1_000).default([]),
  /** Added to a minimal environment; a value may reference a secret as `{secret:NAME}`. */
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string())
    .default({}),
  /** The agent's own time limit for one attempt. */
  timeout_s: timeoutSchema.optional(),
  /** The OS sandbox its program runs in (`src-shared/schemas/sandbox.ts`); absent: required, nothing listed. */
  sandbox: sandboxPolicySchema.optional(),
});

/** A remote agent service reached over HTTP (see src-main/agents/http/http.ts). */
export const httpAgentSchema = z.strictObject({
  ...commonShape,
  kind: z.literal('http'),
  url: httpUrlSchema,
  /** Sent as `Authorization: Bearer <value>`, or as the raw value of `auth_header`. */
  auth_secret: secretNameSchema.optional(),
  auth_header: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
    .optional(),
  /** Limit for each request (default 30 s); the whole attempt is bounded by the engine. */
  timeout_s: timeoutSchema.optional(),
  poll_interval_ms: z.number().int().min(10).max(3_600_000).default(1_000),
  max_retries: z.number().int().min(0).max(10).default(2),
  /**
   * Offer the agent a callback URL (`callback_url`, with a per-attempt token) when Baton's
   * server is running; the agent is polled otherwise, or when this is false.
   */
  callback: z.boolean().default(true),
  /**
   * Where to tell the agent that an accepted task was cancelled or timed out: POSTed
   * `{ run_id, task_id, delegation_task_id, attempt, reason }`. A URL, absolute or relative to
   * `url`, that may hold {run_id} {task_id} {delegation_task_id} {attempt}. Without it Baton
   * uses the `cancel_url` the agent answered with, else DELETEs the agent's `poll_url`.
   */
  cancel_url: cancelUrlSchema.optional(),
});

export const llmPriceSchema = z.strictObject({
  prompt_per_1k: z.number().nonnegative(),
  completion_per_1k: z.number().nonnegative(),
});

/** A model behind an OpenAI-compatible `/chat/completions` endpoint (Ollama, vLLM, …). */
export const llmAgentSchema = z.strictObject({
  ...commonShape,
  kind: z.literal('llm'),
  base_url: httpUrlSchema,
  model: z.string().min(1, 'must not be empty').max(200),
  api_key_secret: secretNameSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Cost per 1,000 tokens, by model name; a model not listed costs 0. */
  prices: z.record(z.string().min(1), llmPriceSchema).optional(),
  /** Limit for one whole request, streaming included (default 300 s). */
  timeout_s: timeoutSchema.optional(),
  max_retries: z.number().int().min(0).max(10).default(2),
  /**
   * Tools the model may call: with any, the agent answers a task in a tool loop
   * (src-main/agents/llm/loop/) rather than with one completion.
   */
  tools: z.array(toolSourceSchema).max(32, 'at most 32 tool sources').optional(),
  /** Which tools run, ask a person first, or are refused; the first matching rule decides. */
  tool_policy: z.array(toolPolicyRuleSchema).max(256).default([]),
  /** Most model turns in one attempt's tool loop (default 20). */
  max_steps: z.number().int().min(1).max(1_000).optional(),
  /** Most one attempt may spend (USD), priced from `prices` as the model streams; the loop stops past it. */
  max_cost_usd: z.number({ error: NUMBER_FROM_0 }).positive('must be more than 0').max(1e6).optional(),
  /**
   * The OS sandbox its tools' processes run in (`run_command`, stdio MCP servers;
   * `src-shared/schemas/sandbox.ts`); absent: required, nothing listed.
   */
  sandbox: sandboxPolicySchema.optional(),
});

/** A person: Baton runs nothing for them and no worker pulls their tasks, so no `worker`. */
export const humanAgentSchema = z.strictObject({
  ...commonShape,
  kind: z.literal('human'),
  worker: z.never({ error: 'a human agent is a person: no worker runs it (remove worker)' }).optional(),
});

/** USD per million tokens of one model (the stream parsers' `ModelPrice`). */
export const modelPriceSchema = z.strictObject({
  input_per_mtok: z.number().nonnegative(),
  output_per_mtok: z.number().nonnegative(),
  /** Input read from a prompt cache; the input price when absent. */
  cached_input_per_mtok: z.number().nonnegative().optional(),
});

/**
 * A model server Baton points the CLI at, writing the CLI's own config for it in a folder of
 * the task's (claude: an Anthropic Messages API root such as `https://api.anthropic.com`; codex,
 * opencode and qwen: an OpenAI-compatible base ending in `/v1`, such as a local Ollama's
 * `http://127.0.0.1:11434/v1`). Without it the CLI uses the person's own login and config.
 */
export const codingProviderSchema = z.strictObject({
  base_url: httpUrlSchema,
  /** The API key, by secret name; a placeholder key is sent without it (local servers take any). */
  api_key_secret: secretNameSchema.optional(),
});

/**
 * Whether Baton knows which model server a coding agent's CLI talks to, so its calls can go
 * through Baton's metering endpoint (src-main/agents/coding/metering/): the agent's
 * `provider`, or, without one, claude's own (`ANTHROPIC_BASE_URL` from the agent's env, else
 * Anthropic's API). Codex, opencode and qwen-code without a provider talk to whatever the
 * person's own login and config name.
 */
export function modelServerKnown(a: { cli: AnyCodingCli; provider?: unknown }): boolean {
  // Any ACP agent (cli "acp") is started as it is: Baton writes no config pointing it at its endpoint.
  if (a.cli === 'acp') return false;
  return a.provider !== undefined || a.cli === 'claude';
}

/** Why `max_cost_usd` is refused for a CLI whose model server Baton does not know (said after the field's name). */
export const capNeedsProvider = (cli: AnyCodingCli): string =>
  cli === 'acp'
    ? 'is not held for cli "acp": Baton starts such an agent with its own config, so its model calls do not pass Baton\'s metering endpoint (remove max_cost_usd; the plan\'s budget still weighs the cost it reports)'
    : `needs a provider for cli "${cli}": Baton holds the cap by metering each model call between the CLI and its server, and without a provider ${cli} talks to whichever server its own login and config name (set provider, or remove max_cost_usd)`;

/** A coding-agent CLI run headless in a git worktree (src-main/agents/coding/). */
export const codingAgentSchema = z
  .strictObject({
    ...commonShape,
    kind: z.literal('coding'),
    cli: z.enum([...CODING_CLIS, ...ACP_ONLY_CLIS]),
    /**
     * How Baton drives it: `stream`, the CLI's own JSON event stream (`cli/`, `streams/`); `acp`,
     * the Agent Client Protocol (`acp/`: Baton is the client; every `cli` but `acp` has a known
     * ACP launch, `acp` is any agent started by `executable` and `args`); absent, the default for
     * its CLI (src-shared/coding-route.ts: claude over ACP when claude-agent-acp is installed,
     * opencode and qwen over ACP with a provider, codex on its stream).
     */
    protocol: z
      .enum(['acp', 'stream'], {
        error: 'must be "acp" or "stream" (or left out for the default of its cli)',
      })
      .optional(),
    /** The program; default: the CLI's name (`claude`, `codex`, `opencode`, `qwen`) found on PATH. */
    executable: z.string().min(1, 'must not be empty').max(4_096).optional(),
    /** The model the CLI is told to use; default: the CLI's own (with a provider, required but for claude). */
    model: z.string().min(1, 'must not be empty').max(200).optional(),
    /** Extra arguments, after Baton's own (a permission mode, a CLI option). */
    args: z.array(z.string().max(100_000)).max(1_000).default([]),
    /** The only environment the CLI gets besides PATH, HOME, LANG, TERM, TMPDIR and its provider's. */
    env: envMapSchema.default({}),
    provider: codingProviderSchema.optional(),
    /** Wall-clock limit of one attempt; the CLI's process tree is stopped past it. */
    timeout_s: timeoutSchema.optional(),
    /**
     * Most one attempt may spend (USD). Baton counts every model call through its metering
     * endpoint and refuses the next one once this is spent (claude's own `--max-budget-usd` is a
     * second line). Needs an endpoint Baton can stand in front of: a `provider`, or claude's own
     * server (`modelServerKnown`).
     */
    max_cost_usd: z.number({ error: NUMBER_FROM_0 }).positive('must be more than 0').max(1e6).optional(),
    /** The default `review` of its tasks: `diff` waits for a person to review the diff after each attempt. */
    review: z.enum(['diff', 'none']).optional(),
    /** Prices by model name (USD per million tokens) for CLIs that do not report cost; Baton's table otherwise. */
    prices: z.record(z.string().min(1).max(200), modelPriceSchema).optional(),
    /**
     * Who answers the CLI when it asks to use a tool: `skip` (default) lets every call run unasked;
     * `inbox` asks a person in Baton's approvals inbox (Claude Code only, through Baton's MCP server
     * and `--permission-prompt-tool`). Codex, opencode and qwen-code have no such hook headless:
     * their own modes go in `args`.
     */
    tool_approvals: z.enum(['skip', 'inbox']).optional(),
    /**
     * With `protocol: "acp"` and `tool_approvals: "inbox"`: which of the agent's permission
     * requests run, ask a person, or are refused, as an `llm` agent's `tool_policy` (patterns over
     * `<agent>/<tool kind>/<title>`, e.g. `*\/edit/*`); with none matching, read-only calls
     * (read, search, think, fetch, whose input only looks, inside the worktree) are allowed and
     * the rest asked about.
     */
    tool_policy: z.array(toolPolicyRuleSchema).max(256).optional(),
    /**
     * The OS sandbox the CLI runs in (`src-shared/schemas/sandbox.ts`); absent: required, nothing
     * listed. It writes its worktree, its state folder and the attempt's temp folder, and reaches
     * its model endpoint besides the hosts listed here.
     */
    sandbox: sandboxPolicySchema.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.protocol === 'stream' && !isStreamCli(a.cli))
      ctx.addIssue({
        code: 'custom',
        path: ['protocol'],
        message: `"stream" is not a route of cli "${a.cli}": it is driven over the Agent Client Protocol only (set protocol: "acp" or leave it out)`,
      });
    if (a.tool_policy !== undefined && surelyStream(a))
      ctx.addIssue({
        code: 'custom',
        path: ['tool_policy'],
        message:
          'needs the ACP route (protocol "acp"): a CLI on its own event stream is asked about its tool calls by its own rules',
      });
    if (a.cli === 'acp' && a.executable === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['executable'],
        message: 'is required with cli "acp": the program of the ACP agent to start (its arguments in args)',
      });
    if (a.provider !== undefined && a.model === undefined && a.cli !== 'claude' && a.cli !== 'acp')
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `is required with a provider for cli "${a.cli}": Baton writes the CLI's config for that server, and names the model to ask it for`,
      });
    if (a.max_cost_usd !== undefined && !modelServerKnown(a))
      ctx.addIssue({
        code: 'custom',
        path: ['max_cost_usd'],
        message: capNeedsProvider(a.cli),
      });
    if (a.tool_approvals === 'inbox' && a.cli !== 'claude' && surelyStream(a))
      ctx.addIssue({
        code: 'custom',
        path: ['tool_approvals'],
        message: `"inbox" needs cli "claude" or the ACP route (protocol "acp"): ${a.cli} on its stream has no permission hook in headless mode (pass its own mode in args)`,
      });
  });

const agentKindsSchema = z.discriminatedUnion('kind', [
  echoAgentSchema,
  commandAgentSchema,
  httpAgentSchema,
  llmAgentSchema,
  codingAgentSchema,
  humanAgentSchema,
]);

/** An agent; a missing `kind` means `echo`, so agents files written before kinds still load. */
export const agentSchema = z.preprocess(
  (v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !('kind' in v) ? { ...v, kind: 'echo' } : v,
  agentKindsSchema,
);
export type Agent = z.infer<typeof agentKindsSchema>;
export type AgentOf<K extends AgentKind> = Extract<Agent, { kind: K }>;
export type EchoAgent = AgentOf<'echo'>;
export type CommandAgent = AgentOf<'command'>;
export type HttpAgent = AgentOf<'http'>;
export type LlmAgent = AgentOf<'llm'>;
export type CodingAgent = AgentOf<'coding'>;
export type HumanAgent = AgentOf<'human'>;
/** What a caller may write: defaults filled in by the schema, `kind` optional for `echo`. */
export type AgentInput =
  | z.input<typeof agentKindsSchema>
  | (Omit<z.input<typeof echoAgentSchema>, 'kind'> & { kind?: undefined });

/** An agents file is either a bare array or `{ "agents": [...] }`; ids must be unique. */
export const agentsFileSchema = z
  .preprocess(
    (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && 'agents' in v ? v.agents : v),
    z.array(agentSchema).max(10_000),
  )
  .superRefine((agents, ctx) => {
    const seen = new Set<string>();
    agents.forEach((a, i) => {
      if (seen.has(a.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate agent id "${a.id}"` });
      seen.add(a.id);
    });
  });
