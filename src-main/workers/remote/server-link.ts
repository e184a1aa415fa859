import http from 'node:http';
import https from 'node:https';

/**
 * How a worker talks to its Baton server: JSON over the REST API (the pull routes any daemon uses
 * and the workers' own), with the token as `Authorization: Bearer`, as every API client of `baton serve`.
 */

/** The server could not be reached or answered nothing usable: try again later. */
export class Unreachable extends Error {}

/** The server answered with an error (`{ error: { code, message } }`). */
export class Refused extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** Worth trying again: the token (a restarted server mints a new one unless it is fixed), a busy or broken server. */
  get transient(): boolean {
    if (this.revoked) return false;
    return this.status === 401 || this.status === 408 || this.status === 429 || this.status >= 500;
  }

  /** The worker token was revoked on the server: nothing this worker does will be taken again. */
  get revoked(): boolean {
    return this.status === 401 && this.code === 'token_revoked';
  }
}

export interface ServerLink {
  /** `signal` ends a call early (a long-poll when the worker stops): it then fails as Unreachable. */
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  /** `signal` as for `get` (a wait for a person's decision when the attempt stops). */
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
}

/** Most time one call may take before it counts as a network failure (a long-poll waits 20 s of it). */
export const CALL_TIMEOUT_MS = 40_000;
/** Connections to the server at once: claims (two on their way), heartbeats, reports, a person's waits. */
const MAX_SOCKETS = 16;

/** A call, watched: a refusal that says the worker's token was revoked is told to `onRevoked` before the caller sees it. */
export function watched<T>(p: Promise<T>, onRevoked: (err: Refused) => void): Promise<T> {
  return p.catch((err: unknown) => {
    if (err instanceof Refused && err.revoked) onRevoked(err);
    throw err;
  });
}

/**
 * The link, watched: a refusal that says the worker's token was revoked is told to `onRevoked`
 * (the worker stops) before the caller sees it.
 */
export function watchRevocation(link: ServerLink, onRevoked: (err: Refused) => void): ServerLink {
  return {
    get: (path, signal) => watched(link.get(path, signal), onRevoked),
    post: (path, body, signal) => watched(link.post(path, body, signal), onRevoked),
  };
}

/**
 * The link over node's own HTTP client, its connections kept alive and reused (a worker makes
 * several calls a second while it works: fetch's per-call machinery cost it more than the work).
 */
export function linkTo(server: URL, token: string): ServerLink {
  const secure = server.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS })
    : new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const send = secure ? https.request : http.request;
  const auth = `Bearer ${token}`;
  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown, stop?: AbortSignal): Promise<T> => {
    const url = new URL(path.replace(/^\//, ''), server);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      if (stop?.aborted) return reject(new Unreachable('the call was stopped'));
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop?.removeEventListener('abort', abort);
        req.destroy();
        reject(err);
      };
      const abort = () => fail(new Unreachable('the call was stopped'));
      const req = send(url, {
        method,
        agent,
        headers: {
          authorization: auth,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      });
      const timer = setTimeout(
        () => fail(new Unreachable(`no answer in ${CALL_TIMEOUT_MS / 1000} s`)),
        CALL_TIMEOUT_MS,
      );
      timer.unref();
      stop?.addEventListener('abort', abort, { once: true });
      req.on('error', (err) => fail(new Unreachable(describeNetworkError(err))));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => fail(new Unreachable(describeNetworkError(err))));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          stop?.removeEventListener('abort', abort);
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            return reject(
              new Refused(status, 'bad_answer', `${method} ${url.pathname}: HTTP ${status}, not JSON`),
            );
          }
          if (status >= 200 && status < 300) return resolve(parsed as T);
          const error = isErrorBody(parsed) ? parsed.error : { code: 'http', message: `HTTP ${status}` };
          reject(new Refused(status, error.code, error.message));
        });
      });
      req.end(payload);
    });
  };
  return {
    get: (path, signal) => call('GET', path, undefined, signal),
    post: (path, body, signal) => call('POST', path, body, signal),
  };
}

function isErrorBody(v: unknown): v is { error: { code: string; message: string } } {
  if (v === null || typeof v !== 'object' || !('error' in v)) return false;
  const e = v.error;
  return e !== null && typeof e === 'object' && 'code' in e && 'message' in e;
}

/** A network error by its code (ECONNREFUSED, ECONNRESET) and what it says. */
function describeNetworkError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${code} (${err.message})` : err.message;
}

/** A path segment, escaped. */
export const seg = (s: string): string => encodeURIComponent(s);
