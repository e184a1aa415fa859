import type { LlmAgent } from '../../../src-shared/schemas/agent.ts';
import type { Executor, ExecutorEvent } from '../../engine/executor.ts';
import { CANCELLED, usageLimited } from '../../engine/executor.ts';
import { redact } from '../../secrets/secrets.ts';
import type { Fetch } from '../shared/http-request.ts';
import {
  describeUrl,
  isTimeout,
  MAX_JSON_BYTES,
  readText,
  requestSecret,
  send,
} from '../shared/http-request.ts';
import { createLogBatcher } from '../shared/log-batcher.ts';
import {
  cappedExecutor,
  OUTPUT_CAPS,
  OutputCapError,
  resultCapError,
  utf8Bytes,
} from '../shared/output-caps.ts';
import type { RetryOptions } from '../shared/retry.ts';
import { retryPolicy, withRetries } from '../shared/retry.ts';
import type { SandboxDeps } from '../shared/sandboxed.ts';
import { createSseReader } from '../shared/sse.ts';
import type { Usage } from './llm-completion.ts';
import { apiErrorMessage, completionChunkSchema, completionSchema, usageCost } from './llm-completion.ts';
import { buildChatMessages } from './llm-prompt.ts';
import { runToolLoop } from './loop/tool-loop.ts';

const DEFAULT_TIMEOUT_S = 300;

export interface LlmExecutorOptions extends RetryOptions, SandboxDeps {
  fetch?: Fetch;
  /** Baton's version, sent to MCP servers by the tool loop. */
  version?: string;
  now?: () => number;
  /** Longest wait before streamed text is logged (default 50 ms; a newline sends it at once). */
  flushMs?: number;
}

/** What the model said, however it was delivered. */
interface Answer {
  text: string;
  model: string;
  finish_reason: string | null;
  usage: Usage | null;
}

/**
 * `llm` agents: a model behind an OpenAI-compatible `POST {base_url}/chat/completions`,
 * asked to stream (`stream: true`, usage included). Tokens are logged in batches; the result
 * is `{ text, model, finish_reason }`, preceded by a `usage` event priced from the agent's
 * table. A server that answers with one plain JSON completion works too. Failures before
 * the answer starts (5xx, 408, 429, connection errors, timeouts) are retried. An answer
 * longer than the result cap (1 MB) fails the attempt as soon as it passes it: the request
 * is cancelled and nothing more is read.
 */
export function createLlmExecutor(opts: LlmExecutorOptions = {}): Executor {
  const fetchImpl = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  return cappedExecutor('llm', async function* (ctx, signal) {
    const { agent } = ctx;
    // An agent with tools, or a task whose answer has a schema, answers in the tool loop (loop/tool-loop.ts).
    if ((agent.tools && agent.tools.length > 0) || ctx.task.output_schema !== undefined)
      return yield* runToolLoop(ctx, signal, { ...opts, fetch: fetchImpl, now });
    // Its one model turn waits on the budget as the tool loop's turns do: others may have spent it meanwhile.
    const over = ctx.budgetPassed?.(0) ?? null;
    if (over !== null) return yield { type: 'error', message: `stopped: ${over}` };
    const apiKey = requestSecret(ctx.secrets, agent.api_key_secret);
    if (!apiKey.ok) return yield { type: 'error', message: apiKey.error };
    const key = apiKey.value;
    const secrets = key === undefined ? [] : [key];
    const clean = (text: string) => redact(text, secrets);
    const url = `${agent.base_url.replace(/\/+$/, '')}/chat/completions`;
    const timeoutMs = (agent.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000;
    const policy = retryPolicy(agent.max_retries, opts);
    const spec = {
      url,
      method: 'POST' as const,
      timeoutMs,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream, application/json',
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      },
      body: JSON.stringify(requestBody(agent, buildChatMessages(ctx))),
    };
    const sent = yield* withRetries(
      async () => {
        const got = await send(spec, signal, fetchImpl, opts.engineNow);
        return got.ok ? got : { ...got, error: clean(got.error) };
      },
      policy,
      signal,
    );
    if (!sent.ok)
      return yield sent.aborted || signal.aborted
        ? CANCELLED
        : sent.limit
          ? usageLimited({ ...sent.limit, message: clean(sent.limit.message) })
          : { type: 'error', message: sent.error };

    const res = sent.value;
    const streamed = (res.headers.get('content-type') ?? '').includes('text/event-stream');
    const batcher = createLogBatcher({ flushMs: opts.flushMs ?? 50, now, secrets });
    const answer: Answer | string = streamed
      ? yield* readStream(res, agent.model, batcher)
      : yield* readWhole(res, agent.model, batcher);
    if (typeof answer === 'string') {
      if (signal.aborted) return yield CANCELLED;
      const why = answer === TIMED_OUT ? `${describeUrl(url)} timed out after ${timeoutMs / 1000} s` : answer;
      return yield { type: 'error', message: clean(why) };
    }
    if (answer.usage) {
      yield {
        type: 'usage',
        prompt_tokens: answer.usage.prompt_tokens,
        completion_tokens: answer.usage.completion_tokens,
        cost: usageCost(answer.usage, [answer.model, agent.model], agent.prices),
        model: answer.model,
      };
    } else {
      yield { type: 'log', stream: 'info', text: 'the server reported no token usage' };
    }
    yield {
      type: 'result',
      output: { text: clean(answer.text), model: answer.model, finish_reason: answer.finish_reason },
    };
  });
}

