import { arr, count, type JsonObject, name, obj, str } from '../../streams/json.ts';
import type { Recorder } from '../../streams/recorder.ts';

/** How the parser reads one event of `codex exec --json` (parser.ts). */
type ExecEvent = (ev: JsonObject, rec: Recorder) => boolean;

/**
 * Codex's app-server messages (app-server.ts) read as the `codex exec --json` events they stand
 * for, so both launches make the same steps, usage and file changes (`codex exec` is itself a
 * client of the same core: its events are these notifications, renamed):
 *
 * - `thread/started`, and the answer to `thread/start`/`thread/resume` → `thread.started` (the session);
 * - `item/started`, `item/completed` → `item.started`, `item.completed`, the item in exec's shape
 *   (`commandExecution` → `command_execution`, `fileChange` → `file_change` with `kind` its type,
 *   …); a `userMessage` (the prompt, a person's words: Baton records those) is not a step;
 * - `thread/tokenUsage/updated` → the thread's totals, which `turn/completed` reports as
 *   `turn.completed` does (an interrupted turn too: its result waits for the next turn, held);
 *   a failed turn → `turn.failed`;
 * - `error` → `error` (one codex retries is a retrying error step); `warning` → a system message;
 * - an error answering Baton's request: the thread's or a turn's ends the attempt (its result, an
 *   error); a steer's or an interrupt's is a system message (the turn had ended by then);
 * - a request of codex's, which the dialogue answered: an approval is a system message.
 */
export function appServerReader(exec: ExecEvent): (ev: JsonObject, rec: Recorder) => boolean {
  /** The thread's token totals as codex last reported them. */
  let totals: JsonObject = {};
  return (ev, rec) => {
    const method = str(ev.method);
    if (method === null) return answer(ev, exec, rec);
    if (ev.id !== undefined && ev.id !== null) return request(method, rec);
    const params = obj(ev.params);
    switch (method) {
      case 'thread/started':
        return exec({ type: 'thread.started', thread_id: obj(params.thread).id }, rec);
      case 'item/started':
      case 'item/completed': {
        const item = execItem(obj(params.item));
        return (
          item === null ||
          exec({ type: method === 'item/started' ? 'item.started' : 'item.completed', item }, rec)
        );
      }
      case 'thread/tokenUsage/updated':
        totals = obj(obj(params.tokenUsage).total);
        return true;
      case 'turn/completed': {
        const turn = obj(params.turn);
        if (turn.status === 'failed')
          return exec({ type: 'turn.failed', error: { message: str(obj(turn.error).message) } }, rec);
        return exec(
          {
            type: 'turn.completed',
            usage: {
              input_tokens: count(totals.inputTokens),
              cached_input_tokens: count(totals.cachedInputTokens),
              output_tokens: count(totals.outputTokens),
            },
          },
          rec,
        );
      }
      case 'error': {
        // Retrying: `Reconnecting... 1/5` with the reason apart (exec prints `Reconnecting... 1/5 (reason)`).
        const error = obj(params.error);
        const message = str(error.message) ?? '';
        const details = str(error.additionalDetails);
        const said = details === null ? message : `${message} (${details})`;
        if (params.willRetry !== true) return exec({ type: 'error', message }, rec);
        if (/^Reconnecting\.\.\.\s*\d+\/\d+$/.test(message) && details !== null)
          return exec({ type: 'error', message: said }, rec);
        rec.error(`codex retries: ${said || 'no reason given'}`, true);
        return true;
      }
      case 'warning': {
        const message = str(params.message);
        if (message !== null) rec.message('system', `codex: ${message}`);
        return true;
      }
      default:
        return QUIET.has(method) || method.startsWith('item/') || method.startsWith('thread/');
    }
  };
}

