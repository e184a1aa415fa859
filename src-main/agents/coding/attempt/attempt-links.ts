import { createHash, randomBytes } from 'node:crypto';

/** The task attempt an MCP server speaks for (a coding agent's CLI started it), if any. */
export interface AttemptIdentity {
  run_id: string;
  task_id: string;
  attempt: number;
}

/** Baton's MCP server as one attempt's CLI reaches it: the URL, and a token good for that attempt only. */
export interface AttemptLink {
  /** The host's `/mcp`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`: opens `/mcp` speaking for this attempt, and nothing else. */
  readonly token: string;
  /** Ends the link: its token is refused from now on. Called when the attempt ends. */
  close(): void;
}

/**
 * Tokens that let a coding CLI reach Baton's MCP server at `/mcp` as one task attempt (so its
 * `approve` tool knows whose tool calls it asks about), shared by the coding executor (which
 * opens one link per attempt) and the host that serves `/mcp`.
 *
 * - A token is random, kept only as its sha256, and opens `/mcp` only: never `/api`, the
 *   WebSocket or the UI, which stay behind the launch token a CLI never gets.
 * - It lives as long as its attempt: closed when the attempt ends, it is refused.
 */
export interface AttemptLinks {
  /** Sets where the host serves `/mcp` (its full URL), or null when nothing serves it. */
  serveAt(mcpUrl: string | null): void;
  /** Where `/mcp` is served now, or null. */
  readonly url: string | null;
  /** A link for attempt `at`, or null while no host serves `/mcp`. */
  open(at: AttemptIdentity): AttemptLink | null;
  /** The attempt a token (from `Authorization: Bearer`) speaks for, or null for any other token. */
  attemptOf(token: string | undefined): AttemptIdentity | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export function createAttemptLinks(): AttemptLinks {
  let url: string | null = null;
  // Keyed by the token's hash: a lookup of the hash of what was sent, as constant as a Map is.
  const links = new Map<string, AttemptIdentity>();
  return {
    serveAt(mcpUrl) {
      url = mcpUrl;
    },
    get url() {
      return url;
    },
    open(at) {
      if (url === null) return null;
      const token = `bta_${randomBytes(32).toString('base64url')}`;
      const key = sha256(token);
      links.set(key, { run_id: at.run_id, task_id: at.task_id, attempt: at.attempt });
      return { url, token, close: () => void links.delete(key) };
    },
    attemptOf(token) {
      if (token === undefined || !token.startsWith('bta_')) return null;
      return links.get(sha256(token)) ?? null;
    },
  };
}
