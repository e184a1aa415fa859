import { z } from 'zod';
import type { UsageLimitSignal } from '../../../../src-shared/schemas/usage-limit.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import type { Fetch } from '../../shared/http-request.ts';
import { isTimeout, readText, send } from '../../shared/http-request.ts';
import type { RetryPolicy } from '../../shared/retry.ts';
import { withRetries } from '../../shared/retry.ts';
import { createSseReader } from '../../shared/sse.ts';

/** A message of the chat as OpenAI-compatible servers take it, tool calls and results included. */
export type LoopMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface TurnRequest {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  body: Record<string, unknown>;
}

export interface TurnUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

/** What one model turn said: text, the tools it asked for (arguments as sent, JSON text), usage. */
export interface TurnAnswer {
  text: string;
  calls: WireToolCall[];
  model: string;
  finish_reason: string | null;
  usage: TurnUsage | null;
  /** The server reported usage Baton could not believe (not whole token counts): what it used is unknown. */
  usage_unread?: boolean;
}

// Token counts are safe whole numbers, as llm-completion.ts takes them: a server's 1e308 would
// price to Infinity, which no spend or budget can hold (it reads back as null, `over` for good).
const tokens = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const usageSchema = z.object({
  prompt_tokens: tokens.default(0),
  completion_tokens: tokens.default(0),
  prompt_tokens_details: z.object({ cached_tokens: tokens.nullish() }).nullish(),
});
const toolCallDelta = z.object({
  index: z.number().int().nonnegative().default(0),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
const chunkSchema = z.object({
  model: z.string().optional(),
  // Read on its own (readUsage): usage that cannot be believed makes the turn's cost unknown, not
  // the whole chunk (its text and tool calls) unreadable.
  usage: z.unknown().optional(),
  error: z.union([z.string(), z.object({ message: z.string() })]).optional(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({ content: z.string().nullish(), tool_calls: z.array(toolCallDelta).nullish() })
          .nullish(),
        message: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
});

/** Longest answer text or tool arguments taken from one turn. */
const TURN_CAP = 1_000_000;

/**
 * Puts a chunk's usage on the answer: the figures when they are whole token counts; else no
 * usage, marked unread (the step says `unknown`). Answers whether there was usage to read.
 */
function readUsage(answer: TurnAnswer, raw: unknown): boolean {
  if (raw === undefined || raw === null) return false;
  const u = usageSchema.safeParse(raw);
  answer.usage = u.success
    ? {
        prompt_tokens: u.data.prompt_tokens,
        completion_tokens: u.data.completion_tokens,
        cached_tokens: u.data.prompt_tokens_details?.cached_tokens ?? 0,
      }
    : null;
  answer.usage_unread = !u.success;
  return true;
}

/**
 * One model turn: `POST /chat/completions` with the tools, streamed; tool calls arrive as
 * `delta.tool_calls` pieces by index (the id and name first, the arguments in pieces) and are
 * put together here. A server that answers with one JSON completion works too. Failures before
 * the answer starts are retried by the agent's policy. `onUsage` sees usage as soon as a chunk
 * reports it (some servers report it on every chunk): when it answers false, the turn stops
 * there (a budget passed) and what arrived so far is returned with `stopped: true`.
 */
export async function* chatTurn(
  req: TurnRequest,
  policy: RetryPolicy,
  signal: AbortSignal,
  fetchImpl: Fetch,
  onUsage: (u: TurnUsage, model: string) => boolean,
  engineNow?: () => number,
): AsyncGenerator<
  ExecutorEvent,
  | { ok: true; answer: TurnAnswer; stopped: boolean }
  | { ok: false; error: string; status?: number; limit?: UsageLimitSignal }
> {
  const spec = {
    url: req.url,
    method: 'POST' as const,
    timeoutMs: req.timeoutMs,
    headers: req.headers,
    body: JSON.stringify(req.body),
  };
  const sent = yield* withRetries(() => send(spec, signal, fetchImpl, engineNow), policy, signal);
  if (!sent.ok) {
    const status = /answered (\d{3})/.exec(sent.error)?.[1];
    return {
      ok: false,
      error: sent.error,
      ...(status ? { status: Number(status) } : {}),
      ...(sent.limit ? { limit: sent.limit } : {}),
    };
  }
  const res = sent.value;
  const answer: TurnAnswer = {
    text: '',
    calls: [],
    model: String(req.body.model),
    finish_reason: null,
    usage: null,
  };
  const streamed = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  if (!streamed) {
    let json: unknown;
    try {
      json = JSON.parse(await readText(res, 8 * TURN_CAP, 'the answer is too large'));
    } catch (err) {
      return {
        ok: false,
        error: isTimeout(err)
          ? 'the model server timed out'
          : `the answer is not JSON: ${(err as Error).message}`,
      };
    }
    const parsed = chunkSchema.safeParse(json);
    if (!parsed.success) return { ok: false, error: 'the answer is not a chat completion' };
    if (parsed.data.error !== undefined) return { ok: false, error: errorText(parsed.data.error) };
    const choice = parsed.data.choices[0];
    answer.text = choice?.message?.content ?? '';
    answer.calls = (choice?.message?.tool_calls ?? []).map((c) => ({
      id: c.id,
      type: 'function',
      function: c.function,
    }));
    answer.finish_reason = choice?.finish_reason ?? null;
    answer.model = parsed.data.model ?? answer.model;
    readUsage(answer, parsed.data.usage);
    if (answer.usage && !onUsage(answer.usage, answer.model)) return { ok: true, answer, stopped: true };
    return { ok: true, answer, stopped: false };
  }
  if (!res.body) return { ok: false, error: 'the server sent an empty stream' };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const sse = createSseReader();
  const byIndex = new Map<number, WireToolCall>();
  let size = 0;
  try {
    for (;;) {
      let payloads: string[];
      let done: boolean;
      try {
        const r = await reader.read();
        done = r.done;
        payloads = r.done
          ? [...sse.push(decoder.decode()), ...sse.end()]
          : sse.push(decoder.decode(r.value, { stream: true }));
      } catch (err) {
        if (signal.aborted) return { ok: false, error: 'cancelled' };
        return {
          ok: false,
          error: isTimeout(err)
            ? 'the model server timed out'
            : `the stream broke: ${(err as Error).message}`,
        };
      }
      for (const payload of payloads) {
        if (payload === '[DONE]') {
          answer.calls = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
          return { ok: true, answer, stopped: false };
        }
        let json: unknown;
        try {
          json = JSON.parse(payload);
        } catch {
          return { ok: false, error: `malformed JSON in the stream: ${payload.slice(0, 200)}` };
        }
        const chunk = chunkSchema.safeParse(json);
        if (!chunk.success)
          return { ok: false, error: `unexpected chunk in the stream: ${payload.slice(0, 200)}` };
        if (chunk.data.error !== undefined) return { ok: false, error: errorText(chunk.data.error) };
        if (chunk.data.model) answer.model = chunk.data.model;
        if (readUsage(answer, chunk.data.usage) && answer.usage) {
          if (!onUsage(answer.usage, answer.model)) {
            answer.calls = [...byIndex.values()];
            return { ok: true, answer, stopped: true };
          }
        }
        const choice = chunk.data.choices[0];
        if (choice?.finish_reason) answer.finish_reason = choice.finish_reason;
        const delta = choice?.delta;
        if (delta?.content) {
          answer.text += delta.content;
          size += delta.content.length;
        }
        for (const piece of delta?.tool_calls ?? []) {
          let call = byIndex.get(piece.index);
          if (!call) {
            call = { id: '', type: 'function', function: { name: '', arguments: '' } };
            byIndex.set(piece.index, call);
          }
          if (piece.id) call.id = piece.id;
          if (piece.function?.name) call.function.name += piece.function.name;
          if (piece.function?.arguments) {
            call.function.arguments += piece.function.arguments;
            size += piece.function.arguments.length;
          }
        }
        if (size > TURN_CAP) return { ok: false, error: `the model's turn passed ${TURN_CAP} characters` };
      }
      if (done) break;
    }
    // The stream ended without [DONE]: keep what arrived.
    answer.calls = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    return { ok: true, answer, stopped: false };
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function errorText(e: string | { message: string }): string {
  return typeof e === 'string' ? e : e.message;
}