function requestBody(agent: LlmAgent, messages: ReturnType<typeof buildChatMessages>) {
  return {
    model: agent.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(agent.temperature === undefined ? {} : { temperature: agent.temperature }),
    ...(agent.max_tokens === undefined ? {} : { max_tokens: agent.max_tokens }),
  };
}

type Batcher = ReturnType<typeof createLogBatcher>;
const TIMED_OUT = 'timed out';
const log = (text: string | null): ExecutorEvent[] => (text ? [{ type: 'log', stream: 'stdout', text }] : []);

/** A streamed completion; a string when it went wrong (TIMED_OUT for a timeout). */
async function* readStream(
  res: Response,
  model: string,
  batcher: Batcher,
): AsyncGenerator<ExecutorEvent, Answer | string> {
  const answer: Answer = { text: '', model, finish_reason: null, usage: null };
  let answerBytes = 0;
  if (!res.body) return 'the server sent an empty stream';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const sse = createSseReader();
  try {
    for (;;) {
      let payloads: string[];
      try {
        const { done, value } = await reader.read();
        payloads = done
          ? [...sse.push(decoder.decode()), ...sse.end()]
          : sse.push(decoder.decode(value, { stream: true }));
        if (done && payloads.length === 0) break;
      } catch (err) {
        return isTimeout(err) ? TIMED_OUT : `the stream broke: ${(err as Error).message}`;
      }
      for (const payload of payloads) {
        if (payload === '[DONE]') {
          yield* log(batcher.end());
          return answer;
        }
        let json: unknown;
        try {
          json = JSON.parse(payload);
        } catch {
          return `malformed JSON in the stream: ${payload.slice(0, 200)}`;
        }
        const chunk = completionChunkSchema.safeParse(json);
        if (!chunk.success) return `unexpected chunk in the stream: ${payload.slice(0, 200)}`;
        if (chunk.data.error !== undefined) return apiErrorMessage(chunk.data.error);
        if (chunk.data.model) answer.model = chunk.data.model;
        if (chunk.data.usage) answer.usage = chunk.data.usage;
        const choice = chunk.data.choices[0];
        if (choice?.finish_reason) answer.finish_reason = choice.finish_reason;
        const content = choice?.delta?.content;
        if (content) {
          // Checked before the text grows: an endless answer stops here, and `finally` cancels the request.
          answerBytes += utf8Bytes(content);
          if (answerBytes > OUTPUT_CAPS.llm.result) return resultCapError('llm');
          answer.text += content;
          yield* log(batcher.push(content));
        }
      }
    }
    // The stream ended without [DONE]: keep what arrived.
    yield* log(batcher.end());
    return answer;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** A server that ignored `stream` and answered one JSON completion. */
async function* readWhole(
  res: Response,
  model: string,
  batcher: Batcher,
): AsyncGenerator<ExecutorEvent, Answer | string> {
  let text: string;
  try {
    // Read up to the JSON cap of http answers: escapes can make 1 MB of text several MB of JSON.
    text = await readText(res, MAX_JSON_BYTES, resultCapError('llm'));
  } catch (err) {
    if (err instanceof OutputCapError) return err.message;
    return isTimeout(err) ? TIMED_OUT : `reading the answer failed: ${(err as Error).message}`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `the answer is not JSON: ${text.slice(0, 200)}`;
  }
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) return `the answer is not a chat completion: ${text.slice(0, 200)}`;
  if (parsed.data.error !== undefined) return apiErrorMessage(parsed.data.error);
  const choice = parsed.data.choices[0];
  const content = choice?.message?.content ?? '';
  if (utf8Bytes(content) > OUTPUT_CAPS.llm.result) return resultCapError('llm');
  yield* log(batcher.push(content));
  yield* log(batcher.end());
  return {
    text: content,
    model: parsed.data.model ?? model,
    finish_reason: choice?.finish_reason ?? null,
    usage: parsed.data.usage ?? null,
  };
}
