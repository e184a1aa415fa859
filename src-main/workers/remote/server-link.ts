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
const CALL_TIMEOUT_MS = 40_000;

/**
 * The link, watched: a refusal that says the worker's token was revoked is told to `onRevoked`
 * (the worker stops) before the caller sees it.
 */
export function watchRevocation(link: ServerLink, onRevoked: (err: Refused) => void): ServerLink {
  const watch = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      if (err instanceof Refused && err.revoked) onRevoked(err);
      throw err;
    });
  return {
    get: (path, signal) => watch(link.get(path, signal)),
    post: (path, body, signal) => watch(link.post(path, body, signal)),
  };
}

export function linkTo(server: URL, token: string): ServerLink {
  const call = async <T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    stop?: AbortSignal,
  ): Promise<T> => {
    const url = new URL(path.replace(/^\//, ''), server);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: stop
          ? AbortSignal.any([AbortSignal.timeout(CALL_TIMEOUT_MS), stop])
          : AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      throw new Unreachable(describeNetworkError(err));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new Unreachable(describeNetworkError(err));
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new Refused(res.status, 'bad_answer', `${method} ${url.pathname}: HTTP ${res.status}, not JSON`);
    }
    if (res.ok) return parsed as T;
    const error = isErrorBody(parsed) ? parsed.error : { code: 'http', message: `HTTP ${res.status}` };
    throw new Refused(res.status, error.code, error.message);
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

/** fetch's "fetch failed" names nothing: its cause (ECONNREFUSED, a reset) does. */
function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return `no answer in ${CALL_TIMEOUT_MS / 1000} s`;
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return err.message;
}

/** A path segment, escaped. */
export const seg = (s: string): string => encodeURIComponent(s);
