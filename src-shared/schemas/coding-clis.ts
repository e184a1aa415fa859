/**
 * The coding CLIs a coding agent may name (its `cli`), apart from the agent schema so that what
 * reads them (the schema, the default route of `../coding-route.ts`, the renderer's forms) imports
 * no circle. Each has one folder in src-main/agents/coding/clis/, whose table the compiler holds
 * to these lists.
 */

/** The CLIs Baton drives headless on their own JSON event stream (and over ACP where they speak it). */
export const CODING_CLIS = ['claude', 'codex', 'opencode', 'qwen'] as const;
export type CodingCli = (typeof CODING_CLIS)[number];

/**
 * The `cli` values usable only with `protocol: "acp"` (src-main/agents/coding/routes/acp/): Gemini
 * CLI, and `acp`, any other Agent Client Protocol agent (its `executable` and `args`).
 */
export const ACP_ONLY_CLIS = ['gemini', 'acp'] as const;
export type AcpOnlyCli = (typeof ACP_ONLY_CLIS)[number];
/** Every `cli` a coding agent may name. */
export type AnyCodingCli = CodingCli | AcpOnlyCli;
export const isStreamCli = (cli: string): cli is CodingCli =>
  (CODING_CLIS as readonly string[]).includes(cli);
