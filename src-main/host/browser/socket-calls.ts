import type { RawData, WebSocket } from 'ws';
import type { WireError } from '../../../src-shared/contract/errors.ts';
import type { SocketCall, SocketReply } from '../../../src-shared/contract/socket-frames.ts';
import type { Dispatch } from '../../app/dispatch.ts';
import { guard } from '../../http/edge.ts';
import { jsonTooBig } from '../../http/json-limits.ts';
import { LARGE_INPUT_METHODS, MAX_CALL_BYTES } from './body-limits.ts';

import type { Broadcast } from './broadcast.ts';

// The contract over the UI's WebSocket: one call a message, `{id, method, input}` in, `{id,
// result}` out.

const INTERNAL = { ok: false, error: { code: 'internal', message: 'internal error' } } as const;

/**
 * One call over the socket, all of it guarded: a frame that is not a call is answered with why,
 * and what goes wrong past it with `internal`; the answer goes back to that socket only.
 */
export function answerCall(
  ws: WebSocket,
  data: RawData,
  dispatch: Dispatch,
  broadcast: Pick<Broadcast, 'reply'>,
): void {
  let call: SocketCall | null = null;
  guard(
    () => (call ? `browser host: call ${call.method.slice(0, 100)}` : 'browser host: socket message'),
    async () => {
      const msg = parseMessage(data);
      if ('error' in msg) {
        broadcast.reply(ws, JSON.stringify({ id: msg.id ?? null, result: msg } satisfies SocketReply));
        return;
      }
      call = msg;
      const result = await dispatch(
        msg.method,
        msg.input,
        msg.actor === undefined ? undefined : { actor: msg.actor },
      );
      broadcast.reply(ws, JSON.stringify({ id: msg.id, result } satisfies SocketReply));
    },
    () =>
      broadcast.reply(ws, JSON.stringify({ id: call?.id ?? null, result: INTERNAL } satisfies SocketReply)),
  );
}

type Message = SocketCall | { ok: false; error: WireError; id?: number | string };

/** The call's id as the page's client writes it (first), read without parsing the message. */
const leadingId = (text: string): number | string | undefined => {
  const m = /^\s*\{\s*"id"\s*:\s*(\d{1,15}|"[^"\\]{0,200}")\s*,/.exec(text.slice(0, 256));
  if (!m) return undefined;
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1) : Number(m[1]);
};

function parseMessage(data: RawData): Message {
  const bad = {
    ok: false,
    error: { code: 'invalid_input', message: 'message must be JSON {id, method, input}' },
  } as const;
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
  const tooBig = jsonTooBig(text);
  if (tooBig) {
    const id = leadingId(text);
    const error = { code: 'invalid_input', message: `message is refused unread: ${tooBig}` } as const;
    return id === undefined ? { ok: false, error } : { ok: false, error, id };
  }
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return bad;
  }
  if (typeof msg !== 'object' || msg === null) return bad;
  const { id, method, input, actor } = msg as Record<string, unknown>;
  if (typeof method !== 'string' || (typeof id !== 'number' && typeof id !== 'string')) return bad;
  // Only a call carrying a whole plan may be large.
  // A frame longer than this many characters is over `MAX_CALL_BYTES` whatever they are.
  if (text.length > MAX_CALL_BYTES && !LARGE_INPUT_METHODS.has(method))
    return {
      ok: false,
      id,
      error: {
        code: 'invalid_input',
        message: `${method.slice(0, 100)}'s input is larger than ${MAX_CALL_BYTES} bytes`,
      },
    };
  // Who calls is checked with the input, by the dispatch: a name that is not one is refused there.
  if (actor !== undefined && typeof actor !== 'string')
    return { ok: false, error: { code: 'invalid_input', message: 'actor must be a name' } };
  return actor === undefined ? { id, method, input } : { id, method, input, actor };
}
