import { createSseReader } from '../../shared/sse.ts';
import { arr, count, isObject, type JsonObject, name, obj } from '../streams/json.ts';
import type { TokenCounts } from '../streams/prices.ts';

/**
 * The four wire protocols the coding CLIs speak to their model: Anthropic Messages (claude),
 * OpenAI Responses (codex), OpenAI Chat Completions (opencode, qwen) and the Gemini API (Gemini
 * CLI). What the metering endpoint needs of each: which requests are model calls, the usage an
 * answer carries (whole, or streamed as server-sent events), and how to refuse a call in words
 * the CLI shows.
 */
export type Wire = 'anthropic' | 'responses' | 'chat' | 'gemini';

/** A Gemini API model call: `/v1beta/models/{model}:generateContent` or `:streamGenerateContent`. */
const GEMINI_CALL = /\/models\/([^/:]+):(?:generateContent|streamGenerateContent)$/i;

/**
 * The wire a request is a model call of, by its method and path (without the query), or null:
 * not a model call (a model list, a token count, a connectivity probe), forwarded unmetered.
 */
export function wireOf(method: string, given: string): Wire | null {
  if (method !== 'POST') return null;
  // As a server that reads paths loosely would: any case, a trailing slash.
  const path = given.toLowerCase().replace(/\/+$/, '');
  if (path.endsWith('/messages')) return 'anthropic';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/chat/completions')) return 'chat';
  if (GEMINI_CALL.test(path)) return 'gemini';
  return null;
}

/**
 * Why a request's path is not forwarded, or null: a `.` or `..` segment (it would climb out of the
 * provider's base path), an encoded `/`, `\\` or `.` (read as one by some servers), `\\`, `;` or `#`.
 * The endpoint meters the model calls it knows by their paths; a path a server would read as
 * another than it looks passed unmetered, past the budget, with the provider's key.
 */
export function pathRefusal(path: string): string | null {
  if (/%(2f|5c|2e)|[\\;#]/i.test(path)) return 'no encoded "/", "\\" or ".", and no "\\", ";" or "#"';
  if (path.split('/').some((s) => s === '.' || s === '..')) return 'no "." or ".." segment';
  return null;
}

/** The model a request names in its path (the Gemini API's `/models/{model}:…`), or null. */
export function modelOfPath(path: string): string | null {
  const m = GEMINI_CALL.exec(path)?.[1];
  if (m === undefined) return null;
  try {
    return decodeURIComponent(m);
  } catch {
    return m;
  }
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
        // Most events are text deltas: only one that names usage (`usage`, Gemini's `usageMetadata`) is parsed.
        if (!data.includes('"usage')) continue;
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
      // A Gemini stream asked for without `alt=sse` is one JSON array of its chunks.
      if (Array.isArray(body)) for (const ev of body) read.event(obj(ev), state);
      else read.whole(obj(body), state);
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
  // `usageMetadata` rides on a chunk (on every one, or on the last only): totals so far, final on
  // the chunk that finishes the candidate (`finishReason`) or on a chunk of usage alone after it.
  gemini: {
    event(ev, state) {
      state.model = name(ev.modelVersion) ?? state.model;
      if (!isObject(ev.usageMetadata)) return;
      geminiUsage(ev.usageMetadata, state);
      const candidates = arr(ev.candidates);
      if (candidates.length === 0 || candidates.some((c) => typeof obj(c).finishReason === 'string'))
        state.final = true;
    },
    whole(body, state) {
      state.model = name(body.modelVersion);
      if (!isObject(body.usageMetadata)) return;
      geminiUsage(body.usageMetadata, state);
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
 * Gemini's figures: the prompt includes the cached part (`cachedContentTokenCount`) and what tool
 * results added (`toolUsePromptTokenCount`); thinking (`thoughtsTokenCount`) is billed as output.
 */
function geminiUsage(u: JsonObject, state: UsageReading): void {
  const input = count(u.promptTokenCount) + count(u.toolUsePromptTokenCount);
  const cached = Math.min(count(u.cachedContentTokenCount), input);
  state.tokens = {
    input_tokens: input - cached,
    output_tokens: count(u.candidatesTokenCount) + count(u.thoughtsTokenCount),
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

/** Google's status names for the errors the endpoint answers (Gemini CLI retries only 429 and 5xx). */
const GOOGLE_STATUS: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  402: 'FAILED_PRECONDITION',
  413: 'INVALID_ARGUMENT',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
};

/** An error body in the wire's own shape (Anthropic's, Google's, or OpenAI's for both of its wires). */
export function errorBody(wire: Wire | null, status: number, type: string, message: string): string {
  if (wire === 'anthropic') return JSON.stringify({ type: 'error', error: { type, message } });
  if (wire === 'gemini')
    return JSON.stringify({ error: { code: status, message, status: GOOGLE_STATUS[status] ?? 'UNKNOWN' } });
  return JSON.stringify({ error: { message, type, param: null, code: type } });
}

/** The refusal of a model call the budget does not allow. */
export function refusalBody(wire: Wire | null, reason: string): string {
  return errorBody(
    wire,
    REFUSED_STATUS,
    wire === 'anthropic' ? 'billing_error' : 'budget_exceeded',
    `Baton stopped this attempt: ${reason}`,
  );
}
