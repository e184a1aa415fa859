import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../../src-shared/contract/errors.ts';
import { jsonTooBig } from './json-limits.ts';
import { CONTENT_SECURITY_POLICY } from './security.ts';

/** The HTTP status of each error code, for the API's answers (`/api/rpc/…` and the REST routes). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  unknown_method: 404,
  conflict: 409,
  unavailable: 503,
  unauthorized: 401,
  forbidden: 403,
  storage_full: 507,
  internal: 500,
};

/** The headers every answer of the browser host carries, static files and JSON alike. */
export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Made before the head is sent: a body JSON cannot hold (too deep, a BigInt) is a 500 the
  // client reads, not a connection closed with nothing said.
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (err) {
    status = 500;
    const why = err instanceof Error ? err.message : String(err);
    text = JSON.stringify({
      error: { code: 'internal', message: `the answer could not be written as JSON: ${why}` },
    });
  }
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/** A host's base URL (`http://127.0.0.1:8080/`), with an IPv6 address in brackets. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

/** A request body as JSON, or why it is not (the message names the problem); never throws. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

/** A request's body as it came, or why it was not read: past `maxBytes`, or cut short. */
export async function readRawBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ ok: true; bytes: Buffer } | Extract<BodyResult, { ok: false }>> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes)
        return { ok: false, status: 413, message: `request body is larger than ${maxBytes} bytes` };
      chunks.push(chunk as Buffer);
    }
  } catch {
    // The client went away mid-body: the answer goes nowhere, but say what happened.
    return { ok: false, status: 400, message: 'request body was cut short' };
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/**
 * A request's JSON body: `{}` when empty; a leading UTF-8 byte order mark is skipped (some
 * Windows tools write one); refused past `maxBytes`. With `object`, anything but a JSON object
 * is refused too, as the bodies of the API's POSTs must be objects.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
  opts: { object?: boolean } = {},
): Promise<BodyResult> {
  const raw = await readRawBody(req, maxBytes);
  if (!raw.ok) return raw;
  const text = raw.bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: true, value: {} };
  const tooBig = jsonTooBig(text);
  if (tooBig) return { ok: false, status: 413, message: `request body is refused unread: ${tooBig}` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, message: 'request body is not valid JSON' };
  }
  if (opts.object && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return { ok: false, status: 400, message: `request body must be a JSON object, got ${kindOf(value)}` };
  }
  return { ok: true, value };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The 400/413 for a body `readJsonBody` refused. */
export function refuseBody(res: ServerResponse, body: Extract<BodyResult, { ok: false }>): void {
  sendJson(res, body.status, { error: { code: 'invalid_input', message: body.message } });
}
