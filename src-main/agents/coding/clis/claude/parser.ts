import { assistantBlocks, userBlocks } from '../../streams/claude-blocks.ts';
import { arr, count, isObject, type JsonObject, name, num, obj, str } from '../../streams/json.ts';
import { claudeRateLimitEvent } from '../../streams/limits.ts';
import type { TokenCounts } from '../../streams/prices.ts';
import type { Recorder } from '../../streams/recorder.ts';
import type { CliStream } from '../../streams/stream.ts';

/**
 * Claude Code's `--output-format stream-json --verbose` (test/coding-agents/README.md):
 *
 * - `system/init` → `session` (session_id, version, model).
 * - `assistant` → one event per content block: text → `message`; `tool_use` → `tool_call`
 *   running. `message.usage` comes from the answer's `message_start`: its input and cache
 *   figures are final, its `output_tokens` is 1. The first event of each answer (`message.id`)
 *   → `usage`, priced from the table: a running estimate, low by the output.
 * - `user` → `tool_result` ends its call: done, or failed when `is_error`.
 * - `system/api_retry` → `error`, retrying.
 * - `assistant` with `is_api_error_message` (model `<synthetic>`) → `error`, not retrying.
 * - `rate_limit_event` with `rate_limit_info.status` `rejected` → the limit signal, its reset
 *   and window (`rec.limited`); a result error saying a usage limit or a 429 is one too.
 * - `result` → the `usage` not yet counted: `total_cost_usd` and `modelUsage` are totals over
 *   the session, so what remains after `prior` and the estimates is charged as `reported`;
 *   then `result` (`is_error`; a budget stop, an API error or another failure in words).
 *
 * Cost is reported only in `result`: while claude runs, `spent` is the estimate above. The real
 * cap is claude's own `--max-budget-usd`, checked after each model answer.
 */
export function createClaudeStream(): CliStream {
  const answers = new Set<string>();
  let model: string | null = null;

  return {
    event(ev, rec) {
      const known = claudeEvent(ev, rec);
      const id = name(ev.session_id);
      if (id !== null) rec.session(id, 'claude', model);
      return known;
    },
  };

  function claudeEvent(ev: JsonObject, rec: Recorder): boolean {
    switch (ev.type) {
      case 'system':
        return system(ev, rec);
      case 'assistant':
        assistant(ev, rec);
        return true;
      case 'user':
        userBlocks(ev, rec);
        return true;
      case 'result':
        result(ev, rec);
        return true;
      case 'stream_event':
        // --include-partial-messages: raw SSE events; the complete blocks follow as `assistant`.
        return true;
      case 'rate_limit_event': {
        // Its login's quota after each answer: only a rejection is the limit (../../streams/limits.ts).
        const limit = claudeRateLimitEvent(obj(ev.rate_limit_info));
        if (limit !== null) rec.limited(limit);
        return true;
      }
      default:
        return false;
    }
  }

  function system(ev: JsonObject, rec: Recorder): boolean {
    switch (ev.subtype) {
      case 'init': {
        model = name(ev.model) ?? rec.configuredModel;
        const version = name(ev.claude_code_version);
        const id = name(ev.session_id);
        if (id !== null) rec.session(id, version === null ? 'claude' : `claude ${version}`, model);
        return true;
      }
      case 'api_retry':
        rec.error(retryText(ev), true);
        return true;
      default:
        return false;
    }
  }

  function assistant(ev: JsonObject, rec: Recorder): void {
    const message = obj(ev.message);
    const atMs = rec.cliTime(ev.timestamp);
    const answerModel = name(message.model);
    if (ev.is_api_error_message === true || answerModel === '<synthetic>') {
      // The error claude gave up on, as a message; its `result` follows.
      assistantBlocks(message.content, rec, atMs, (text) => rec.error(text, false, atMs));
      return;
    }
    const answerId = name(message.id);
    if (answerId === null || !answers.has(answerId)) {
      if (answerId !== null) answers.add(answerId);
      rec.usageStep(rec.usage.request(answerModel ?? model, anthropicTokens(obj(message.usage))), atMs);
    }
    assistantBlocks(message.content, rec, atMs);
  }

  function result(ev: JsonObject, rec: Recorder): void {
    const perModel = isObject(ev.modelUsage) ? Object.entries(ev.modelUsage) : [];
    if (perModel.length > 0) {
      const totals: TokenCounts = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 };
      for (const [, figures] of perModel) {
        const f = obj(figures);
        totals.input_tokens += count(f.inputTokens) + count(f.cacheCreationInputTokens);
        totals.output_tokens += count(f.outputTokens);
        totals.cached_input_tokens += count(f.cacheReadInputTokens);
      }
      const only = perModel.length === 1 ? perModel[0]![0] : null;
      rec.usageStep(rec.usage.sessionTotals(only, totals, num(ev.total_cost_usd)));
    } else {
      // No per-model totals: `usage` is this run's.
      rec.usageStep(rec.usage.runTotals(model, anthropicTokens(obj(ev.usage))));
    }
    const subtype = str(ev.subtype) ?? '';
    const isError = ev.is_error === true || subtype.startsWith('error');
    if (!isError) {
      rec.finish(str(ev.result) ?? rec.lastAssistantText ?? '', false, 'completed');
    } else {
      const { text, cause } = claudeFailure(ev, subtype);
      // A 429 it gave up on (`api_error_type` `rate_limit_error`, test/coding-agents/streams/faults/claude-status-429.jsonl).
      if (num(ev.api_error_status) === 429 || ev.api_error_type === 'rate_limit_error')
        rec.limited({ message: text });
      rec.finish(text, true, cause);
    }
  }
}

