import { createSseReader } from '../../shared/sse.ts';
import { count, isObject, type JsonObject, name, obj } from '../streams/json.ts';
import type { TokenCounts } from '../streams/prices.ts';

/**
 * The three wire protocols the coding CLIs speak to their model: Anthropic Messages (claude),
 * OpenAI Responses (codex) and OpenAI Chat Completions (opencode, qwen). What the metering
 * endpoint needs of each: which requests are model calls, the usage an answer carries (whole, or
 * streamed as server-sent events), and how to refuse a call in words the CLI shows.
 */
export type Wire = 'anthropic' | 'responses' | 'chat';

/**
 * The wire a request is a model call of, by its method and path (without the query), or null:
 * not a model call (a model list, a token count, a connectivity probe), forwarded unmetered.
 */
export function wireOf(method: string, path: string): Wire | null {
  if (method !== 'POST') return null;
  if (path.endsWith('/messages')) return 'anthropic';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/chat/completions')) return 'chat';
  return null;
}

/** What an answer said it used. `final`: its closing usage was read (else only what came before it). */
export interface UsageReading {
  /** The model the answer names, if it does. */
  model: string | null;
  tokens: TokenCounts;
  final: boolean;
  /** Why the usage could not be read, when it could not (an answer that was no JSON, an event too large). */
  unreadable: string | null;
}

/** The largest answer (or one streamed event) read for its usage: Responses' last event holds the whole output. */
const MAX_READ_CHARS = 64 * 1024 * 1024;

/**
 * Reads the usage of one model answer as its bytes pass, without holding the stream: a
 * streamed answer's events are read as they complete (only those that can carry usage are
 * parsed), a whole JSON answer once it ended.
 */
export function createUsageTap(wire: Wire, streamed: boolean) {
  const state: UsageReading = {
    model: null,
    tokens: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 },
    final: false,
    unreadable: null,
  };
  const read = READERS[wire];
  const decoder = new TextDecoder('utf-8');
  if (streamed) {
    const sse = createSseReader(MAX_READ_CHARS);
    const take = (events: string[]) => {
      for (const data of events) {
        // Most events are text deltas: only one that names usage (or, for Anthropic, its start) is parsed.
        if (!data.includes('"usage"')) continue;
        let ev: unknown;
        try {
          ev = JSON.parse(data);
        } catch {
          continue;
        }
        if (isObject(ev)) read.event(ev, state);
      }
    };
    return {
      /** The answer's last usage was read (it may still be streaming its last bytes). */
      final: () => state.final && state.unreadable === null,
      push(chunk: Buffer): void {
        if (state.unreadable !== null) return;
        try {
          take(sse.push(decoder.decode(chunk, { stream: true })));
        } catch (err) {
          state.unreadable = (err as Error).message;
        }
      },
      end(): UsageReading {
        if (state.unreadable === null) {
          try {
            take(sse.push(decoder.decode()));
            take(sse.end());
          } catch (err) {
            state.unreadable = (err as Error).message;
          }
        }
        return state;
      },
    };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    /** A whole answer is read at its end only. */
    final: () => false,
    push(chunk: Buffer): void {
      size += chunk.length;
      if (size <= MAX_READ_CHARS) chunks.push(chunk);
    },
    end(): UsageReading {
      if (size > MAX_READ_CHARS) {
        state.unreadable = `the answer is larger than ${MAX_READ_CHARS / 1024 / 1024} MB`;
        return state;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        state.unreadable = 'the answer is not JSON';
        return state;
      }
      read.whole(obj(body), state);
      return state;
    },
  };
}

interface WireReader {
  /** One streamed event that mentions usage. */
  event(ev: JsonObject, state: UsageReading): void;
  /** A whole answer. */
  whole(body: JsonObject, state: UsageReading): void;
}

