import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from '../../src-shared/contract/client.ts';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import { ERROR_CODES } from '../../src-shared/contract/errors.ts';

/** A Baton host serving a data directory: its URL and this launch's token (server.json). */
export interface HostLink {
  url: string;
  token: string;
  /** The host's process, when server.json says. */
  pid?: number;
}

/** How long a host has to answer the health check before `baton mcp` serves on its own. */
const HEALTH_TIMEOUT_MS = 2_000;
/** How long a host has to answer a call (every call the tools make is quick). */
const CALL_TIMEOUT_MS = 60_000;

/** server.json of a data directory, when it is there and readable. */
export function readServerJson(dataDir: string): HostLink | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as Partial<HostLink>;
    if (typeof info.url !== 'string' || typeof info.token !== 'string') return null;
    return { url: info.url, token: info.token, ...(typeof info.pid === 'number' ? { pid: info.pid } : {}) };
  } catch {
    return null;
  }
}

/**
 * The Baton host (`baton serve`, or the browser mode of `npm start`) serving `dataDir` now:
 * server.json names it, and it answers its health check with that token. A server.json left by
 * a host that died, or a port another program took since, is no host.
 */
export async function findHost(dataDir: string): Promise<HostLink | null> {
  const link = readServerJson(dataDir);
  if (!link) return null;
  try {
    const res = await fetch(new URL('api/health', link.url), {
      headers: { authorization: `Bearer ${link.token}` },
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    const body = (await res.json()) as { name?: unknown };
    return res.ok && body.name === 'baton' ? link : null;
  } catch {
    return null;
  }
}

/**
 * The contract over a host's HTTP API (`POST /api/rpc/<method>` with its token), for the typed
 * client: calls answer as in this process, and the runs they start execute in the host, where
 * the UI sees them. When the host stops answering or refuses the token (it restarted: each
 * launch has a new token), server.json is read again once for where it is now.
 */
export function hostTransport(dataDir: string, first: HostLink): Transport {
  let link = first;
  /** The host's answer, or why it gave none (it is gone, or it is another launch). */
  const call = async (method: string, input: unknown): Promise<WireResult | { unreachable: string }> => {
    let res: Response;
    try {
      res = await fetch(new URL(`api/rpc/${encodeURIComponent(method)}`, link.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${link.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      return { unreachable: `the Baton host at ${link.url} did not answer (${errorText(err)})` };
    }
    if (res.status === 401) return { unreachable: `the Baton host at ${link.url} refused its token` };
    return wireResult(res.status, await res.json().catch(() => null));
  };
  return {
    async invoke(method, input) {
      let answer = await call(method, input);
      if ('unreachable' in answer) {
        const moved = readServerJson(dataDir);
        if (moved && (moved.url !== link.url || moved.token !== link.token)) {
          link = moved;
          answer = await call(method, input);
        }
      }
      if (!('unreachable' in answer)) return answer;
      return {
        ok: false,
        error: {
          code: 'unavailable',
          message: `${answer.unreachable}: start it again (baton serve), or restart baton mcp to work on the data directory itself`,
        },
      };
    },
    onEvents: () => () => {},
  };
}

/** The host's answer as a wire result: /api/rpc answers one; other refusals are `{ error }`. */
function wireResult(status: number, body: unknown): WireResult {
  if (isObject(body) && body.ok === true && 'value' in body) return { ok: true, value: body.value };
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  const code = ERROR_CODES.find((c) => c === error?.code) ?? 'unavailable';
  const message =
    typeof error?.message === 'string' ? error.message : `the Baton host answered HTTP ${status}`;
  return {
    ok: false,
    error: error && 'details' in error ? { code, message, details: error.details } : { code, message },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errorText(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  return cause || (err instanceof Error ? err.message : String(err));
}
