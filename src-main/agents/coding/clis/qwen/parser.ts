import { assistantBlocks, userBlocks } from '../../streams/claude-blocks.ts';
import { count, type JsonObject, name, num, obj, str } from '../../streams/json.ts';
import type { TokenCounts } from '../../streams/prices.ts';
import type { Recorder, ResultCause } from '../../streams/recorder.ts';
import type { CliStream } from '../../streams/stream.ts';

/**
 * qwen-code's `--output-format stream-json` (test/coding-agents/README.md): claude's shape,
 * with its own usage and errors.
 *
 * - `system/init` → `session`. `stream_event` → nothing.
 * - `assistant` → text → `message`; `tool_use` → `tool_call` running. `message.usage` is on
 *   the piece that ends each model answer (zeros on the others): → `usage` of that request
 *   (input includes cached, OpenAI style), priced from the table: qwen reports no cost.
 *   A text `[API Error: …]` is qwen telling the error it gave up on → `error`.
 * - `user` → `tool_result` ends its call.
 * - `system/retry` → `error`, retrying (after a dropped connection; HTTP errors are retried
 *   silently).
 * - `result` → the `usage` not yet counted (`result.usage` is a total over the session), then
 *   `result`: `error_during_execution` → is_error with `error.message` in words.
 *
 * Usage per model answer: a running cap works from this stream, with a price for the model.
 */
export function createQwenStream(): CliStream {
  let model: string | null = null;

  return {
    event(ev, rec) {
      const known = qwenEvent(ev, rec);
      const id = name(ev.session_id);
      if (id !== null) rec.session(id, 'qwen', model);
      return known;
    },
  };

  function qwenEvent(ev: JsonObject, rec: Recorder): boolean {
    switch (ev.type) {
      case 'system':
        if (ev.subtype === 'init') {
          model = name(ev.model) ?? rec.configuredModel;
          const version = name(ev.qwen_code_version);
          const id = name(ev.session_id);
          if (id !== null) rec.session(id, version === null ? 'qwen' : `qwen ${version}`, model);
          return true;
        }
        if (ev.subtype === 'retry') {
          rec.error(retryText(obj(ev.data)), true);
          return true;
        }
        return false;
      case 'stream_event':
        return true;
      case 'assistant': {
        const message = obj(ev.message);
        const usage = obj(message.usage);
        rec.usageStep(rec.usage.request(name(message.model) ?? model, openAiTokens(usage)));
        assistantBlocks(message.content, rec, null, (text) => {
          if (/^\[API Error: [\s\S]*\]$/.test(text)) rec.error(qwenFailure(text).text, false);
          else rec.message('assistant', text);
        });
        return true;
      }
      case 'user':
        userBlocks(ev, rec);
        return true;
      case 'result': {
        rec.usageStep(rec.usage.sessionTotals(model, openAiTokens(obj(ev.usage)), null));
        const isError = ev.is_error === true || (str(ev.subtype) ?? '').startsWith('error');
        if (!isError) {
          rec.finish(str(ev.result) ?? rec.lastAssistantText ?? '', false, 'completed');
        } else {
          const failure = qwenFailure(str(obj(ev.error).message) ?? str(ev.result) ?? str(ev.subtype) ?? '');
          rec.finish(failure.text, true, failure.cause);
        }
        return true;
      }
      default:
        return false;
    }
  }
}

/** OpenAI usage: input includes the cached part. */
function openAiTokens(usage: JsonObject): TokenCounts {
  const input = count(usage.input_tokens);
  const cached = Math.min(count(usage.cache_read_input_tokens), input);
  return {
    input_tokens: input - cached,
    output_tokens: count(usage.output_tokens),
    cached_input_tokens: cached,
  };
}

function retryText(data: JsonObject): string {
  const attempt = num(data.attempt);
  const max = num(data.maxRetries);
  const delay = num(data.delayMs);
  const which = attempt === null ? '' : max === null ? ` (${attempt})` : ` (${attempt} of ${max})`;
  const when = delay === null ? '' : ` in ${(delay / 1000).toFixed(1)} s`;
  return `the model request failed; qwen retries${which}${when}`;
}

/** `[API Error: 500 scripted server error]` → `the model server answered 500: scripted server error`. */
function qwenFailure(message: string): { text: string; cause: ResultCause } {
  const api = /^\[API Error: ([\s\S]*)\]$/.exec(message);
  if (api === null) return { text: `qwen failed: ${message || 'no reason given'}`, cause: 'error' };
  const status = /^(\d{3})\s+([\s\S]*)$/.exec(api[1]!);
  return {
    text:
      status === null
        ? `the model request failed: ${api[1]}`
        : `the model server answered ${status[1]}: ${status[2]}`,
    cause: 'model_error',
  };
}
