/**
 * A request's target (`/api/rpc/plans.get?x=1`), read once at the edge by code that cannot
 * throw: handlers get decoded path segments and never call `decodeURIComponent` or
 * `new URL(req.url)` themselves (both throw on what a client may send: `%`, `//a:99999/`,
 * `http://[`). A target that is not a path, or a path segment that is not valid
 * percent-encoding, is refused with a message naming the bad part.
 */
export interface RequestTarget {
  /** The path as sent, still percent-encoded (`/api/v1/tasks/r%201`). */
  path: string;
  /** The path split at `/`, each part decoded (`['', 'api', 'v1', 'tasks', 'r 1']`). */
  segments: readonly string[];
  /** The query; malformed escapes in it are kept as sent (URLSearchParams never throws). */
  query: URLSearchParams;
}

export type ParsedTarget = { ok: true; target: RequestTarget } | { ok: false; message: string };

const SHOWN = 80;

/** `raw` quoted for an error message, cut to a readable length. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length > SHOWN ? `${raw.slice(0, SHOWN)}…` : raw);
}

/** A percent-encoded string decoded, or undefined when its escapes are malformed. */
export function decodePart(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function parseTarget(raw: string | undefined): ParsedTarget {
  const text = raw ?? '/';
  // Origin-form only: an absolute URL, `*` or `host:port` is for proxies, not for Baton.
  if (!text.startsWith('/')) {
    return { ok: false, message: `request target must be a path starting with "/", got ${quote(text)}` };
  }
  const q = text.indexOf('?');
  const path = q === -1 ? text : text.slice(0, q);
  const segments: string[] = [];
  for (const part of path.split('/')) {
    const decoded = decodePart(part);
    if (decoded === undefined) {
      return { ok: false, message: `path segment ${quote(part)} is not valid percent-encoding` };
    }
    segments.push(decoded);
  }
  return {
    ok: true,
    target: { path, segments, query: new URLSearchParams(q === -1 ? '' : text.slice(q + 1)) },
  };
}

/** Whether the target is under `prefix` (`/api/`), by its raw path. */
export function under(target: RequestTarget, prefix: string): boolean {
  return target.path.startsWith(prefix);
}
