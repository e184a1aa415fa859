import type { CodingAgent, CodingCli } from '../../../../src-shared/schemas/agent.ts';

/** What an adapter is told to build a CLI's command line from. */
export interface AdapterInput {
  agent: CodingAgent;
  /** The worktree (the CLI's working directory). */
  dir: string;
  /** The task's CLI home (Baton's, kept across its attempts): config files and session stores go here with a provider. */
  home: string;
  /**
   * The attempt's own folder, removed when the attempt ends however it ends (`attemptTmp`): a
   * file holding what is good for this attempt only (claude's MCP config with its token) goes
   * here, never in `home`, which outlives the attempt.
   */
  tmp: string;
  /**
   * The model server Baton points the CLI at and the key it is given: with the metering endpoint
   * (every provider of a known CLI), the endpoint's URL and the attempt's own token, never the
   * provider's key (metering/keys.ts); null: the CLI's own login and config.
   */
  provider: { base_url: string; api_key: string } | null;
  /**
   * Baton's metering endpoint for this attempt (`metering/`), which forwards to the provider (or,
   * for claude without one, to its own server): the base URL the CLI is given in place of the
   * provider's. Null: the CLI talks to its server directly.
   */
  modelUrl: string | null;
  prompt: string;
  /** The CLI session to resume, or null for a new one. */
  resume: string | null;
  /** Passed to a CLI that caps its own spend (claude); null: no cap or the CLI has none. */
  maxCostUsd: number | null;
  /** Whether Baton runs as root (claude then needs IS_SANDBOX=1 to skip its permission prompts). */
  root: boolean;
  /**
   * Whether the CLI runs in Baton's OS sandbox (its agent's sandbox is not `off`): codex then
   * leaves its own sandbox off (it cannot nest one in Baton's), claude is told it is in one.
   */
  sandboxed: boolean;
  /**
   * Baton's MCP server for this attempt (its `/mcp` and a token good for this attempt only), when
   * a person approves the CLI's tool calls (`tool_approvals: "inbox"`); else null.
   */
  batonMcp: { url: string; token: string } | null;
}

/** How to start the CLI: its program, arguments (never through a shell), the environment it adds, and its HOME. */
export interface CliInvocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** HOME for the CLI: Baton's home for the task with a provider, else the person's own (their login and config). */
  home: string;
}

/** One coding CLI: how it is run headless, how it resumes a session, where its model calls go. */
export interface CliAdapter {
  cli: CodingCli;
  /** The program's name on PATH. */
  program: string;
  /** Whether the CLI also stops itself at a USD cap (`maxCostUsd`): a second line behind the metering endpoint's. */
  nativeBudget: boolean;
  /** Writes what the CLI needs under `home` (with a provider) and returns how to start it. */
  invocation(input: AdapterInput): Promise<CliInvocation>;
}

/**
 * What a CLI keeps in the person's home (paths under HOME), for a run on their own login (no
 * provider), when the person's next session of the CLI runs outside any sandbox:
 * - `state`: what it writes there as it works (sessions, caches, logs, its login's refreshed
 *   tokens), writable where it exists;
 * - `config`: what configures what the CLI runs (its settings and their hooks, MCP servers,
 *   commands, agents, skills, plugins, instructions, trusted folders), read-only in Baton's
 *   sandbox whether it is there or not. A folder ends with `/`.
 * Anything in the home but `state` stays read-only as well (claude's `~/.claude.json`).
 */
export interface OwnLogin {
  state: readonly string[];
  config: readonly string[];
}

/** The person's own HOME (for a CLI without a provider: its login lives there). */
export const personHome = (): string => process.env.HOME ?? process.env.USERPROFILE ?? '/';

/** A model name a provider needs, or an error the attempt fails with. */
export function providerModel(input: AdapterInput): string {
  const model = input.agent.model;
  if (!model) throw new Error(`coding agent "${input.agent.id}" has a provider but no model: set its model`);
  return model;
}

/** The base URL the CLI is given for its provider: Baton's metering endpoint when there is one. */
export const providerUrl = (input: AdapterInput, provider: { base_url: string }): string =>
  input.modelUrl ?? provider.base_url;
