import { resultText, safeJson } from '../../streams/claude-blocks.ts';
import { arr, count, type JsonObject, name, num, obj, str } from '../../streams/json.ts';
import type { Recorder, ToolEnd } from '../../streams/recorder.ts';
import type { CliStream } from '../../streams/stream.ts';
import { appServerReader } from './notifications.ts';

/**
 * Codex's `exec --json` (test/coding-agents/README.md; the event types are codex-rs
 * `exec/src/exec_events.rs`):
 *
 * - `thread.started` → `session` (thread_id; the model is the configured one: codex does not say).
 * - `item.started` / `item.updated` / `item.completed`, by `item.type`:
 *   `agent_message` → `message`; `command_execution`, `file_change`, `mcp_tool_call`,
 *   `collab_tool_call`, `web_search` → one `tool_call` each (running, then done / failed /
 *   denied; duration by Baton's clock: the events carry no time); `error` → a `message` of role
 *   system (a warning: the turn goes on); `reasoning`, `plan`, `todo_list` → not recorded.
 * - `error` → `error`: `Reconnecting... n/m (…)` is retrying; another is the error codex gives
 *   up on, and `turn.failed` follows.
 * - `turn.completed` → `usage` (totals over the thread, so what remains after `prior`, priced
 *   from the table: codex reports no cost), then `result` with the last agent message.
 * - `turn.failed` → `result`, is_error.
 *
 * Usage arrives only with `turn.completed`, at the end: codex's stream allows no running cap.
 *
 * Codex's app-server (`codex app-server`, where a person can speak to it: app-server.ts) speaks
 * JSON-RPC messages instead, read as the exec events they stand for (notifications.ts).
 */
export function createCodexStream(): CliStream {
  const appServer = appServerReader(execEvent);
  return {
    event(ev, rec) {
      return ev.type === undefined && (ev.method !== undefined || ev.id !== undefined)
        ? appServer(ev, rec)
        : execEvent(ev, rec);
    },
  };
}

/** One event of `codex exec --json`. */
function execEvent(ev: JsonObject, rec: Recorder): boolean {
  switch (ev.type) {
    case 'thread.started': {
      const id = name(ev.thread_id);
      if (id !== null) rec.session(id, 'codex', null);
      return true;
    }
    case 'turn.started':
    case 'item.plan.delta':
    case 'request_user_input':
      return true;
    case 'item.started':
    case 'item.updated':
      return item(obj(ev.item), false, rec);
    case 'item.completed':
      return item(obj(ev.item), true, rec);
    case 'error':
      return error(str(ev.message) ?? '', rec);
    case 'turn.completed':
      turnCompleted(obj(ev.usage), rec);
      return true;
    case 'turn.failed':
      rec.finish(`codex failed: ${readable(str(obj(ev.error).message) ?? 'no reason given')}`, true, 'error');
      return true;
    default:
      return false;
  }
}

function item(it: JsonObject, completed: boolean, rec: Recorder): boolean {
  const id = name(it.id);
  switch (it.type) {
    case 'agent_message': {
      const text = str(it.text);
      if (completed && text !== null) rec.message('assistant', text);
      return true;
    }
    case 'error': {
      const text = str(it.message);
      if (completed && text !== null) rec.message('system', `codex: ${text}`);
      return true;
    }
    case 'reasoning':
    case 'plan':
    case 'todo_list':
      return true;
    case 'command_execution':
      tool(
        rec,
        id,
        completed,
        it.status,
        'command_execution',
        { command: str(it.command) ?? '' },
        null,
        () => {
          const exit = num(it.exit_code);
          return {
            output: str(it.aggregated_output),
            error:
              it.status === 'declined'
                ? 'declined'
                : exit !== null && exit !== 0
                  ? `exit code ${exit}`
                  : null,
          };
        },
      );
      return true;
    case 'file_change':
      tool(rec, id, completed, it.status, 'file_change', { changes: it.changes ?? [] }, null, () => ({
        output: arr(it.changes)
          .map((c) => `${str(obj(c).kind) ?? 'change'} ${str(obj(c).path) ?? '?'}`)
          .join('\n'),
        error: it.status === 'failed' ? 'the patch was not applied' : null,
      }));
      return true;
    case 'mcp_tool_call':
      tool(rec, id, completed, it.status, name(it.tool), it.arguments ?? null, name(it.server), () => {
        const result = obj(it.result);
        const structured = result.structured_content;
        return {
          output:
            it.result == null
              ? null
              : structured != null && result.content == null
                ? safeJson(structured)
                : resultText(result.content),
          error: str(obj(it.error).message),
        };
      });
      return true;
    case 'collab_tool_call':
      tool(
        rec,
        id,
        completed,
        it.status,
        name(it.tool),
        { prompt: it.prompt ?? null, receiver_thread_ids: it.receiver_thread_ids ?? [] },
        null,
        () => ({ output: it.agents_states == null ? null : safeJson(it.agents_states), error: null }),
      );
      return true;
    case 'web_search':
      tool(
        rec,
        id,
        completed,
        completed ? 'completed' : 'in_progress',
        'web_search',
        { query: str(it.query) },
        null,
        () => ({
          output: null,
          error: null,
        }),
      );
      return true;
    default:
      return false;
  }
}

/** One tool-like item: running until its status says it ended. */
function tool(
  rec: Recorder,
  id: string | null,
  completed: boolean,
  status: unknown,
  toolName: string | null,
  input: unknown,
  server: string | null,
  answer: () => { output: string | null; error: string | null },
): void {
  const ended = endStatus(status, completed);
  if (ended === null) {
    rec.toolStarted(id, toolName, input, { server });
  } else {
    const { output, error } = answer();
    rec.toolEnded(id, { status: ended, output, error, name: toolName, input, server });
  }
}

function endStatus(status: unknown, completed: boolean): ToolEnd['status'] | null {
  switch (status) {
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'declined':
      return 'denied';
    case 'in_progress':
      return completed ? 'done' : null;
    default:
      return completed ? 'done' : null;
  }
}

/** `Reconnecting... 2/5 (…)` is a retry; any other `error` is the one codex gives up on. */
function error(message: string, rec: Recorder): boolean {
  const retry = /^Reconnecting\.\.\.\s*(\d+)\/(\d+)\s*\((.*)\)$/s.exec(message);
  if (retry !== null)
    rec.error(`codex reconnects (${retry[1]} of ${retry[2]}): ${readable(retry[3]!)}`, true);
  else rec.error(readable(message || 'no reason given'), false);
  return true;
}

function turnCompleted(usage: JsonObject, rec: Recorder): void {
  const input = count(usage.input_tokens);
  const cached = Math.min(count(usage.cached_input_tokens), input);
  rec.usageStep(
    rec.usage.sessionTotals(
      rec.configuredModel,
      // OpenAI counts cached tokens inside input_tokens; output_tokens includes reasoning.
      {
        input_tokens: input - cached,
        output_tokens: count(usage.output_tokens),
        cached_input_tokens: cached,
      },
      null,
    ),
  );
  rec.finish(rec.lastAssistantText ?? '', false, 'completed');
}

/** A message that is an API error body (`{"error":{"message":…}}`, as codex prints a 400) → its message. */
function readable(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const body = obj(JSON.parse(message));
    return str(obj(body.error).message) ?? str(body.message) ?? message;
  } catch {
    return message;
  }
}
