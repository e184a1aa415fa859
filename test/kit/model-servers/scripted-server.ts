import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The part of a scripted model server that every wire protocol shares: the script (conversations
 * of turns), the record of every request, and the faults (hang, crash, garbage, endless stream,
 * HTTP error). A protocol module (anthropic.ts, openai-responses.ts, openai-chat.ts) only reads
 * its request shape and writes its answer shape.
 */

/** Tokens a turn reports; `cached` is the part of `input` read from a prompt cache. */
export interface Usage {
  input: number;
  output: number;
  cached?: number;
}

/** A tool call the model makes: the tool is one the client offered, named as the client names it. */
export interface ToolCall {
  name: string;
  /** JSON arguments; a string for a free-form tool (Responses API `custom` tools such as codex's apply_patch). */
  input: Record<string, unknown> | string | ((req: ModelRequest) => Record<string, unknown> | string);
}

export type Fault =
  /** Answers nothing (midStream: the stream's start and one text delta, then nothing). */
  | { kind: 'hang'; midStream?: boolean }
  /** Closes the socket (midStream: after the stream's start and one text delta). */
  | { kind: 'crash'; midStream?: boolean }
  /** 200 with an event stream of lines that are no protocol at all. */
  | { kind: 'garbage' }
  /** Streams text deltas every `everyMs` until the client goes away. */
  | { kind: 'endless'; everyMs?: number }
  /** An HTTP error with the protocol's error body, or `body` as the vendor sends it (a rate limit's). */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string>; body?: unknown };

/** What the model does at one point of a conversation: say text, call tools, or fail. */
export interface Turn {
  text?: string;
  tools?: ToolCall[];
  usage?: Usage;
  fault?: Fault;
  /** The fault answers this many requests for this turn, then the turn's text and tools do (default: all). */
  faultTimes?: number;
  /** Waited for before the turn answers: a model that takes its time until what the test needs is there. */
  before?: (req: ModelRequest) => Promise<void>;
}

export interface Conversation {
  name: string;
  /** Which requests belong here; default: requests that offer tools (a title or summary request offers none). */
  match?: (req: ModelRequest) => boolean;
  /** Turn N answers the request whose history holds N assistant turns, so a retry or a resumed session lands right. */
  turns: Turn[];
  /**
   * `first-match`: turn N answers the request whose history holds N assistant turns more than
   * the first request this conversation answered. For a conversation that starts inside a
   * history the client keeps (a resumed session) whose length the test cannot know.
   */
  countFrom?: 'history' | 'first-match';
}

/** A protocol-neutral reading of a model request. */
export interface ModelRequest {
  model: string;
  stream: boolean;
  /** Names of the tools the client offered. */
  tools: string[];
  /** How many assistant turns the history holds. */
  assistantTurns: number;
  /** Every piece of text in the request (system, user, assistant, tool results), in order. */
  texts: string[];
  /** The request body as sent. */
  body: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as JSON, or the raw text when it is not JSON. */
  body: unknown;
  at: number;
  request?: ModelRequest;
  conversation?: string;
  turn?: number;
  /** What the server did: `turn`, `fault:<kind>`, `side` (no conversation matched), `unauthorized` (not the server's `apiKey`), `helper` (no model call, e.g. token counting), `past-end`, `tool-not-offered`, `not-found`, `bad-request`. */
  answer: string;
}

/** The frames of one streamed answer; an object keeps what it needs between calls (open blocks, indexes). */
export interface AnswerStream {
  start(): string[];
  text(delta: string): string[];
  toolCall(call: { id: string; name: string; input: Record<string, unknown> | string }): string[];
  finish(stopped: 'tool' | 'end'): string[];
}

export interface Protocol {
  /** The model endpoint: other paths get `notFound`. */
  isModelCall(method: string, path: string): boolean;
  /** Reads a request body (and its path, for a protocol that names the model there), or throws an Error naming what is wrong. */
  read(body: unknown, path: string): ModelRequest;
  /** The answer to a request that is no model call but the protocol serves anyway (Gemini's `:countTokens`); undefined: none. */
  helper?(method: string, path: string, body: unknown): unknown;
  stream(req: ModelRequest, id: string, usage: Usage): AnswerStream;
  /** A whole answer at once, for `stream: false`. */
  whole(
    req: ModelRequest,
    id: string,
    text: string,
    calls: { id: string; name: string; input: Record<string, unknown> | string }[],
    usage: Usage,
  ): unknown;
  errorBody(status: number, message: string): unknown;
}

