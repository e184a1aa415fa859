import WebSocket from 'ws';
import { backoffMs } from './retry.ts';

/** The server's "work available" socket (src-main/host/browser/worker-socket.ts). */
const SIGNAL_PATH = 'api/v1/workers/signal';
const WORK_FRAME = '{"type":"work"}';

/**
 * `baton worker`'s ear on the server's "work available" WebSocket: while it is open, the pull
 * loops look for work when the server says there may be some (`wait`), instead of holding a
 * long-poll each. Nothing depends on it: closed, refused or never reached (an older server), the
 * loops long-poll as before, and it tries to connect again with backoff.
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
  private readonly url: URL;
  private readonly token: string;
  private readonly say: (line: string) => void;

  constructor(server: URL, token: string, say: (line: string) => void) {
    this.url = new URL(SIGNAL_PATH, server);
    this.url.protocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
    this.token = token;
    this.say = say;
  }

  /** Whether the server's signal is heard now (else the loops long-poll). */
  get connected(): boolean {
    return this.open;
  }

  start(): void {
    if (this.socket || this.closed) return;
    const ws = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.token}` } });
    this.socket = ws;
    let why = '';
    ws.on('open', () => {
      this.open = true;
      if (this.fails > 0 || this.seq === 0)
        this.say('listening for work over the WebSocket (long-polls as fallback)');
      this.fails = 0;
    });
    ws.on('message', (data) => {
      if (String(data) !== WORK_FRAME) return;
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

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.terminate();
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
