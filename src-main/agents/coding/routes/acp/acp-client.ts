import { resolve } from 'node:path';
import type {
  ClientApp,
  ReadTextFileRequest,
  RequestPermissionRequest,
  RequestPermissionResponse,
  SessionNotification,
  ToolCallContent,
  ToolCallUpdate,
  WriteTextFileRequest,
} from '@agentclientprotocol/sdk';
import { client, RequestError } from '@agentclientprotocol/sdk';
import type { CodingAgent } from '../../../../../src-shared/schemas/agent.ts';
import type { ToolCallDiff } from '../../../../../src-shared/schemas/approval.ts';
import { protectedNameOf } from '../../../../../src-shared/schemas/protected-paths.ts';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import type { TaskContext } from '../../../../engine/executor.ts';
import { ConfinedFolder, FolderError } from '../../../../files/confined-folder.ts';
import type { Blocked } from '../../../../sandbox/index.ts';
import { blockedOf, protectedWrite } from '../../../../sandbox/index.ts';
import { capText } from '../../streams/caps.ts';
import { askReason, chooseOption, decide, sameInput } from './permission.ts';
import type { AcpTerminals } from './terminals.ts';
import type { AcpTrace } from './trace.ts';
import { toolName } from './trace.ts';

/** How long a permission request for a call the agent has not reported yet waits for its report (its tool's name). */
const NAME_WAIT_MS = 1_000;
/** The largest file the agent may read through Baton (`fs/read_text_file`). */
const MAX_READ_BYTES = 16 * 1024 * 1024;

export interface ClientSide {
  app: ClientApp;
  /** What the agent must be told in its next prompt (denials with a reason, edited arguments). */
  takeNotes(): string[];
}

/**
 * Baton's side of the Agent Client Protocol for one attempt: `session/update` into steps (through
 * `trace`, handed to `emit`), `session/request_permission` answered by the agent's tool policy or
 * a person in the inbox (`ctx.askToolCall`, the same tool-call approval the llm loop and Claude
 * Code's permission prompt ask), and `fs/read_text_file` / `fs/write_text_file` inside the worktree
 * only (`ConfinedFolder`: no path outside, no symbolic link followed), never to a protected path
 * (`.bashrc`, `.vscode/`, `.git`, … at any depth, but those `guard.mayWrite` opens: the refusal told
 * to `guard.refused`); with `terminals`, the `terminal/*` methods (`terminals.ts`: commands in the
 * worktree, in the OS sandbox).
 */
