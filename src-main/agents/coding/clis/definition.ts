import type { AnyCodingCli, CodingAgent, CodingCli } from '../../../../src-shared/schemas/agent.ts';
import type { Wire } from '../metering/wires.ts';
import type { CliStream } from '../streams/stream.ts';

/**
 * One coding CLI, all Baton knows of it in one place: its folder's `index.ts` exports it, the
 * table (`index.ts` beside this file) maps every CLI name to its definition, and the routes are
 * handed an agent's definition and never look one up. See README.md beside this file.
 */
export interface CodingCliDefinition<K extends AnyCodingCli = AnyCodingCli> {
  cli: K;
  /**
   * The wire its model calls speak, which Baton's metering endpoint reads (../metering/wires.ts,
   * by vendor: several CLIs share one); null when Baton cannot know where its calls go (an ACP
   * agent started by its own command), so its calls are not metered.
   */
  wire: Wire | null;
  /**
   * Where its model calls go without a provider, when Baton knows (claude: the agent's
   * ANTHROPIC_BASE_URL, else Anthropic's API), so the endpoint meters them on the person's own
   * login too; null: its own login and config name the server.
   */
  ownServer: ((env: Readonly<Record<string, string>>) => string) | null;
  /** What it keeps in the person's home and the hosts it reaches, on their own login (no provider). */
  ownLogin: OwnLogin;
  /** Its JSON event stream route (`../routes/stream/`), or null: driven over the Agent Client Protocol only. */
  stream: K extends CodingCli ? StreamPart : null;
  /** How it is started over the Agent Client Protocol (`../routes/acp/`). */
  acp: AcpPart;
  /** What it can do on its own route (its stream; ACP for those without one). */
  can: Capabilities;
}

/** What a launch is told to start the program from. */
export interface LaunchInput {
  agent: CodingAgent;
  /** The worktree (the program's working directory). */
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
   * The model server Baton points the program at and the key it is given: with the metering
   * endpoint (every provider of a known CLI), the endpoint's URL and the attempt's own token,
   * never the provider's key (../metering/keys.ts); null: the CLI's own login and config.
   */
  provider: { base_url: string; api_key: string } | null;
  /**
   * Baton's metering endpoint for this attempt (../metering/), which forwards to the provider (or,
   * for claude without one, to its own server): the base URL the program is given in place of the
   * provider's. Null: the program talks to its server directly.
   */
  modelUrl: string | null;
  /** The prompt (the stream route puts it on the command line; ACP sends it over the protocol). */
  prompt: string;
  /** The session to resume, or null for a new one. */
  resume: string | null;
  /** Passed to a CLI that caps its own spend (claude); null: no cap or the CLI has none. */
  maxCostUsd: number | null;
  /** Whether Baton runs as root (claude then needs IS_SANDBOX=1 to skip its permission prompts). */
  root: boolean;
  /**
   * Whether the program runs in Baton's OS sandbox (its agent's sandbox is not `off`): codex then
   * leaves its own sandbox off (it cannot nest one in Baton's), claude is told it is in one.
   */
  sandboxed: boolean;
  /**
   * Baton's MCP server for this attempt (its `/mcp` and a token good for this attempt only), when
   * a person approves the CLI's tool calls (`tool_approvals: "inbox"`) on its stream; else null.
   */
  batonMcp: { url: string; token: string } | null;
  /**
   * A person may speak to the running program (`can.steer` `stdin` or `turn-steer` on the stream
   * route, where someone can: `runs.say`): the prompt then goes on its stdin too, as the first
   * message (Claude Code) or a request of its conversation (Codex's app-server), and stdin stays
   * open (`Invocation.input`).
   */
  steered: boolean;
}

/** How to start the program: its command, arguments (never through a shell), the environment it adds, and its HOME. */
export interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** HOME for the program: Baton's home for the task with a provider, else the person's own (their login and config). */
  home: string;
  /** The first message on its stdin (the prompt), which then stays open for a person's (`LaunchInput.steered`); absent: stdin closed. */
  input?: string;
  /** A person's message as a line for that stdin. */
  inputLine?: (text: string) => string;
  /** The line on that stdin that stops the running turn (`can.interrupt: 'control'` or `'abort'`). */
  interruptLine?: () => string;
  /**
   * The program is spoken to over JSON-RPC on that stdin (Codex's app-server), `input` its
   * opening requests: Baton's side of the conversation, in place of `inputLine` and `interruptLine`.
   */
  dialogue?: Dialogue;
}

/**
 * Baton's side of a conversation with a program over JSON-RPC on its stdio, one per attempt
 * (Codex's app-server: clis/codex/app-server.ts). Each method says the lines to write on its
 * stdin now; the program's answers and notifications are read into steps by its parser.
 */
export interface Dialogue {
  /** One line of its stdout, before the parser reads it: the next request it brings (the first turn once the thread is there), the answer to a request of the program's. */
  heard(line: string): string[];
  /** A person's words into the running turn (`turn/steer`); null: no turn runs that takes them. */
  steer(text: string): string[] | null;
  /** The next turn, after a person held the agent: their words, or Baton's to go on (`turn/start`). */
  turn(text: string): string[];
  /** Stops the running turn (`turn/interrupt`); null: none runs that can be stopped now. */
  interrupt(): string[] | null;
}

/** Writes what the program needs under the task's home (with a provider) and says how to start it. */
export type Launch = (input: LaunchInput) => Promise<Invocation>;