/** Anthropic usage: input excludes the cache; cache writes are input not read from a cache. */
function anthropicTokens(usage: JsonObject): TokenCounts {
  return {
    input_tokens: count(usage.input_tokens) + count(usage.cache_creation_input_tokens),
    output_tokens: count(usage.output_tokens),
    cached_input_tokens: count(usage.cache_read_input_tokens),
  };
}

/** `the model server answered 500 (server_error); claude retries (2 of 10) in 1.1 s` */
function retryText(ev: JsonObject): string {
  const status = num(ev.error_status);
  const kind = name(ev.error);
  const attempt = num(ev.attempt);
  const max = num(ev.max_retries);
  const delay = num(ev.retry_delay_ms);
  const what = status === null ? 'the model request failed' : `the model server answered ${status}`;
  const which = attempt === null ? '' : max === null ? ` (${attempt})` : ` (${attempt} of ${max})`;
  const when = delay === null ? '' : ` in ${(delay / 1000).toFixed(1)} s`;
  return `${what}${kind === null ? '' : ` (${kind})`}; claude retries${which}${when}`;
}

function claudeFailure(
  ev: JsonObject,
  subtype: string,
): { text: string; cause: 'model_error' | 'budget' | 'error' } {
  const said = str(ev.result);
  const errors = arr(ev.errors)
    .map((e) => (typeof e === 'string' ? e : (str(obj(e).message) ?? '')))
    .filter((e) => e.length > 0)
    .join('; ');
  const detail = said ?? (errors || subtype || 'no reason given');
  if (subtype === 'error_max_budget_usd') {
    const spent = num(ev.total_cost_usd);
    const text = `claude stopped at its budget: ${errors || said || 'maximum budget reached'}`;
    return { text: spent === null ? text : `${text}; it spent $${spent}`, cause: 'budget' };
  }
  const status = num(ev.api_error_status);
  if (status !== null)
    return { text: `the model server answered ${status}: ${withoutApiPrefix(detail)}`, cause: 'model_error' };
  if (ev.terminal_reason === 'api_error')
    return { text: `the model request failed: ${withoutApiPrefix(detail)}`, cause: 'model_error' };
  if (subtype === 'error_max_turns')
    return { text: `claude stopped at its turn limit: ${detail}`, cause: 'error' };
  return { text: `claude failed: ${detail}`, cause: 'error' };
}

/** `API Error: 500 scripted server error. …` → `scripted server error. …` */
function withoutApiPrefix(text: string): string {
  return text.replace(/^API Error:\s*(\d{3}\s+)?/, '');
}
