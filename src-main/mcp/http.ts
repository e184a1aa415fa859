import { once } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { createMcpHandler } from '@modelcontextprotocol/server';
import type { BatonClient } from '../../src-shared/contract/client.ts';
import type { AttemptIdentity } from '../agents/coding/index.ts';
import { readJsonBody, refuseBody, securityHeaders } from '../http/respond.ts';
import { mcpClient } from './mcp-client.ts';
import type { BatonMcpOptions } from './server.ts';

/** What the browser host serves at `/mcp`, once a request passed its Host, token and Origin checks. */
export interface McpEndpoint {
  /** `attempt`: the task attempt the request's token speaks for (an attempt link), whose `approve` it serves. */
  handle(req: IncomingMessage, res: ServerResponse, attempt?: AttemptIdentity | null): Promise<void>;
  close(): Promise<void>;
}

/** The largest MCP request accepted, as the rest of the API. */
const MAX_MCP_BODY = 64 * 1024 * 1024;

/**
 * Baton's MCP server over streamable HTTP (the SDK's `createMcpHandler`: 2026-07-28 requests, and
 * 2025 ones statelessly, one server instance per request), served from node:http without a
 * framework: the host reads the body under its own limits, the request becomes a web `Request`
 * (aborted when the client goes away), and the `Response`, JSON or an SSE stream, is written back
 * as it comes. The host checked the token before: the SDK sees no credentials, only the attempt
 * an attempt link's token speaks for (`agents/coding/attempt/attempt-links.ts`), which offers that
 * attempt's `approve`.
 */
export function createMcpEndpoint(client: BatonClient, opts: BatonMcpOptions): McpEndpoint {
  const tools = mcpClient(client);
  // The MCP server SDK is loaded with the first request to /mcp, not at every start of Baton
  // (it is a fifth of what `baton serve` would load).
  let handler: Promise<ReturnType<typeof createMcpHandler>> | null = null;
  const handlerOf = () =>
    (handler ??= Promise.all([import('@modelcontextprotocol/server'), import('./server.ts')]).then(
      ([sdk, server]) =>
        // Requests the SDK refuses (a bad JSON-RPC message) are answered to their client; nothing to log.
        // The attempt a request speaks for reaches the per-request server as its authInfo (the SDK passes it through).
        sdk.createMcpHandler(
          ({ authInfo }) =>
            server.createBatonMcpServer(tools, { ...opts, attempt: attemptOf(authInfo?.extra) }),
          { onerror: () => {} },
        ),
    ));
  return {
    async handle(req, res, attempt = null) {
      let parsedBody: unknown;
      if (req.method === 'POST') {
        const body = await readJsonBody(req, MAX_MCP_BODY);
        if (!body.ok) return refuseBody(res, body);
        parsedBody = body.value;
      }
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const request = new Request(new URL(req.url ?? '/mcp', `http://${req.headers.host ?? '127.0.0.1'}`), {
        method: req.method ?? 'GET',
        headers: webHeaders(req.headers),
        signal: gone.signal,
      });
      const authInfo = attempt
        ? { token: 'attempt-link', clientId: 'baton-attempt', scopes: [], extra: { attempt } }
        : undefined;
      const response = await (await handlerOf()).fetch(request, {
        ...(parsedBody === undefined ? {} : { parsedBody }),
        ...(authInfo ? { authInfo } : {}),
      });
      await send(res, response, gone.signal);
    },
    close: async () => {
      if (handler) await (await handler).close();
    },
  };
}

function attemptOf(extra: Record<string, unknown> | undefined): AttemptIdentity | null {
  return (extra?.attempt as AttemptIdentity | undefined) ?? null;
}

function webHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/** Writes a web `Response` to node:http as it streams (SSE), waiting for the client to read. */
async function send(res: ServerResponse, response: Response, gone: AbortSignal): Promise<void> {
  securityHeaders(res);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  res.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await once(res, 'drain', { signal: gone });
    }
    res.end();
  } catch (err) {
    // The client went away while the answer streamed: stop reading it, close what is left.
    if (!gone.aborted) throw err;
    res.destroy();
  } finally {
    await reader.cancel().catch(() => {});
  }
}