export function clientSide(
  ctx: TaskContext<CodingAgent>,
  worktree: string,
  trace: AcpTrace,
  emit: (steps: Step[]) => void,
  signal: AbortSignal,
  terminals?: AcpTerminals,
  /** Whether the agent reports each call, with its tool's name, around its permission request (Claude's adapter). */
  reportsToolNames = false,
  /** Keys of a request's raw input that name the call rather than what it does (`AcpPart.callKeys`, ../../clis/definition.ts). */
  callKeys: readonly string[] = [],
  /**
   * Protected paths the workspace opens on purpose, and who is told of a file request Baton
   * refused (outside the worktree, through a link, a protected path), as a `sandbox` step of `process`;
   * `turn`: the running turn's signal, aborted when a person stops the turn (a question of its then
   * answers `cancelled`, as ACP asks of a client after `session/cancel`).
   */
  guard: {
    mayWrite: readonly string[];
    refused: (blocked: Blocked[], process: string) => void;
    turn?: () => AbortSignal;
  } = {
    mayWrite: [],
    refused: () => {},
  },
): ClientSide {
  const { agent } = ctx;
  const inbox = agent.tool_approvals === 'inbox';
  const rules = agent.tool_policy ?? [];
  const folder = new ConfinedFolder(worktree, { label: 'the task’s worktree' });
  const notes: string[] = [];
  /** Arguments a person approved instead of the agent's: the same call asked again with them runs. */
  const edited: unknown[] = [];
  const who = agent.name ?? agent.id;
  const side: ClientSide = {
    takeNotes: () => notes.splice(0),
    app: client({ name: 'baton' }),
  };

  async function permission(p: RequestPermissionRequest): Promise<RequestPermissionResponse> {
    const known =
      trace.nameOf(p.toolCall.toolCallId) ??
      (p.toolCall.name || !reportsToolNames
        ? null
        : await trace.nameSoon(p.toolCall.toolCallId, NAME_WAIT_MS));
    const call = known && !p.toolCall.name ? { ...p.toolCall, name: known } : p.toolCall;
    const name = toolName(call);
    const label = call.title ?? name;
    const allow = (): RequestPermissionResponse => ({ outcome: chooseOption(p.options, true) });
    const reject = (message: string, note: string | null): RequestPermissionResponse => {
      emit(trace.tool(call, 'denied', message));
      if (note !== null) notes.push(`${label}: ${note}`);
      return { outcome: chooseOption(p.options, false) };
    };
    // What the call does: its arguments without the agent's own bookkeeping (Codex's call ids).
    const raw = withoutKeys(call.rawInput, callKeys);
    if (raw !== undefined && edited.some((e) => sameInput(e, raw))) return allow();
    const d = decide(rules, inbox, agent.cli, { ...call, rawInput: raw }, worktree);
    if (d.policy === 'allow') return allow();
    if (d.policy === 'deny') {
      const text = `Denied: the agent's tool policy refuses ${agent.cli}/${name} (${d.why}).`;
      return reject(text, text);
    }
    if (!ctx.askToolCall) {
      const text = 'Denied: this tool needs a person to approve it, and no one can be asked here.';
      return reject(text, text);
    }
    const shown = trace.tool(call, 'awaiting_approval');
    emit(shown);
    const input = raw ?? inputOf(label, call.content);
    const turn = guard.turn?.() ?? signal;
    const verdict = await ctx
      .askToolCall(
        {
          call_id: call.toolCallId,
          tool: name,
          server: null,
          input,
          agent_text: capText(trace.saidSoFar),
          reason: askReason(who, call, name, worktree),
          diff: editDiff(call),
          // Stored with the card: the stream's copy comes with a later tick.
          shown: shown[0],
        },
        turn,
      )
      .catch((err: unknown) => {
        // The turn was stopped by a person while the call waited: the question is withdrawn.
        if (turn.aborted && !signal.aborted) return null;
        throw err;
      });
    if (verdict === null) {
      emit(trace.tool(call, 'denied', 'the turn was stopped by a person'));
      return { outcome: { outcome: 'cancelled' } };
    }
    if (!verdict.approve) return reject(verdict.message, verdict.message);
    if (verdict.input && !sameInput(verdict.input, input)) {
      // ACP's answer cannot carry other arguments: the call is refused, and the agent told to
      // make it again with the person's, which then runs unasked.
      edited.push(verdict.input);
      return reject(
        `approved by ${verdict.actor} with other arguments: the agent is asked to call it again with them`,
        `${verdict.actor} approved it only with these arguments instead of yours: ${JSON.stringify(verdict.input)}. Make the same call again with exactly these arguments.`,
      );
    }
    emit(trace.tool(call, 'running'));
    // Always for this agent: the agent's own "allow always", where it offers one (Baton keeps
    // the grant either way, and answers the agent's later asks about the tool itself).
    return { outcome: chooseOption(p.options, true, verdict.scope === 'agent') };
  }

  /** A file request refused because of where it leads (outside the worktree, through a link): a step. */
  const refusal = (op: 'read' | 'write', path: string, err: unknown) => {
    if (!(err instanceof FolderError) || (err.reason !== 'outside' && err.reason !== 'link')) return;
    const where = err.reason === 'link' ? 'through a symbolic link' : 'outside the worktree';
    guard.refused(
      [
        blockedOf(
          op,
          path.slice(0, 4_096),
          'baton',
          `sandbox: ${op} ${where} refused: ${path}`.slice(0, 5_000),
        ),
      ],
      `${agent.cli} fs/${op}_text_file`,
    );
  };

  side.app
    // A loaded session's replayed history never reaches here (`withoutReplay`, replay.ts).
    .onNotification('session/update', ({ params }: { params: SessionNotification }) => {
      emit(trace.update(params.update));
    })
    .onRequest('session/request_permission', ({ params }) => permission(params))
    .onRequest('fs/read_text_file', async ({ params }: { params: ReadTextFileRequest }) => {
      const text = await confined(
        () => folder.readFile(params.path, MAX_READ_BYTES),
        (err) => refusal('read', params.path, err),
      ).then((b) => b.toString('utf8'));
      if (params.line == null && params.limit == null) return { content: text };
      const lines = text.split('\n');
      const from = Math.max(0, (params.line ?? 1) - 1);
      return {
        content: lines.slice(from, params.limit == null ? undefined : from + params.limit).join('\n'),
      };
    })
    .onRequest('fs/write_text_file', async ({ params }: { params: WriteTextFileRequest }) => {
      // Judged by the parts the folder writes (a path through the worktree's real path too).
      const parts = await confined(
        () => folder.parts(params.path),
        (err) => refusal('write', params.path, err),
      );
      const name = protectedIn(parts, guard.mayWrite);
      if (name !== null) {
        const path = resolve(worktree, params.path);
        guard.refused([protectedWrite(path, 'tool')], `${agent.cli} fs/write_text_file`);
        throw RequestError.invalidParams(
          undefined,
          `${params.path} is a protected path of the task's worktree (${name}): Baton does not write it for the agent`,
        );
      }
      await confined(
        () => folder.writeFile(params.path, params.content, { makeFolders: true }),
        (err) => refusal('write', params.path, err),
      );
      return {};
    });
  if (terminals)
    side.app
      .onRequest('terminal/create', ({ params }) => terminals.create(params))
      .onRequest('terminal/output', ({ params }) => terminals.output(params))
      .onRequest('terminal/wait_for_exit', ({ params }) => terminals.waitForExit(params))
      .onRequest('terminal/kill', ({ params }) => terminals.kill(params))
      .onRequest('terminal/release', ({ params }) => terminals.release(params));
  return side;
}