/** Notifications that make no step: deltas of items whose end is recorded, the thread's and account's state. */
const QUIET = new Set([
  'turn/started',
  'turn/diff/updated',
  'turn/plan/updated',
  'serverRequest/resolved',
  'account/rateLimits/updated',
  'remoteControl/status/changed',
  'mcpServer/startupStatus/updated',
  'skills/changed',
  'hook/started',
  'hook/completed',
  'rawResponseItem/completed',
  'configWarning',
  'deprecationNotice',
]);

/** An answer to one of Baton's requests (app-server.ts names them). */
function answer(ev: JsonObject, exec: ExecEvent, rec: Recorder): boolean {
  const id = str(ev.id) ?? '';
  if (!id.startsWith('baton-')) return false;
  const error =
    ev.error === undefined || ev.error === null ? null : (str(obj(ev.error).message) ?? 'no reason given');
  if (error === null) {
    if (id === 'baton-thread') {
      const thread = name(obj(obj(ev.result).thread).id);
      if (thread !== null) exec({ type: 'thread.started', thread_id: thread }, rec);
    }
    return true;
  }
  if (id.startsWith('baton-steer-'))
    rec.message('system', `codex did not take the message into its turn: ${error}`);
  else if (id.startsWith('baton-interrupt-')) rec.message('system', `codex did not stop its turn: ${error}`);
  else rec.finish(`codex refused ${what(id)}: ${error}`, true, 'error');
  return true;
}

const what = (id: string) =>
  id === 'baton-init' ? 'Baton as its client' : id === 'baton-thread' ? 'the session' : 'the turn';

/** A request of codex's: the dialogue answered it at once (an approval declined: its own approvals are off). */
function request(method: string, rec: Recorder): boolean {
  if (/requestApproval$|^applyPatchApproval$|^execCommandApproval$/.test(method))
    rec.message('system', `codex asked for an approval (${method}): declined, as its own approvals are off`);
  return true;
}

/** An app-server item in the shape of `codex exec --json`'s (parser.ts reads that); null: not a step. */
function execItem(it: JsonObject): JsonObject | null {
  const id = it.id;
  const status = statusOf(it.status);
  switch (it.type) {
    case 'agentMessage':
      return { type: 'agent_message', id, text: it.text };
    case 'reasoning':
    case 'plan':
      return { type: 'reasoning', id };
    case 'commandExecution':
      return {
        type: 'command_execution',
        id,
        command: it.command,
        aggregated_output: it.aggregatedOutput,
        exit_code: it.exitCode,
        status,
      };
    case 'fileChange':
      return {
        type: 'file_change',
        id,
        changes: arr(it.changes).map((c) => ({
          path: obj(c).path,
          kind: str(obj(obj(c).kind).type) ?? 'update',
        })),
        status,
      };
    case 'mcpToolCall': {
      const result = it.result === null || it.result === undefined ? null : obj(it.result);
      return {
        type: 'mcp_tool_call',
        id,
        server: it.server,
        tool: it.tool,
        arguments: it.arguments,
        result: result && { content: result.content, structured_content: result.structuredContent },
        error: it.error,
        status,
      };
    }
    case 'dynamicToolCall':
      return {
        type: 'mcp_tool_call',
        id,
        server: it.namespace,
        tool: it.tool,
        arguments: it.arguments,
        result: it.contentItems == null ? null : { content: it.contentItems },
        error: it.success === false ? { message: 'the tool failed' } : null,
        status,
      };
    case 'collabAgentToolCall':
      return {
        type: 'collab_tool_call',
        id,
        tool: it.tool,
        prompt: it.prompt,
        receiver_thread_ids: it.receiverThreadIds,
        agents_states: it.agentsStates,
        status,
      };
    case 'webSearch':
      return { type: 'web_search', id, query: it.query };
    default:
      // userMessage, hookPrompt (Baton records the words it sent), images, review mode, compaction.
      return null;
  }
}

/** `inProgress` → `in_progress`; the others are the same words. */
const statusOf = (s: unknown) => (s === 'inProgress' ? 'in_progress' : s === 'interrupted' ? 'failed' : s);
