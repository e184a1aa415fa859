import type { AdapterInput, CliInvocation } from './launch.ts';

/**
 * How one agent is started in Agent Client Protocol mode: its program, arguments and environment,
 * and what it needs written under its home to talk to a provider (the same `AdapterInput` the
 * stream adapters get; `prompt` and `resume` go over ACP, not on the command line). What it asks,
 * does and spends comes back over ACP (`session/request_permission`, `session/update`).
 */
export interface AcpLaunch {
  /** The agent's name in Baton's list of known ACP agents (`claude`, `codex`, `gemini`, `qwen`, `opencode`). */
  name: string;
  /** The program's name on PATH. */
  program: string;
  /** The npm package that installs the program, if one does (how the Agents screen finds it). */
  npmPackage: string | null;
  /**
   * Whether Baton offers it the client's file system (`fs/read_text_file`, `fs/write_text_file`);
   * absent: yes. Gemini CLI cannot create a file through it (it reads the file first and does not
   * take the client's "not found" for a missing file), so it is offered none and writes itself.
   */
  clientFs?: false;
  /**
   * Whether it reports each call with its tool's name (`_meta`) around the permission request,
   * sometimes after it: Baton then waits for that report (at most 1 s) before asking a person.
   */
  reportsToolNames?: true;
  /**
   * Keys of a permission request's raw input that name the call, not what it does (Codex's
   * `call_id`, `turn_id`, `started_at_ms`): left out of the input a person sees and Baton compares,
   * so the same call made again (a loaded session after a restart, or made again with a person's
   * edited arguments) is known as the same.
   */
  callKeys?: readonly string[];
  /** Writes what the agent needs under `input.home` (with a provider) and returns how to start it. */
  invocation(input: AdapterInput): Promise<CliInvocation>;
}
