/** Where an ACP agent's program was found: on PATH, in the global npm prefix, or in a workspace's node_modules/.bin. */
export type AcpAgentSource = 'path' | 'npm-global' | 'project';

/** An agent that speaks the Agent Client Protocol, found on this machine (`agents.detectAcp`). */
export interface DetectedAcpAgent {
  /** Baton's name for it: `claude`, `codex`, `gemini`, `qwen`, `opencode`, `copilot`, `goose`. */
  name: string;
  /** What it is called on screen. */
  title: string;
  /** The program's full path. */
  path: string;
  /** The arguments that start it in ACP mode over stdio. */
  args: readonly string[];
  /** Baton's launch for it (how it is pointed at a provider), or null: it runs as a custom ACP command. */
  launch: string | null;
  source: AcpAgentSource;
  /** The npm package's version when it was found as one, else null. */
  version: string | null;
}
