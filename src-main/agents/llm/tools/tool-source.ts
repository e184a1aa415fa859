/**
 * What the tool loop sees of any tool, whichever source it comes from (an MCP server, Baton's
 * workspace tools).
 */
export interface ToolInfo {
  /** The source's name from the agent config (`fs`, `workspace`). */
  source: string;
  /** The tool's own name at its source (`read_text_file`). */
  name: string;
  description: string;
  /** JSON Schema of its arguments. */
  input_schema: Record<string, unknown>;
  /** The server says it changes nothing (`readOnlyHint`); decides the default policy. */
  read_only: boolean;
  /** Safe to run twice with the same arguments (`idempotentHint`, or the agent config says so). */
  idempotent: boolean;
}

/** What a call answered: text for the model; `ok: false` when the tool failed (the model is told). */
export interface ToolOutcome {
  ok: boolean;
  text: string;
}

/** One open source of tools for an attempt. `close` stops what it started (a server's process tree). */
export interface ToolSourceHandle {
  readonly name: string;
  readonly tools: ToolInfo[];
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome>;
  close(): Promise<void>;
}

/** Opening a source failed: `error` says which source and why (naming the command or URL). */
export type OpenResult = { ok: true; source: ToolSourceHandle } | { ok: false; error: string };

/** Most of one tool answer handed to the model and stored in its step. */
export const TOOL_TEXT_CAP = 100_000;

export function capText(text: string): string {
  return text.length <= TOOL_TEXT_CAP
    ? text
    : `${text.slice(0, TOOL_TEXT_CAP)}\n[… ${text.length - TOOL_TEXT_CAP} more characters cut]`;
}
