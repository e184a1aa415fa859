import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { costOf, type PriceTable, priceFor, roundUsd, type TokenCounts } from '../streams/prices.ts';
import { keyRefusal, swapKey } from './keys.ts';
import type { UsageReading, Wire } from './wires.ts';
import {
  askForUsage,
  createUsageTap,
  errorBody,
  modelOfPath,
  pathRefusal,
  REFUSED_STATUS,
  refusalBody,
  wireOf,
} from './wires.ts';

// Not `import … from 'node:http'`: Node builds those modules' ESM faces with every export, and
// node:http's WebSocket getter loads undici, a fifth of a second of every Baton start for nothing.
const { createServer, Agent: HttpAgent, request: httpRequest } = process.getBuiltinModule('node:http');
const { Agent: HttpsAgent, request: httpsRequest } = process.getBuiltinModule('node:https');

/** What an attempt's model calls through the endpoint have cost so far. */
export interface MeterSpent {
  /** USD of the calls whose usage was read and priced. */
  usd: number;
  /** Model calls forwarded (answered or not). */
  calls: number;
  /** Answered calls whose usage could not be read: their cost is unknown. */
  unknown: number;
  /** Answered calls whose usage was read but whose model has no price. */
  unpriced: number;
}

/** One model call that was answered (2xx) and what it cost, as far as the endpoint could tell. */
export interface MeteredCall {
  wire: Wire;
  /** The model priced (the answer's, else the request's, else the agent's), if any is named. */
  model: string | null;
  tokens: TokenCounts;
  /** USD; null when no price is known or the usage could not be read. */
  cost_usd: number | null;
  cost_source: 'priced' | 'unpriced' | 'unknown';
  /** Why its usage is unknown (`cost_source: 'unknown'`), else null. */
  unknown: string | null;
  /** When it was forwarded (ms since 1970) and how long until its answer ended. */
  at: number;
  duration_ms: number;
}

/** What the endpoint tells the attempt, in order: an answered call's cost, a call refused. */
export type MeterNote = { kind: 'call'; call: MeteredCall } | { kind: 'refused'; reason: string };

export interface MeterOptions {
  /** The model server the calls go on to: the provider's base URL, or the CLI's default server. */
  upstream: string;
  /**
   * The provider's key, sent on in place of the attempt's `token`, which every request must
   * present as its key (keys.ts); null: the CLI's own login, whose credentials pass as they are.
   */
  key: string | null;
  /** Prices by model name (USD per million tokens). */
  prices: PriceTable;
  /** The model the agent names: priced when the answer and the request name none with a price. */
  model: string | null;
  /**
   * Asked before each model call is forwarded, with what was spent so far: a reason to refuse
   * the call (the budget is spent), or null to forward it. Once it gave a reason, every later
   * model call is refused with that reason.
   */
  gate: (spent: MeterSpent) => string | null;
  now?: () => number;
}

export interface Meter {
  /** The base URL the CLI is given for its model server (`http://127.0.0.1:<port>/<token>`). */
  readonly url: string;
  /**
   * The secret part of `url`: only a caller that knows it is served. With a provider's `key`, also
   * the key the CLI is given in its place.
   */
  readonly token: string;
  readonly spent: MeterSpent;
  /** The notes since the last call. */
  take(): MeterNote[];
  /** Settles once a note is waiting (at once when one is). */
  news(): Promise<void>;
  /** Calls `fn` after each note from now on (one listener: a later call replaces it). */
  listen(fn: () => void): void;
  /**
   * The attempt is over: calls still open are cut (their cost unknown, unless their usage had been
   * read), nothing more is served. Settles once every open call is noted.
   */
  close(): Promise<void>;
}

/** The largest model request read whole (to price by its model and ask a chat stream for its usage). */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** Headers that belong to one connection, never passed on (RFC 9110 §7.6.1), and the host. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // The whole body is sent at once: the endpoint, not the server, answers a client's Expect.
  'expect',
]);

/**
 * A forwarding endpoint between one attempt's coding CLI and its model server, on 127.0.0.1:
 * every request under `url` goes on to `upstream` (path and query kept, the answer streamed back
 * unchanged), and each model call's usage is read from what passes and priced. Before a model
 * call goes on, `gate` may refuse it: the CLI then gets a 402 in its wire's error shape saying
 * why. See README.md beside this file.
 */
