import { z } from 'zod';
import { envMapSchema, secretNameSchema } from './secret-refs.ts';

/**
 * The tools an `llm` agent may call in its tool loop: MCP servers (a local program
 * over stdio, or a URL over streamable HTTP) and Baton's built-in workspace tools. Each source
 * has a name, which is how the model, the policies and the approvals inbox tell its tools apart
 * (`<source>__<tool>` for the model, `<source>/<tool>` for policies).
 */

/** What a source is called: short, and safe inside a model-facing tool name. */
export const toolSourceNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, _ and -')
  .refine((s) => !s.includes('__'), { message: 'must not contain "__" (it separates source and tool)' });

const seconds = z.number().positive().max(86_400, 'must be at most a day (86400 s)');

/**
 * Tools the agent's config says are safe to run twice with the same arguments, besides those
 * the server marks `idempotentHint`: a call of one that was running when Baton died is run again
 * on resume; any other such call is reported to the model as interrupted instead.
 */
const idempotentSchema = z.array(z.string().min(1).max(200)).max(500).default([]);

/** A local MCP server, spawned per attempt and stopped with it (its whole process tree). */
export const mcpStdioToolsSchema = z.strictObject({
  kind: z.literal('mcp_stdio'),
  name: toolSourceNameSchema,
  command: z.string().min(1, 'must not be empty').max(4_096),
  args: z.array(z.string().max(100_000)).max(1_000).default([]),
  /** The only environment the server gets besides PATH, HOME, LANG, TERM and TMPDIR; secrets by name. */
  env: envMapSchema.default({}),
  /** Longest one call may take (default 60 s); the connection itself has 30 s to come up. */
  timeout_s: seconds.optional(),
  idempotent: idempotentSchema,
});

/** A remote MCP server over streamable HTTP; its secret goes in a header. */
export const mcpHttpToolsSchema = z.strictObject({
  kind: z.literal('mcp_http'),
  name: toolSourceNameSchema,
  url: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }),
  /** Sent as `Authorization: Bearer <value>`, or as the raw value of `auth_header`. */
  auth_secret: secretNameSchema.optional(),
  auth_header: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
    .optional(),
  timeout_s: seconds.optional(),
  idempotent: idempotentSchema,
});

/**
 * Baton's own file tools, confined to one folder (default: the attempt's workspace): list, read,
 * search (read-only) and write. `run_command` exists only when `commands` names programs: it
 * runs one of them, without a shell, in that folder; only the program is checked, not its
 * arguments (an allowed `cat` reads any file the user can).
 */
export const workspaceToolsSchema = z.strictObject({
  kind: z.literal('workspace'),
  name: toolSourceNameSchema.default('workspace'),
  /** An absolute folder; default: the attempt's own workspace. */
  dir: z
    .string()
    .min(1)
    .max(4_096)
    .refine((d) => d.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d), { message: 'must be an absolute path' })
    .optional(),
  /** Programs `run_command` may run (a name on PATH or an absolute path); empty: no `run_command`. */
  commands: z.array(z.string().min(1).max(4_096)).max(100).default([]),
  command_timeout_s: seconds.optional(),
});

export const toolSourceSchema = z.discriminatedUnion('kind', [
  mcpStdioToolsSchema,
  mcpHttpToolsSchema,
  workspaceToolsSchema,
]);
export type ToolSource = z.infer<typeof toolSourceSchema>;
export type ToolSourceOf<K extends ToolSource['kind']> = Extract<ToolSource, { kind: K }>;

/** What happens when the model calls a tool: it runs, a person is asked first, or it is refused. */
export const TOOL_POLICIES = ['allow', 'ask', 'deny'] as const;
export type ToolPolicy = (typeof TOOL_POLICIES)[number];

/**
 * One rule of an agent's tool policy. `tools` is a pattern over `<source>/<tool>` where `*`
 * matches any run of characters and `?` one (`fs/*`, `memory/read_graph`, `*` for every tool). The
 * first rule that matches decides; with none, a tool the server marks read-only is allowed and
 * any other is asked about.
 */
export const toolPolicyRuleSchema = z.strictObject({
  tools: z.string().min(1, 'must not be empty').max(300),
  policy: z.enum(TOOL_POLICIES),
});
export type ToolPolicyRule = z.infer<typeof toolPolicyRuleSchema>;