export interface ServerOptions {
  conversations?: Conversation[];
  /** The answer to a request no conversation matches (titles, summaries). */
  sideText?: string;
  /** Delay between frames, to let a test watch a stream arrive (default 0). */
  frameDelayMs?: number;
  /**
   * The API key the server takes, as a real one would: a request that carries another (or none)
   * in `x-api-key`, `x-goog-api-key`, `authorization: Bearer` or a `key` query parameter is
   * answered 401 (recorded as `unauthorized`). Default: any key.
   */
  apiKey?: string;
}

export interface ModelServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** The requests that reached a conversation (not side requests or unknown paths). */
  modelCalls(conversation?: string): RecordedRequest[];
  /** Replaces the script; the record is kept. */
  script(conversations: Conversation[]): void;
  close(): Promise<void>;
}

/** Whether a request carries `key`, and only it, wherever an API takes one. */
function keyed(rec: RecordedRequest, key: string): boolean {
  const given: string[] = [];
  for (const h of ['x-api-key', 'x-goog-api-key']) {
    const v = rec.headers[h];
    if (typeof v === 'string') given.push(v);
  }
  const auth = rec.headers.authorization;
  if (typeof auth === 'string') given.push(auth.replace(/^Bearer\s+/i, ''));
  const query = new URLSearchParams(rec.path.split('?')[1] ?? '').get('key');
  if (query !== null) given.push(query);
  return given.length > 0 && given.every((g) => g === key);
}

const DEFAULT_USAGE: Usage = { input: 100, output: 20, cached: 0 };

