import WebSocket from 'ws';
import { backoffMs } from './retry.ts';
import { CALL_TIMEOUT_MS, Refused, Unreachable } from './server-link.ts';

/** The server's "work available" socket (src-main/host/browser/worker-socket.ts). */
const SIGNAL_PATH = 'api/v1/workers/signal';
const WORK_FRAME = '{"type":"work"}';

/** How long a clean close may take before the socket is dropped (the process must not linger for it). */
const CLOSE_MS = 1_000;

/**
 * `baton worker`'s ear on the server's "work available" WebSocket: while it is open, the worker
 * claims work when the server says there may be some (`wait`), instead of holding a long-poll.
 * It names the worker (`?worker=<id>`): the server then wakes it only while it waits for work,
 * and when the worker stops and closes it cleanly (`close`), queues again at once whatever the
 * worker still held. Nothing depends on it: closed, refused or never reached (an older server),
 * the worker long-polls as before, and it tries to connect again with backoff.
 */
export class WorkSignal {
  /** Frames heard so far: a loop notes it before a look and waits only if none came since. */
  seq = 0;
  private open = false;
  private socket: WebSocket | null = null;
  private closed = false;
  private fails = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<() => void>();
  /** Who waits for the socket to open (`ready`). */
  private readonly opened = new Set<() => void>();
  /** Claims sent over the socket, by id, until answered (or the socket closes). */
  private readonly calls = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private lastCall = 0;
  private readonly url: URL;
  private readonly token: string;
  private readonly say: (line: string) => void;

  constructor(server: URL, token: string, workerId: string, say: (line: string) => void) {
    this.url = new URL(SIGNAL_PATH, server);
    this.url.protocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
    this.url.searchParams.set('worker', workerId);
    this.token = token;
    this.say = say;
  }

  /** Whether the server's signal is heard now (else the worker long-polls). */
  get connected(): boolean {
    return this.open;
  }

  /** Resolves once the socket is open, or its first try failed (an older server), or after `ms`. */
  ready(ms: number): Promise<void> {
    if (this.open || this.closed || this.fails > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        this.opened.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      this.opened.add(done);
    });
  }

  start(): void {
    if (this.socket || this.closed) return;
    const ws = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.token}` } });
    this.socket = ws;
    let why = '';
    ws.on('open', () => {
      this.open = true;
      for (const w of [...this.opened]) w();
      if (this.fails > 0 || this.seq === 0)
        this.say('listening for work over the WebSocket (long-polls as fallback)');
      this.fails = 0;
    });
    ws.on('message', (data) => {
      const text = String(data);
      if (text !== WORK_FRAME) return this.answered(text);
      this.seq++;
      this.wake();
    });
    ws.on('unexpected-response', (_req, res) => {
      why = `HTTP ${res.statusCode}`;
      ws.terminate();
    });
    ws.on('error', (err) => {
      why ||= err.message;
    });
    ws.on('close', () => {
      const was = this.open;
      this.open = false;
      this.socket = null;
      // Claims on their way are not answered now: the worker hands their results in again.
      for (const [id, c] of this.calls) {
        clearTimeout(c.timer);
        this.calls.delete(id);
        c.reject(new Unreachable('the work signal closed before the server answered'));
      }
      // The loops waiting on it go back to long-polling at once.
      this.wake();
      if (this.closed) return;
      this.fails++;
      const wait = backoffMs(this.fails);
      if (was || this.fails === 1)
        this.say(
          `work signal: ${was ? 'closed' : `not available (${why || 'no answer'})`}; long-polling, trying the WebSocket again in ${(wait / 1000).toFixed(1)} s`,
        );
      this.timer = setTimeout(() => {
        this.timer = null;
        this.start();
      }, wait);
    });
  }

  /**
   * Resolves once a frame came after `since` (at once if one already did), the socket closed,
   * `ms` passed (a look now and then, in case a frame was lost), or `stop` aborted.
   */
  wait(since: number, ms: number, stop: AbortSignal): Promise<void> {
    if (this.seq > since || !this.open || stop.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /**
   * A claim over the socket (`workers.claim`'s input): the server's answer, or a refusal as HTTP
   * would give it (`Refused`, with the status), or `Unreachable` when the socket is not open or
   * closes first (the caller claims over HTTP then).
   */
  claim<T>(body: unknown): Promise<T> {
    const ws = this.socket;
    if (!this.open || !ws) return Promise.reject(new Unreachable('the work signal is not open'));
    const id = ++this.lastCall;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(id);
        reject(new Unreachable(`no answer in ${CALL_TIMEOUT_MS / 1000} s`));
      }, CALL_TIMEOUT_MS);
      timer.unref();
      this.calls.set(id, { resolve: (v) => resolve(v as T), reject, timer });
      ws.send(JSON.stringify({ id, claim: body }), (err) => {
        if (!err || !this.calls.has(id)) return;
        clearTimeout(timer);
        this.calls.delete(id);
        reject(new Unreachable(err.message));
      });
    });
  }

  /** The server's answer to a claim over the socket (anything else it may say is let go). */
  private answered(text: string): void {
    let msg: {
      id?: unknown;
      ok?: unknown;
      value?: unknown;
      status?: unknown;
      error?: { code?: unknown; message?: unknown };
    };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    const call = typeof msg?.id === 'number' ? this.calls.get(msg.id) : undefined;
    if (!call || typeof msg.id !== 'number') return;
    this.calls.delete(msg.id);
    clearTimeout(call.timer);
    if (msg.ok === true) call.resolve(msg.value);
    else
      call.reject(
        new Refused(
          typeof msg.status === 'number' ? msg.status : 500,
          String(msg.error?.code ?? 'http'),
          String(msg.error?.message ?? 'the server refused the claim'),
        ),
      );
  }

  /** The worker stops: the socket is closed cleanly (the server takes it as the worker leaving). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const ws = this.socket;
    if (ws && ws.readyState === ws.OPEN) {
      ws.close(1000, 'the worker stopped');
      const drop = setTimeout(() => ws.terminate(), CLOSE_MS);
      ws.once('close', () => clearTimeout(drop));
    } else ws?.terminate();
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
