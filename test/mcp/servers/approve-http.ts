import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import type { AuthInfo } from '@modelcontextprotocol/server';
import {
  bearerAuthChallengeResponse,
  createMcpHandler,
  OAuthError,
  OAuthErrorCode,
  verifyBearerToken,
} from '@modelcontextprotocol/server';
import type { DecideApproval } from './approval-tool.ts';
import { approvalServer } from './approval-tool.ts';

/** One HTTP request that reached `/mcp`, with what the bearer check made of it. */
export interface RecordedHttpRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON-RPC method(s) of a POST body, when it parsed. */
  rpc: string[];
  authorized: boolean;
}

/**
 * The `approve` tool over streamable HTTP at `http://127.0.0.1:<port>/mcp`, behind
 * `Authorization: Bearer <token>` (what Baton's `/mcp` on the host will be): the SDK's
 * `verifyBearerToken` checks the header, a wrong or missing token gets its 401 challenge, and
 * only then does `createMcpHandler` (2026-07-28 requests, and 2025-era ones through its stateless
 * fallback) serve the request.
 */
export async function startApproveHttpServer(opts: { token: string; decide: DecideApproval }) {
  const requests: RecordedHttpRequest[] = [];
  const handler = createMcpHandler(() => approvalServer(opts.decide));
  const verifier = {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      // An OAuthError invalid_token becomes 401 with a WWW-Authenticate challenge; any other error, a 500.
      if (token !== opts.token) throw new OAuthError(OAuthErrorCode.InvalidToken, 'unknown token');
      // verifyBearerToken refuses a token without an expiry: this one lasts as long as the server.
      return { token, clientId: 'claude', scopes: [], expiresAt: Math.floor(Date.now() / 1000) + 3600 };
    },
  };
  const serve = toNodeHandler({
    fetch: async (request: Request) => {
      try {
        const authInfo = await verifyBearerToken(request.headers.get('authorization'), { verifier });
        return await handler.fetch(request, { authInfo });
      } catch (err) {
        return bearerAuthChallengeResponse(err);
      }
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path !== '/mcp') {
      // Recorded too: a client may look for OAuth metadata (/.well-known/…) after a 401.
      requests.push({ method: req.method ?? '', path, headers: req.headers, rpc: [], authorized: false });
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rec: RecordedHttpRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        rpc: rpcMethods(body),
        authorized: req.headers.authorization === `Bearer ${opts.token}`,
      };
      requests.push(rec);
      void serve(req, res, body === '' ? undefined : safeJson(body));
    });
  });
  server.requestTimeout = 0; // an approval may wait for a person
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    requests,
    close: async () => {
      await handler.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rpcMethods(body: string): string[] {
  const parsed = safeJson(body);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.flatMap((m) =>
    typeof m === 'object' && m !== null && 'method' in m && typeof m.method === 'string' ? [m.method] : [],
  );
}