export async function startMeter(opts: MeterOptions): Promise<Meter> {
  const now = opts.now ?? Date.now;
  const upstream = new URL(opts.upstream);
  const secure = upstream.protocol === 'https:';
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const token = randomBytes(18).toString('base64url');
  const prefix = `/${token}`;
  const spent: MeterSpent = { usd: 0, calls: 0, unknown: 0, unpriced: 0 };
  let notes: MeterNote[] = [];
  /** Settles when the next note comes: one promise, however often `news` is asked. */
  let waiting: { promise: Promise<void>; resolve: () => void } | null = null;
  let listener: (() => void) | null = null;
  let refused: string | null = null;
  let closed = false;
  /** Calls forwarded and not yet noted: cut at close. */
  const open = new Set<{ cut: () => void; done: Promise<void> }>();

  const note = (n: MeterNote) => {
    notes.push(n);
    const w = waiting;
    waiting = null;
    w?.resolve();
    listener?.();
  };

  const priceOf = (reading: UsageReading, requestModel: string | null) => {
    const names = [reading.model, requestModel, opts.model].filter((m): m is string => m !== null);
    for (const m of names) {
      const price = priceFor(opts.prices, m);
      if (price) return { model: m, cost: costOf(price, reading.tokens) };
    }
    return { model: names[0] ?? null, cost: null };
  };

  const record = (
    wire: Wire,
    at: number,
    reading: UsageReading,
    requestModel: string | null,
    cut: string | null,
  ) => {
    const { model, cost } = priceOf(reading, requestModel);
    const unknown = reading.final
      ? null
      : (cut ?? reading.unreadable ?? 'the answer ended without saying what it used');
    const call: MeteredCall = {
      wire,
      model,
      tokens: { ...reading.tokens },
      cost_usd: unknown === null ? cost : null,
      cost_source: unknown !== null ? 'unknown' : cost === null ? 'unpriced' : 'priced',
      unknown,
      at,
      duration_ms: Math.max(0, now() - at),
    };
    if (call.cost_source === 'unknown') spent.unknown++;
    else if (call.cost_source === 'unpriced') spent.unpriced++;
    else spent.usd = roundUsd(spent.usd + (call.cost_usd ?? 0));
    note({ kind: 'call', call });
  };

  const fail = (res: ServerResponse, wire: Wire | null, status: number, type: string, message: string) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(errorBody(wire, status, type, message));

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    let rest = url.slice(prefix.length);
    const path = rest.split('?')[0] || '/';
    const wire = wireOf(req.method ?? '', path);
    const odd = pathRefusal(path);
    if (odd !== null) {
      req.resume();
      fail(
        res,
        wire,
        400,
        'invalid_request_error',
        `Baton's model endpoint forwards plain paths only: ${odd}`,
      );
      return;
    }
    if (closed) {
      req.resume();
      fail(res, wire, 503, 'api_error', 'Baton ended this attempt');
      return;
    }
    let headers = passOn(req.headers);
    if (opts.key !== null) {
      const swapped = swapKey(headers, rest, token, opts.key);
      if (!swapped.ok) {
        req.resume();
        fail(res, wire, 401, 'authentication_error', keyRefusal(swapped.why));
        return;
      }
      headers = swapped.headers;
      rest = swapped.path;
    }
    const target = `${basePath}${rest.startsWith('/') || rest === '' ? rest : `/${rest}`}`;
    if (wire === null) {
      // Past the budget nothing more is sent with the key: a request it does not know is no model
      // call only as far as its path says.
      if (refused !== null && req.method === 'POST') {
        req.resume();
        res.writeHead(REFUSED_STATUS, { 'content-type': 'application/json' }).end(refusalBody(null, refused));
        return;
      }
      forward(req, res, target, headers, null, null);
      return;
    }
    const why = refused ?? opts.gate({ ...spent });
    if (why !== null) {
      req.resume();
      if (refused === null) {
        refused = why;
        note({ kind: 'refused', reason: why });
      }
      res.writeHead(REFUSED_STATUS, { 'content-type': 'application/json' }).end(refusalBody(wire, why));
      return;
    }
    readBody(req).then(
      (raw) => {
        if (closed) return fail(res, wire, 503, 'api_error', 'Baton ended this attempt');
        if (raw === null)
          return fail(res, wire, 413, 'invalid_request_error', 'the request is larger than 64 MB');
        let body: Buffer = raw;
        // The Gemini API names the model in the path; the others in the body.
        let requestModel: string | null = modelOfPath(path);
        try {
          const parsed: unknown = JSON.parse(raw.toString('utf8'));
          if (typeof parsed === 'object' && parsed !== null && 'model' in parsed)
            requestModel = typeof parsed.model === 'string' ? parsed.model : requestModel;
          if (askForUsage(wire, parsed)) body = Buffer.from(JSON.stringify(parsed));
        } catch {
          // Not JSON: the server says what it makes of it.
        }
        forward(req, res, target, headers, wire, { body, model: requestModel });
      },
      () => res.destroy(),
    );
  });

  /**
   * Sends the request on and its answer back. A model call (`wire`) is sent whole (`sent`) and
   * its answer read for usage; anything else is piped as it is.
   */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    headers: Record<string, string | string[]>,
    wire: Wire | null,
    sent: { body: Buffer; model: string | null } | null,
  ) {
    headers.host = upstream.host;
    // The usage is read from the bytes: they must come uncompressed.
    headers['accept-encoding'] = 'identity';
    if (sent) headers['content-length'] = String(sent.body.length);
    const at = now();
    if (wire) spent.calls++;
    let settle = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    let noted = false;
    /** The usage read from a model call's answer, once a 2xx answer began. */
    let tap: ReturnType<typeof createUsageTap> | null = null;
    /** Cut by the endpoint as the attempt ended: a call with no answer yet may still be billed. */
    let cutHere = false;
    let answered = false;
    const finish = (cut: string | null) => {
      if (noted) return;
      noted = true;
      open.delete(entry);
      const reading: UsageReading | null = tap
        ? tap.end()
        : cutHere && !answered
          ? { model: null, tokens: zero(), final: false, unreadable: null }
          : null;
      if (wire && reading) record(wire, at, reading, sent?.model ?? null, cut);
      settle();
    };
    const up = send({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
      port: upstream.port || (secure ? 443 : 80),
      method: req.method,
      path,
      headers,
      agent,
    });
    const entry = {
      cut: () => {
        cutHere = true;
        up.destroy(new Error('the attempt ended'));
      },
      done,
    };
    open.add(entry);
    let clientGone = false;
    res.on('close', () => {
      if (!res.writableFinished) clientGone = true;
    });
    up.on('response', (answer) => {
      const status = answer.statusCode ?? 502;
      answered = true;
      // Only an answered model call costs: an error status is not billed.
      if (wire && status >= 200 && status < 300) tap = createUsageTap(wire, isEventStream(answer.headers));
      if (!clientGone) res.writeHead(status, passOn(answer.headers) as OutgoingHttpHeaders);
      answer.on('data', (chunk: Buffer) => {
        tap?.push(chunk);
        // Counted before the CLI reads the answer's last event: its next call, which may come
        // before this answer's stream has closed, is then gated on what this one cost.
        if (tap?.final()) finish(null);
        if (clientGone || res.destroyed) return;
        if (!res.write(chunk)) {
          answer.pause();
          res.once('drain', () => answer.resume());
        }
      });
      // A CLI that went away (stopped, gave up) no longer reads: the answer is read on to its end
      // for what it used, until the attempt ends.
      res.on('close', () => {
        if (clientGone) answer.resume();
      });
      answer.on('end', () => {
        finish(null);
        if (!clientGone) res.end();
      });
      answer.on('error', () => {});
      answer.on('close', () => {
        if (answer.complete) return;
        if (!res.writableEnded) res.destroy();
        finish('the answer was cut before it ended');
      });
    });
    up.on('error', (err) => {
      if (tap === null && !res.headersSent && !clientGone) {
        fail(
          res,
          wire,
          502,
          'api_error',
          `Baton's metering endpoint could not reach ${upstream.origin}: ${err.message}`,
        );
      } else if (!res.writableEnded) res.destroy();
      // An answer that had begun (or one the attempt's end cut short): what it used is unknown.
      finish(`the answer was cut: ${err.message}`);
    });
    if (sent) up.end(sent.body);
    else req.pipe(up);
    req.on('error', () => up.destroy());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A model may think for minutes before its first byte, and stream for longer.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    token,
    get spent() {
      return { ...spent };
    },
    take() {
      const out = notes;
      notes = [];
      return out;
    },
    news() {
      if (notes.length > 0) return Promise.resolve();
      if (waiting === null) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        waiting = { promise, resolve };
      }
      return waiting.promise;
    },
    listen(fn) {
      listener = fn;
    },
    async close() {
      if (closed) return;
      closed = true;
      const waiting = [...open];
      for (const c of waiting) c.cut();
      await Promise.all(waiting.map((c) => c.done));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

const zero = (): TokenCounts => ({ input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 });

function isEventStream(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').toLowerCase().includes('text/event-stream');
}

/** The headers of one side passed to the other: without hop-by-hop ones and those `connection` names. */
function passOn(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** A request body, or null past MAX_REQUEST_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
