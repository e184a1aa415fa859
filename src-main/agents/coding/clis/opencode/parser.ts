import { safeJson } from '../../streams/claude-blocks.ts';
import { count, epochMs, type JsonObject, name, num, obj, str } from '../../streams/json.ts';
import type { Recorder, ResultCause } from '../../streams/recorder.ts';
import type { CliStream, ExitStatus } from '../../streams/stream.ts';

/**
 * opencode's `run --format json` (test/coding-agents/README.md). Every event carries
 * `timestamp` (ms) and `sessionID`; the first `sessionID` → `session` (opencode prints it with
 * its first event: a `step_start`, or the `error` of a first request that failed).
 *
 * - `step_start` → nothing (its time starts the request's duration).
 * - `text` → `message` (a finished part).
 * - `tool_use` → `tool_call`, already finished (done, or failed with `state.error`); times from
 *   `state.time`.
 * - `step_finish` → `usage` of that request: `tokens.input` excludes cache reads and writes,
 *   `tokens.output` excludes reasoning, so input = input + cache.write, output = output +
 *   reasoning, cached = cache.read. `part.cost` is USD when the model has a price in opencode's
 *   config (`reported`), else 0: then priced from the table.
 * - `error` → `error`, not retrying (opencode prints none of its retries), and the result.
 * - `reasoning` (only with `--thinking`) → not recorded.
 *
 * No final event: opencode exits. Exit 0 with no error → `result` with the last text.
 * Usage per request: a running cap works from this stream.
 *
 * Over `opencode serve` (Baton's bridge, serve-bridge.ts), the same events and two more:
 * - `session` → the session, known before the first request;
 * - `idle` → the turn's `result`: the turn's error if it had one, else its last text. A turn
 *   stopped by a person (`MessageAbortedError`) is no error: its result is its last text.
 * A turn started after the last `idle` that did not end cleanly is no success at the exit.
 */
export function createOpencodeStream(): CliStream {
  let stepStartMs: number | null = null;
  let failure: { text: string; cause: ResultCause } | null = null;
  /** A turn's request started since the last `idle` (over `opencode serve`). */
  let open = false;
  return {
    event(ev, rec) {
      const atMs = epochMs(ev.timestamp);
      const id = name(ev.sessionID);
      if (id !== null) rec.session(id, 'opencode', null, atMs);
      const part = obj(ev.part);
      switch (ev.type) {
        case 'session':
          return true;
        case 'idle':
          open = false;
          if (failure !== null) rec.finish(failure.text, true, failure.cause, atMs);
          else rec.finish(rec.lastAssistantText ?? '', false, 'completed', atMs);
          failure = null;
          return true;
        case 'step_start':
          open = true;
          stepStartMs = atMs;
          return true;
        case 'text': {
          const text = str(part.text);
          if (text !== null && text.trim().length > 0)
            rec.message('assistant', text, epochMs(obj(part.time).start) ?? atMs);
          return true;
        }
        case 'reasoning':
          return true;
        case 'tool_use':
          toolUse(part, rec, atMs);
          return true;
        case 'step_finish':
          stepFinish(part, rec, atMs);
          return true;
        case 'error':
          // Stop this turn (`POST /session/{id}/abort`): the turn ends, nothing failed.
          if (name(obj(ev.error).name) === 'MessageAbortedError') return true;
          open = true;
          failure = opencodeFailure(obj(ev.error));
          rec.error(failure.text, false, atMs);
          return true;
        default:
          return false;
      }
    },
    end(rec: Recorder, exit: ExitStatus) {
      if (rec.result !== null && !open) return;
      if (failure !== null) {
        rec.finish(failure.text, true, failure.cause);
        return;
      }
      const clean = exit.code === 0 && exit.signal === null && exit.stopped === undefined;
      if (clean && rec.sessionId !== null) rec.finish(rec.lastAssistantText ?? '', false, 'completed');
      // A turn after the last `idle` that never ended: not the earlier turn's result.
      else rec.result = null;
    },
  };

  function stepFinish(part: JsonObject, rec: Recorder, atMs: number | null): void {
    const tokens = obj(part.tokens);
    const cache = obj(tokens.cache);
    const cost = num(part.cost);
    const delta = rec.usage.request(
      rec.configuredModel,
      {
        input_tokens: count(tokens.input) + count(cache.write),
        output_tokens: count(tokens.output) + count(tokens.reasoning),
        cached_input_tokens: count(cache.read),
      },
      cost !== null && cost > 0 ? cost : null,
    );
    const duration = atMs !== null && stepStartMs !== null ? atMs - stepStartMs : null;
    rec.usageStep(delta, atMs, duration);
    stepStartMs = null;
  }
}

function toolUse(part: JsonObject, rec: Recorder, atMs: number | null): void {
  const state = obj(part.state);
  const time = obj(state.time);
  const callId = name(part.callID) ?? name(part.id);
  const tool = name(part.tool);
  const startMs = epochMs(time.start) ?? atMs;
  switch (state.status) {
    case 'completed':
    case 'error': {
      const failed = state.status === 'error';
      const output = state.output;
      rec.toolEnded(callId, {
        status: failed ? 'failed' : 'done',
        output: output == null ? null : typeof output === 'string' ? output : safeJson(output),
        error: failed ? (str(state.error) ?? 'the tool failed') : null,
        startMs,
        endMs: epochMs(time.end) ?? atMs,
        name: tool,
        input: state.input ?? null,
      });
      return;
    }
    default:
      // `pending` / `running`: opencode 1.18 does not print them; recorded if a later one does.
      rec.toolStarted(callId, tool, state.input ?? null, { atMs: startMs });
  }
}

/** `APIError` with a status → `the model server answered 500: …`; anything else in opencode's words. */
function opencodeFailure(error: JsonObject): { text: string; cause: ResultCause } {
  const data = obj(error.data);
  const kind = name(error.name);
  const message = str(data.message) ?? str(error.message) ?? kind ?? 'no reason given';
  const status = num(data.statusCode);
  if (kind === 'APIError')
    return {
      text:
        status === null
          ? `the model request failed: ${message}`
          : `the model server answered ${status}: ${message}`,
      cause: 'model_error',
    };
  return { text: `opencode failed: ${message}`, cause: 'error' };
}