/** The change an edit says it makes (its first `diff` content), for the inbox's preview; else null. */
export function editDiff(call: Pick<ToolCallUpdate, 'content'>): ToolCallDiff | null {
  const d = call.content?.find((c) => c.type === 'diff');
  return d && d.type === 'diff' ? { path: d.path, old_text: d.oldText ?? null, new_text: d.newText } : null;
}

/**
 * The protected name (`protected-paths.ts`) a path lies under, by its parts from the worktree as
 * `ConfinedFolder` finds them (an absolute path through the worktree's real path included), unless
 * the workspace opens it (`mayWrite`; git's own never); null for any other path.
 */
function protectedIn(parts: readonly string[], mayWrite: readonly string[]): string | null {
  const name = protectedNameOf(parts.join('/'));
  return name !== null && (name === '.git' || !mayWrite.includes(name)) ? name : null;
}

/** A refused or failed file operation as the JSON-RPC error the agent reads (`failed` told first). */
async function confined<T>(op: () => Promise<T>, failed: (err: unknown) => void): Promise<T> {
  try {
    return await op();
  } catch (err) {
    failed(err);
    throw RequestError.invalidParams(undefined, (err as Error).message);
  }
}

/** `input` without the top-level `keys` (an object's; anything else as it is). */
export function withoutKeys(input: unknown, keys: readonly string[]): unknown {
  if (keys.length === 0 || input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([k]) => !keys.includes(k)));
}

/**
 * What a person is shown as the arguments of a call the agent gave none for (Gemini CLI asks with
 * a title and the edit's diff only): the title, and each file the call would change with its text
 * before and after.
 */
export function inputOf(
  title: string,
  content: ToolCallContent[] | null | undefined,
): Record<string, unknown> {
  const changes = (content ?? []).flatMap((c) =>
    c.type === 'diff'
      ? [
          {
            path: c.path,
            old_text: c.oldText == null ? null : capText(c.oldText),
            new_text: capText(c.newText),
          },
        ]
      : [],
  );
  return changes.length > 0 ? { title, changes } : { title };
}
