import type { IncomingMessage, ServerResponse } from 'node:http';
import { HOST_REFUSED } from '../../http/edge.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { securityHeaders, sendJson } from '../../http/respond.ts';

/**
 * Why an API request had no valid token: none at all, or one that was valid once (a tab or
 * client from before the token was replaced: `baton serve --new-token`, or another BATON_TOKEN). A person's tab never
 * sees these: the page itself says what to do (src-renderer's AccessPage).
 */
export type Unauthorized = 'no_token' | 'session_ended';

/** 401 for the API, as JSON. */
export function refuseUnauthorized(res: ServerResponse, why: Unauthorized): void {
  res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, 401, {
    error: {
      code: 'unauthorized',
      message:
        why === 'session_ended'
          ? 'The token is not valid (it was replaced: `baton serve --new-token`, or another BATON_TOKEN): use the one `baton serve` printed last, also in server.json'
          : 'Send the token `baton serve` printed as `Authorization: Bearer <token>`, or open the URL it printed',
    },
  });
}

/** What a worker token is refused with, on every route that is not the worker API. */
export const WORKER_TOKEN_SCOPE =
  'a worker token opens only the worker API (registering, pulling tasks, leases and heartbeats, progress, completions); this needs the UI token';

/** 401 for a worker token that was revoked: the worker stops, naming it (src-main/workers/remote/retry.ts). */
export function refuseRevoked(
  res: ServerResponse,
  t: { id: string; name: string; revoked_at: string },
): void {
  res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, 401, {
    error: {
      code: 'token_revoked',
      message: `worker token "${t.name}" (${t.id}) was revoked at ${t.revoked_at}; make a new one in Settings → Worker tokens`,
    },
  });
}

/** A person's browser loading a page (not the API, not `fetch` from the app) gets HTML. */
function wantsHtml(req: IncomingMessage, target: RequestTarget | null): boolean {
  return (
    target !== null &&
    (req.method === 'GET' || req.method === 'HEAD') &&
    !target.path.startsWith('/api/') &&
    /\btext\/html\b/i.test(req.headers.accept ?? '')
  );
}

const OPEN_PRINTED =
  '<p>Open the address <code>baton serve</code> printed (it ends in <code>?token=…</code>).</p>';

/** 403 for a Host name Baton does not answer to (the DNS-rebinding guard, at the edge). */
export function refuseHost(req: IncomingMessage, res: ServerResponse, target: RequestTarget | null): void {
  if (wantsHtml(req, target)) {
    sendPage(
      res,
      403,
      'Baton does not answer at this address',
      '<p>For your safety Baton answers only at <code>127.0.0.1</code>, <code>localhost</code> and <code>[::1]</code> (or the names it was started with: <code>--host</code>, <code>--allow-host</code>).</p>' +
        OPEN_PRINTED,
    );
    return;
  }
  sendJson(res, 403, { error: { code: 'forbidden', message: HOST_REFUSED } });
}

function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · Baton</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 15vh auto; padding: 0 1.5rem; }
  h1 { font-size: 1.4rem; }
  code { font-size: 0.95em; padding: 0 0.2em; border-radius: 3px; background: color-mix(in srgb, currentColor 10%, transparent); }
</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`);
}
