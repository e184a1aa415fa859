import WebSocket from 'ws';
import { socketOpened } from '../../src-main/http/testing/socket-opened.ts';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import { CSRF_HEADER, sessionProtocols } from '../../src-shared/contract/socket-auth.ts';
import type { Reply } from './host-kit.ts';
import { http } from './host-kit.ts';

/** The page key each session cookie's sign-in answered with, as the page keeps it (`localStorage`). */
const pageKeys = new Map<string, string>();
/** The page key a page signed in with `cookie` holds (undefined: a cookie without its page). */
export const pageKeyOf = (cookie: string | undefined): string | undefined =>
  cookie === undefined ? undefined : pageKeys.get(cookie);

/** What a page of the host at `port` sends: its own Origin and the CSRF header (its page key, if signed in). */
export const fromPage = (port: number, cookie?: string): Record<string, string> => ({
  Origin: `http://127.0.0.1:${port}`,
  [CSRF_HEADER]: pageKeyOf(cookie) ?? '1',
  'Content-Type': 'application/json',
  ...(cookie ? { Cookie: cookie } : {}),
});

/** The `name=value` of the session cookie an answer set (its page key kept, as the page keeps it). */
export function cookieOf(reply: Reply): string {
  const set = reply.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`no cookie was set (${reply.status} ${reply.body})`);
  const cookie = first.split(';')[0]!;
  try {
    const key = (JSON.parse(reply.body) as { page_key?: unknown }).page_key;
    if (typeof key === 'string') pageKeys.set(cookie, key);
  } catch {
    // Not a sign-in's answer: no key.
  }
  return cookie;
}

/** POSTs JSON to the host as a page of it would. */
export function post(port: number, path: string, body: unknown, headers: Record<string, string>) {
  return http(port, path, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** A contract call over `/api/rpc/<method>` with these headers. */
export async function rpc(
  port: number,
  method: string,
  input: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; result: WireResult | { error: { code: string; message: string } } }> {
  const r = await post(port, `/api/rpc/${method}`, input, headers);
  return { status: r.status, result: JSON.parse(r.body) };
}

/** A socket opened as a page would (cookie + Origin), with calls and its close code. */
export function pageSocket(port: number, headers: Record<string, string>) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, sessionProtocols(pageKeyOf(headers.Cookie) ?? null), {
    headers,
  });
  let next = 0;
  const waiting = new Map<number, (r: WireResult) => void>();
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  /** The names of the events pushed to it, in order. */
  const events: string[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: WireResult; events?: { name: string }[] };
    if (typeof msg.id === 'number' && msg.result) waiting.get(msg.id)?.(msg.result);
    for (const e of msg.events ?? []) events.push(e.name);
  });
  const open = socketOpened(ws);
  return {
    open,
    closed,
    events,
    call(method: string, input: unknown): Promise<WireResult> {
      const id = ++next;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, input }));
      });
    },
    close: () => ws.close(),
  };
}
