import { z } from 'zod';
import { checkOutcomeSchema } from './checks.ts';
import { boundedJsonSchema } from './common.ts';
import { SANDBOX_BLOCKS } from './plain/step.ts';

/**
 * Steps: what an agent that thinks in turns did during one attempt, in order — the coding CLIs
 * (Claude Code, Codex, opencode, qwen-code) and the LLM tool loop record the same model, so one
 * trace view, one search and one OpenTelemetry export serve both.
 *
 * A step is identified by (run, task, attempt, seq). A step that changes after it was first
 * recorded (a tool call that was running and has now answered, one now waiting for a person)
 * is recorded again under the same seq: the latest version wins.
 *
 * Money: `usage` steps are what this attempt spent, each a delta (a CLI that reports totals
 * over a resumed session is turned into deltas by its parser), so an attempt's spend is the sum
 * of its usage steps.
 */
export const STEP_KINDS = [
  'session',
  'message',
  'tool_call',
  'usage',
  'error',
  'result',
  'sandbox',
  'check',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * A tool call's life: asked for and running; waiting for a person (policy `ask`); answered;
 * failed (the tool said so); denied (by a person or a policy: the model is told).
 */
export const TOOL_CALL_STATUSES = ['running', 'awaiting_approval', 'done', 'failed', 'denied'] as const;
export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];

/**
 * Where a step's cost comes from: the agent reported it, Baton priced its tokens, no price is
 * known for its model (`unpriced`), or Baton could not see what it used (`unknown`: an answer
 * whose usage could not be read, a CLI stopped before it reported): never taken as $0.
 */
export const COST_SOURCES = ['reported', 'priced', 'unpriced', 'unknown'] as const;
export type CostSource = (typeof COST_SOURCES)[number];

const isoSchema = z.string().min(1).max(64);

const stepBase = {
  /** Position in the attempt, from 0. */
  seq: z.number().int().nonnegative(),
  /** When the step began (ISO 8601). */
  at: isoSchema,
  /** The best-of candidate (1..8) whose step it is, when a task's attempt runs several (docs/best-of.md). */
  candidate: z.number().int().min(1).max(8).optional(),
};

/** The agent's own session (a CLI's session or thread id): what a later attempt resumes. */
export const sessionStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('session'),
  session_id: z.string().min(1).max(512),
  /** The program and its version, e.g. `claude 2.1.330`. */
  agent: z.string().max(200).nullable(),
  model: z.string().max(200).nullable(),
});

/** Text the model said (assistant), or a prompt Baton gave it (user: the task, a reviewer's comment). */
export const messageStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('message'),
  role: z.enum(['assistant', 'user', 'system']),
  text: z.string(),
  /** The person who said it to the running agent (`runs.say`); absent for Baton's own prompts and the model's words. */
  by: z.string().min(1).max(200).optional(),
});

export const toolCallStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('tool_call'),
  /** The call's id as the model or CLI gave it (`toolu_…`, `call_…`); unique in the attempt. */
  call_id: z.string().min(1).max(512),
  /** The tool's name as the model called it (`Write`, `apply_patch`, `read_file`). */
  name: z.string().min(1).max(512),
  /** The MCP server it belongs to, or null for a CLI's or Baton's own tool. */
  server: z.string().max(200).nullable(),
  input: boundedJsonSchema,
  status: z.enum(TOOL_CALL_STATUSES),
  /** What the tool answered (text; structured answers as JSON text), null while running. */
  output: z.string().nullable(),
  error: z.string().nullable(),
  ended_at: isoSchema.nullable(),
  duration_ms: z.number().nonnegative().nullable(),
});

/** Tokens one model request (or, for a CLI that only reports totals, the run) used, and their cost. */
export const usageStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('usage'),
  model: z.string().max(200).nullable(),
  /** Input tokens not read from a cache. */
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cached_input_tokens: z.number().int().nonnegative(),
  /** USD; null when no price is known (`unpriced`) or what was used is not (`unknown`). */
  cost_usd: z.number().nonnegative().nullable(),
  cost_source: z.enum(COST_SOURCES),
  /** How long the model request took, when known. */
  duration_ms: z.number().nonnegative().nullable(),
});

/** Something went wrong: a model server error the agent retries (`retrying`), or one it gave up on. */
export const errorStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('error'),
  message: z.string(),
  retrying: z.boolean(),
});

/** The agent's final answer for the attempt. */
export const resultStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('result'),
  text: z.string(),
  is_error: z.boolean(),
});

/**
 * How Baton learned of it: the sandbox's network filter (every refused connection), its write
 * monitor (Linux: each write outside the writable folders), the program's own error output (a
 * read of a hidden path, which the sandbox does not report: the path just is not there; a
 * connection made around the proxy, or to a Unix socket), a tool call of a coding agent that
 * failed saying so (EROFS for a write the monitor did not see), or Baton itself (`baton`: an ACP
 * agent's file or terminal request outside its worktree, which Baton refused).
 */
export const SANDBOX_SOURCES = ['filter', 'monitor', 'stderr', 'tool', 'baton'] as const;

/** Something the sandbox refused one of the attempt's processes (src-main/sandbox/). */
export const sandboxStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('sandbox'),
  blocked: z.enum(SANDBOX_BLOCKS),
  /** The host and port (`127.0.0.1:8080`), or the path. */
  target: z.string().max(4_096),
  /** Which process: `command`, `run_command curl`, `MCP server fs`, `setup`. */
  process: z.string().max(300),
  seen_by: z.enum(SANDBOX_SOURCES),
  /** In words, as the trace shows it: `sandbox: connection to 127.0.0.1:8080 blocked`. */
  text: z.string().max(5_000),
});

/**
 * A workspace's check run in a coding attempt's worktree after its agent ended (recorded as
 * `running` when it starts, again under the same seq when it ends).
 */
export const checkStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('check'),
  check: checkOutcomeSchema,
});

export const stepSchema = z.discriminatedUnion('kind', [
  sessionStepSchema,
  messageStepSchema,
  toolCallStepSchema,
  usageStepSchema,
  errorStepSchema,
  resultStepSchema,
  sandboxStepSchema,
  checkStepSchema,
]);
export type Step = z.infer<typeof stepSchema>;
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/** A step as stored: which attempt it belongs to. */
export type StoredStep = Step & { run_id: string; task_id: string; attempt: number };
