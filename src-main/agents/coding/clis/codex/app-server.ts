import { isObject, type JsonObject, name, obj, str } from '../../streams/json.ts';
import type { Dialogue } from '../definition.ts';

/**
 * Codex's app-server (`codex app-server`, JSON-RPC 2.0 over stdio, one message a line; its
 * protocol as `codex app-server generate-ts` prints it for codex 0.169.0): Baton's side of the
 * conversation, one per attempt.
 *
 * - Opening (`Invocation.input`): `initialize`, the `initialized` notification, then `thread/start`
 *   (`thread/resume` with the stored session id), its cwd the worktree, codex's own sandbox and
 *   approvals as `codex exec` has them (`sandbox`, `approvalPolicy: "never"`).
 * - Once the thread is there (its answer, heard): `turn/start` with the prompt.
 * - A person's words while a turn runs: `turn/steer` with the running turn's id (`expectedTurnId`);
 *   said before codex named the turn, they go with the first `turn/start` or wait for its id.
 * - Stop this turn: `turn/interrupt`; the next turn after a hold: another `turn/start`.
 * - A request of codex's (an approval: none comes with `approvalPolicy: "never"`, as none comes
 *   to `codex exec`) is answered at once: approvals declined, anything else an error. Never left
 *   waiting.
 *
 * Request ids say what they asked (`baton-thread`, `baton-turn-2`, `baton-steer-1`): the parser
 * reads an error answer by them (`notifications.ts`).
 */
export class CodexDialogue implements Dialogue {
  private readonly opening: ThreadOpening;
  private thread: string | null = null;
  /** The running turn's id once codex named it; null between turns. */
  private running: string | null = null;
  /** A `turn/start` was sent and its turn is not over yet (its id may not be known). */
  private turnOpen = false;
  /** Words said before the running turn's id was known, sent as `turn/steer` once it is. */
  private readonly pending: string[] = [];
  /** The first turn's words, sent once the thread is there. */
  private first: string[];
  private counter = 0;

  constructor(prompt: string, opening: ThreadOpening) {
    this.first = [prompt];
    this.opening = opening;
  }

  /** The lines codex is started with: the handshake and the thread. */
  start(): string {
    const { resume, params } = this.opening;
    return [
      rpc('baton-init', 'initialize', {
        clientInfo: { name: 'baton', title: 'Baton', version: '1' },
        capabilities: { experimentalApi: false, requestAttestation: false },
      }),
      note('initialized'),
      resume === null
        ? rpc('baton-thread', 'thread/start', params)
        : rpc('baton-thread', 'thread/resume', { ...params, threadId: resume }),
    ].join('');
  }

  heard(line: string): string[] {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return [];
    }
    if (!isObject(msg)) return [];
    const method = str(msg.method);
    if (method !== null && msg.id !== undefined && msg.id !== null) return [answer(msg.id, method)];
    if (method === null) return this.answered(msg);
    const params = obj(msg.params);
    switch (method) {
      case 'turn/started':
        return this.named(name(obj(params.turn).id));
      case 'turn/completed':
        this.running = null;
        this.turnOpen = false;
        return [];
      default:
        return [];
    }
  }

  steer(text: string): string[] | null {
    if (this.thread === null) {
      // Not started yet: with the first turn's words.
      if (this.first.length > 0) {
        this.first.push(text);
        return [];
      }
      return null;
    }
    if (!this.turnOpen) return null;
    if (this.running === null) {
      this.pending.push(text);
      return [];
    }
    return [this.steerLine(this.running, text)];
  }

  turn(text: string): string[] {
    if (this.thread === null) return [];
    return [this.turnLine([text])];
  }

  interrupt(): string[] | null {
    if (this.thread === null || this.running === null) return null;
    return [rpc(this.id('interrupt'), 'turn/interrupt', { threadId: this.thread, turnId: this.running })];
  }

  /** An answer to one of Baton's requests: the thread's (its first turn then), a turn's (its id). */
  private answered(msg: JsonObject): string[] {
    const id = str(msg.id);
    const result = obj(msg.result);
    if (id === 'baton-thread') {
      const thread = name(obj(result.thread).id);
      if (thread === null) return [];
      this.thread = thread;
      const words = this.first.splice(0);
      return words.length > 0 ? [this.turnLine(words)] : [];
    }
    if (id?.startsWith('baton-turn-') && this.turnOpen && this.running === null)
      return this.named(name(obj(result.turn).id));
    return [];
  }

  /** The running turn's id is known: the words said meanwhile go into it. */
  private named(turn: string | null): string[] {
    if (turn === null || !this.turnOpen) return [];
    this.running = turn;
    return this.pending.splice(0).map((t) => this.steerLine(turn, t));
  }

  private turnLine(words: string[]): string {
    this.turnOpen = true;
    this.running = null;
    return rpc(this.id('turn'), 'turn/start', { threadId: this.thread, input: words.map(textInput) });
  }

  private steerLine(turn: string, text: string): string {
    return rpc(this.id('steer'), 'turn/steer', {
      threadId: this.thread,
      expectedTurnId: turn,
      input: [textInput(text)],
    });
  }

  private id(what: 'turn' | 'steer' | 'interrupt'): string {
    this.counter++;
    return `baton-${what}-${this.counter}`;
  }
}

/** How the thread is opened: a new one or the stored session resumed, with the settings `codex exec` runs with. */
export interface ThreadOpening {
  resume: string | null;
  params: {
    cwd: string;
    sandbox: 'workspace-write' | 'danger-full-access';
    approvalPolicy: 'never';
    model?: string;
  };
}

const textInput = (text: string) => ({ type: 'text', text, text_elements: [] });

const rpc = (id: string, method: string, params: unknown) =>
  `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`;

const note = (method: string) => `${JSON.stringify({ jsonrpc: '2.0', method })}\n`;

/**
 * A request of codex's, answered at once as `codex exec` would have it: an approval declined
 * (with `approvalPolicy: "never"` none comes; Baton's OS sandbox is the boundary), a question to
 * a person or an MCP server's form declined, anything else refused.
 */
function answer(id: unknown, method: string): string {
  const reply = (body: Record<string, unknown>) => `${JSON.stringify({ jsonrpc: '2.0', id, ...body })}\n`;
  switch (method) {
    case 'item/commandExecution/requestApproval':
    case 'item/fileChange/requestApproval':
      return reply({ result: { decision: 'decline' } });
    case 'applyPatchApproval':
    case 'execCommandApproval':
      return reply({
        result: {
          decision: { denied: { rejection: 'Baton answers no approvals: codex runs in its sandbox' } },
        },
      });
    case 'item/tool/requestUserInput':
      return reply({ result: { answers: {} } });
    case 'mcpServer/elicitation/request':
      return reply({ result: { action: 'decline', content: null, _meta: null } });
    default:
      return reply({
        error: { code: -32601, message: `Baton does not answer ${method} (codex runs headless)` },
      });
  }
}

/** Whether codex's `args` are all options `codex app-server` takes (`-c key=value`, `--enable`, `--disable` a feature). */
export function appServerArgs(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^(-c|--config|--enable|--disable)$/.test(a)) {
      if (i + 1 >= args.length) return false;
      i++;
    } else if (!/^(--config|--enable|--disable)=/.test(a) && !/^-c./.test(a)) return false;
  }
  return true;
}