export async function startScriptedServer(
  protocol: Protocol,
  options: ServerOptions = {},
): Promise<ModelServer> {
  let conversations = options.conversations ?? [];
  const requests: RecordedRequest[] = [];
  const faultsServed = new Map<string, number>();
  /** The history's length at each `first-match` conversation's first request. */
  const firstTurns = new Map<string, number>();
  let nextId = 1;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const rec: RecordedRequest = {
        method: raw.method ?? '',
        path: raw.url ?? '',
        headers: raw.headers,
        body: parseBody(text),
        at: Date.now(),
        answer: 'not-found',
      };
      requests.push(rec);
      answer(rec, raw, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, protocol.errorBody(500, String(err)));
        else res.destroy();
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function answer(rec: RecordedRequest, raw: IncomingMessage, res: ServerResponse) {
    const path = rec.path.split('?')[0] ?? '';
    if (options.apiKey !== undefined && !keyed(rec, options.apiKey)) {
      rec.answer = 'unauthorized';
      sendJson(res, 401, protocol.errorBody(401, 'invalid API key'));
      return;
    }
    const helped = protocol.helper?.(rec.method, path, rec.body);
    if (helped !== undefined) {
      rec.answer = 'helper';
      sendJson(res, 200, helped);
      return;
    }
    if (!protocol.isModelCall(rec.method, path)) {
      sendJson(res, 404, protocol.errorBody(404, `no route ${rec.method} ${path}`));
      return;
    }
    let req: ModelRequest;
    try {
      req = protocol.read(rec.body, path);
    } catch (err) {
      rec.answer = 'bad-request';
      sendJson(res, 400, protocol.errorBody(400, err instanceof Error ? err.message : String(err)));
      return;
    }
    rec.request = req;
    const id = String(nextId++);
    const conv = conversations.find((c) => (c.match ?? offersTools)(req));
    if (!conv) {
      rec.answer = 'side';
      await reply(res, req, id, { text: options.sideText ?? 'Side answer.' });
      return;
    }
    rec.conversation = conv.name;
    if (conv.countFrom === 'first-match' && !firstTurns.has(conv.name))
      firstTurns.set(conv.name, req.assistantTurns);
    const n = req.assistantTurns - (firstTurns.get(conv.name) ?? 0);
    rec.turn = n;
    const turn = conv.turns[n];
    await turn?.before?.(req);
    if (!turn) {
      rec.answer = 'past-end';
      await reply(res, req, id, { text: `(the script of ${conv.name} has no turn ${n})` });
      return;
    }
    if (turn.fault) {
      const key = `${conv.name}#${n}`;
      const served = faultsServed.get(key) ?? 0;
      if (turn.faultTimes === undefined || served < turn.faultTimes) {
        faultsServed.set(key, served + 1);
        rec.answer = `fault:${turn.fault.kind}`;
        await fault(turn.fault, raw, res, req, id);
        return;
      }
    }
    const missing = (turn.tools ?? []).find((t) => !req.tools.includes(t.name));
    if (missing) {
      rec.answer = 'tool-not-offered';
      const offered = req.tools.join(', ') || 'none';
      await reply(res, req, id, {
        text: `script error: tool ${missing.name} not offered (offered: ${offered})`,
      });
      return;
    }
    rec.answer = 'turn';
    await reply(res, req, id, turn);
  }

  async function reply(res: ServerResponse, req: ModelRequest, id: string, turn: Turn) {
    const usage = turn.usage ?? DEFAULT_USAGE;
    const calls = (turn.tools ?? []).map((t, i) => ({
      id: `call_${id}_${i}`,
      name: t.name,
      input: typeof t.input === 'function' ? t.input(req) : t.input,
    }));
    if (!req.stream) {
      sendJson(res, 200, protocol.whole(req, id, turn.text ?? '', calls, usage));
      return;
    }
    const s = protocol.stream(req, id, usage);
    const frames = [...s.start()];
    if (turn.text) for (const piece of splitText(turn.text)) frames.push(...s.text(piece));
    for (const call of calls) frames.push(...s.toolCall(call));
    frames.push(...s.finish(calls.length > 0 ? 'tool' : 'end'));
    startStream(res);
    for (const f of frames) {
      if (res.destroyed) return;
      res.write(f);
      if (options.frameDelayMs) await sleep(options.frameDelayMs);
    }
    res.end();
  }

  async function fault(f: Fault, raw: IncomingMessage, res: ServerResponse, req: ModelRequest, id: string) {
    switch (f.kind) {
      case 'status':
        res.writeHead(f.status, { 'content-type': 'application/json', ...f.headers });
        res.end(
          JSON.stringify(f.body ?? protocol.errorBody(f.status, f.message ?? `scripted error ${f.status}`)),
        );
        return;
      case 'garbage':
        startStream(res);
        res.end(
          'data: {"this is": not json\n\nthis line is no event at all\n\ndata: \u0000\u0001garbage\n\n',
        );
        return;
      case 'crash':
        if (f.midStream) {
          const s = protocol.stream(req, id, DEFAULT_USAGE);
          startStream(res);
          res.write([...s.start(), ...s.text('Partial ')].join(''));
          await sleep(50);
        }
        raw.socket.destroy();
        return;
      case 'hang':
        if (f.midStream) {
          const s = protocol.stream(req, id, DEFAULT_USAGE);
          startStream(res);
          res.write([...s.start(), ...s.text('Partial ')].join(''));
        }
        return; // the socket stays open until the client gives up or the server closes
      case 'endless': {
        const s = protocol.stream(req, id, DEFAULT_USAGE);
        startStream(res);
        res.write(s.start().join(''));
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          res.write(s.text('more ').join(''));
        }, f.everyMs ?? 20);
        timers.add(timer);
        return;
      }
      default:
        f satisfies never;
    }
  }

  server.requestTimeout = 0; // a hanging answer is what some tests want
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    modelCalls: (name) =>
      requests.filter((r) => r.conversation !== undefined && (name === undefined || r.conversation === name)),
    script(next) {
      conversations = next;
      faultsServed.clear();
      firstTurns.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const offersTools = (req: ModelRequest) => req.tools.length > 0;

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Splits text into a few deltas, the way a model streams it. */
function splitText(text: string): string[] {
  const words = text.split(/(?<= )/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(''));
  return out;
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One server-sent event: `event:` line when named, then the data as JSON (a string as is). */
export function sse(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

/** Reads a value as a plain object, or throws naming the field. */
export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${field}: expected an object`);
  return value as Record<string, unknown>;
}

/** Reads a value as an array, or throws naming the field. */
export function arrayAt(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${field}: expected an array`);
  return value;
}

/** Every string found in a message content value (a string, or parts with `text`/`content`). */
export function textsOf(content: unknown, out: string[] = []): string[] {
  if (typeof content === 'string') out.push(content);
  else if (Array.isArray(content)) for (const part of content) textsOf(part, out);
  else if (typeof content === 'object' && content !== null) {
    const o = content as Record<string, unknown>;
    for (const key of ['text', 'content', 'output', 'input', 'arguments']) if (key in o) textsOf(o[key], out);
  }
  return out;
}
