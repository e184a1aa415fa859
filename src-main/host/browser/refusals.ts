import type { IncomingMessage, ServerResponse } from 'node:http';
import { securityHeaders, sendJson } from './respond.ts';

/**
 * Why a request had no valid token: none at all, a wrong `?token=` in the address, or a
 * token that was valid once (a cookie or Bearer from an earlier `baton serve`: each launch
 * mints a new one).
 */
export type Unauthorized = 'no_token' | 'bad_link' | 'session_ended';

const OPEN_PRINTED =
  '<p>Open the address <code>baton serve</code> printed (it ends in <code>?token=…</code>).</p>';

const PAGES = {
  no_token: {
    title: 'Baton needs its access link',
    body: `<p>This address has no access token, so Baton cannot tell it is you.</p>${OPEN_PRINTED}`,
  },
  bad_link: {
    title: 'This Baton link is not valid',
    body: `<p>The token in this link is not the one Baton is using: the host was restarted since the link was printed, or the link was copied wrong.</p>${OPEN_PRINTED}`,
  },
  session_ended: {
    title: 'This Baton session has ended',
    body: `<p>The host was restarted or the link is old, so this tab’s access is no longer valid.</p>${OPEN_PRINTED}`,
  },
} satisfies Record<Unauthorized, { title: string; body: string }>;

/** A person's browser loading a page (not the API, not `fetch` from the app) gets HTML. */
function wantsHtml(req: IncomingMessage, pathname: string): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !pathname.startsWith('/api/') &&
    /\btext\/html\b/i.test(req.headers.accept ?? '')
  );
}

/** 401: a readable page for a browser, JSON for API clients. */
export function refuseUnauthorized(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  why: Unauthorized,
): void {
  if (wantsHtml(req, pathname)) {
    sendPage(res, 401, PAGES[why].title, PAGES[why].body);
    return;
  }
  sendJson(res, 401, {
    error: {
      code: 'unauthorized',
      message:
        why === 'session_ended'
          ? 'The token is not valid (each start of `baton serve` mints a new one): use the one it printed last'
          : 'Open the URL with ?token= that `baton serve` printed, or send a Bearer token',
    },
  });
}

/** 403 for a Host name Baton does not answer to (the DNS-rebinding guard). */
export function refuseHost(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (wantsHtml(req, pathname)) {
    sendPage(
      res,
      403,
      'Baton does not answer at this address',
      '<p>For your safety Baton answers only at <code>127.0.0.1</code>, <code>localhost</code> and <code>[::1]</code> (or the host it was started with).</p>' +
        OPEN_PRINTED,
    );
    return;
  }
  sendJson(res, 403, { error: { code: 'forbidden', message: 'Host header not allowed' } });
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