const READERS: Record<Wire, WireReader> = {
  // `message_start` carries the input (and a first output count), `message_delta` the final output
  // (newer servers repeat the input there too). Input excludes the cache; cache writes are input.
  anthropic: {
    event(ev, state) {
      if (ev.type === 'message_start') {
        const message = obj(ev.message);
        state.model = name(message.model) ?? state.model;
        anthropicUsage(obj(message.usage), state);
      } else if (ev.type === 'message_delta' && isObject(ev.usage)) {
        anthropicUsage(ev.usage, state);
        state.final = true;
      }
    },
    whole(body, state) {
      state.model = name(body.model);
      if (!isObject(body.usage)) return;
      anthropicUsage(body.usage, state);
      state.final = true;
    },
  },
  // The usage is in the response the last event carries (`response.completed`, or `.incomplete` /
  // `.failed`: what the server did is billed); input includes the cached part.
  responses: {
    event(ev, state) {
      const response = obj(ev.response);
      state.model = name(response.model) ?? state.model;
      if (typeof ev.type !== 'string' || !FINAL_RESPONSE_EVENTS.has(ev.type) || !isObject(response.usage))
        return;
      openaiUsage(response.usage, 'input_tokens', 'output_tokens', 'input_tokens_details', state);
      state.final = true;
    },
    whole(body, state) {
      state.model = name(body.model);
      if (!isObject(body.usage)) return;
      openaiUsage(body.usage, 'input_tokens', 'output_tokens', 'input_tokens_details', state);
      state.final = true;
    },
  },
  // A chunk with usage: the last one when the client asked for `stream_options.include_usage`
  // (the endpoint asks for it), or the one that finishes the choice on some servers.
  chat: {
    event(ev, state) {
      if (!isObject(ev.usage)) return;
      state.model = name(ev.model) ?? state.model;
      openaiUsage(ev.usage, 'prompt_tokens', 'completion_tokens', 'prompt_tokens_details', state);
      state.final = true;
    },
    whole(body, state) {
      state.model = name(body.model);
      if (!isObject(body.usage)) return;
      openaiUsage(body.usage, 'prompt_tokens', 'completion_tokens', 'prompt_tokens_details', state);
      state.final = true;
    },
  },
};

const FINAL_RESPONSE_EVENTS = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
  'response.done',
]);

/** Anthropic's figures: each one present replaces what an earlier event said (they are totals so far). */
function anthropicUsage(u: JsonObject, state: UsageReading): void {
  const t = state.tokens;
  const has = (k: string) => typeof u[k] === 'number';
  if (has('input_tokens') || has('cache_creation_input_tokens'))
    t.input_tokens = count(u.input_tokens) + count(u.cache_creation_input_tokens);
  if (has('cache_read_input_tokens')) t.cached_input_tokens = count(u.cache_read_input_tokens);
  if (has('output_tokens')) t.output_tokens = count(u.output_tokens);
}

/** OpenAI's figures: the input includes what was read from the cache; Baton counts that apart. */
function openaiUsage(
  u: JsonObject,
  inputKey: string,
  outputKey: string,
  detailsKey: string,
  state: UsageReading,
): void {
  const input = count(u[inputKey]);
  const cached = Math.min(count(obj(u[detailsKey]).cached_tokens), input);
  state.tokens = {
    input_tokens: input - cached,
    output_tokens: count(u[outputKey]),
    cached_input_tokens: cached,
  };
}

/**
 * A streamed Chat Completions request that does not ask for its usage is made to
 * (`stream_options.include_usage`): a chat stream says what it used only then. Returns whether
 * the body changed.
 */
export function askForUsage(wire: Wire, body: unknown): boolean {
  if (wire !== 'chat' || !isObject(body) || body.stream !== true) return false;
  const options = obj(body.stream_options);
  if (options.include_usage === true) return false;
  body.stream_options = { ...options, include_usage: true };
  return true;
}

/**
 * The status of a model call the endpoint refuses: 402 (payment required), which no CLI
 * retries, with the reason in the wire's error body so the CLI shows it.
 */
export const REFUSED_STATUS = 402;

/** An error body in the wire's own shape (Anthropic's, or OpenAI's for both of its wires). */
export function errorBody(wire: Wire | null, type: string, message: string): string {
  if (wire === 'anthropic') return JSON.stringify({ type: 'error', error: { type, message } });
  return JSON.stringify({ error: { message, type, param: null, code: type } });
}

/** The refusal of a model call the budget does not allow. */
export function refusalBody(wire: Wire | null, reason: string): string {
  return errorBody(
    wire,
    wire === 'anthropic' ? 'billing_error' : 'budget_exceeded',
    `Baton stopped this attempt: ${reason}`,
  );
}