/**
 * What a CLI keeps in the person's home (paths under HOME), for a run on their own login (no
 * provider), when the person's next session of the CLI runs outside any sandbox:
 * - `state`: what it writes there as it works (sessions, caches, logs, its login's refreshed
 *   tokens), writable where it exists;
 * - `config`: what configures what the CLI runs (its settings and their hooks, MCP servers,
 *   commands, agents, skills, plugins, instructions, trusted folders), read-only in Baton's
 *   sandbox whether it is there or not. A folder ends with `/`.
 * Anything in the home but `state` stays read-only as well (claude's `~/.claude.json`). `hosts`:
 * its vendor's API and login servers, which its sandbox then reaches (with a provider, or through
 * the metering endpoint, it reaches only that).
 */
export interface OwnLogin {
  state: readonly string[];
  config: readonly string[];
  hosts: readonly string[];
}

/** A CLI on its JSON event stream: started headless, its stdout read line by line into steps. */
export interface StreamPart {
  /** The program's name on PATH: what `workspaces.detectClis` looks for, the command unless the agent names its `executable`. */
  program: string;
  /** The npm package that installs the program (`npm install -g` it): what a person is told when it is not found. */
  npmPackage: string;
  /** Its command line for a first run and a resume, its environment, the config it writes with a provider. */
  launch: Launch;
  /** Its events into the recorder's calls (../streams/parser.ts runs it, one per attempt). */
  parser: () => CliStream;
  /** Its tools that write or edit files, by the names its stream records (`file-changes.ts`). */
  fileChangeTools: readonly string[];
}

/** A CLI over the Agent Client Protocol: how it is started; what it asks, does and spends comes back over ACP. */
export interface AcpPart {
  /** Its command, arguments and environment, and what it needs written under its home for a provider (`prompt` and `resume` go over ACP). */
  launch: Launch;
  /** The agents on this machine this launch starts, as the Agents screen finds them (`detect.ts`). */
  known: readonly KnownAcpAgent[];
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
}

/**
 * An agent known to speak the Agent Client Protocol: how it is started in ACP mode and where it
 * comes from. `launch` names the CLI whose launch starts it; null: it runs as a custom ACP
 * command (`program` + `args`, cli `acp`).
 */
export interface KnownAcpAgent {
  name: string;
  /** What the agent is called on screen. */
  title: string;
  program: string;
  /** The arguments that start it in ACP mode over stdio. */
  args: readonly string[];
  /** The npm package that installs the program, if one does. */
  npmPackage: string | null;
  launch: AnyCodingCli | null;
}

/**
 * How a running agent can be given a person's message (`runs.say`, docs/steering.md):
 * - `stdin`: into the running turn on an open stdin (`--input-format stream-json`): Claude Code,
 *   whose launch then gives its prompt there (`Invocation.input`) and whose stream route keeps
 *   stdin open; qwen-code's is not wired (its stream run takes nothing while it runs);
 * - `turn-steer`: Codex's app-server `turn/steer` into the running turn, with its id (its stream
 *   launch is `codex app-server` where a person can speak, `Invocation.dialogue`);
 * - `prompt`: another `prompt_async` to opencode's own server (`opencode serve`), through Baton's
 *   bridge on its stdin (clis/opencode/serve.ts): opencode puts it in the running turn, at its next
 *   model request; on a remote worker (no messages) Baton drives `opencode run`, which takes none;
 * - `next-turn`: at its next turn (ACP has `session/cancel` and a next `session/prompt`, no
 *   steer): the ACP route holds the message and prompts again once the turn ends.
 */
export type Steer = 'stdin' | 'turn-steer' | 'prompt' | 'next-turn';

/** What a CLI can do on its own route. Over ACP every agent resumes by `session/load`, holds no cap of its own and is steered at its next turn. */
export interface Capabilities {
  /** How it takes up a session: its own flag and the session id on its stream, or ACP's `session/load` where the agent offers it. */
  resume: 'flag' | 'load-session';
  /** Whether it also stops itself at a USD cap (claude's `--max-budget-usd`): a second line behind the metering endpoint's. */
  nativeBudget: boolean;
  steer: Steer;
  /** How its running turn is stopped without ending the attempt (Stop this turn, Pause; docs/steering.md). */
  interrupt: Interrupt;
}

/**
 * How a running turn can be stopped on the CLI's own route, the attempt then waiting for a
 * person's next words or Resume (`runs.interrupt`, `runs.pause`):
 * - `control`: Claude Code's control request `interrupt` on its open stream-json stdin
 *   (`Invocation.interruptLine`); the turn ends with a result and the CLI waits for the next message;
 * - `turn-interrupt`: Codex's app-server `turn/interrupt` (the turn completes `interrupted`); the
 *   next turn is another `turn/start` on the same thread;
 * - `session-cancel`: ACP's `session/cancel` (the turn ends `cancelled`); every agent over ACP has it;
 * - `abort`: opencode's `POST /session/{id}/abort` on its own server, through Baton's bridge on
 *   its stdin (`Invocation.interruptLine`); the turn ends, the server waits for the next prompt;
 * - `none`: no means while it runs (`codex exec`, `opencode run`, qwen-code's stream): refused.
 */
export type Interrupt = 'control' | 'turn-interrupt' | 'session-cancel' | 'abort' | 'none';
