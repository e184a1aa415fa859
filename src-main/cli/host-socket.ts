import type { RawData } from 'ws';
import WebSocket from 'ws';
import type { Transport } from '../../src-shared/contract/client.ts';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import { SOCKET_PROTOCOL } from '../../src-shared/contract/socket-auth.ts';
import type { SocketCall, SocketFrame } from '../../src-shared/contract/socket-frames.ts';
import type { HostLink } from '../mcp/host-link.ts';
import { readServerJson } from '../mcp/host-link.ts';

/** The most a host's answer may weigh (the host takes calls of the same size). */
const MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * The contract over the WebSocket of the Baton host serving `dataDir` (`/ws`, with the token of
 * server.json as `Authorization: Bearer`): calls and events travel on one ordered channel, so an
 * event the host sent before answering a call is heard before that answer (a run's last task
 * is shown before the run is reported ended).
 *
 * The socket opens at the first call or subscription. When it cannot (the host restarted: a new
 * launch has a new token, perhaps a new port), server.json is read once more and, if it names
 * another launch, that one is tried. A call in flight when the socket drops fails, and is never
 * sent again (the host may have done it); the next call opens a new socket.
 *
 * `dataDir` null: a Baton reached over the network as a person (`baton login --url`), with their
 * personal access token; there is no server.json to read again, and a refused token means the
 * sign-in ended (revoked in Settings, or the person removed).
 */
export function hostSocketTransport(dataDir: string | null, first: HostLink): Transport {
  let link = first;
  /** The socket being opened or open; null: the next call opens one. */
  let socket: Promise<WebSocket> | null = null;
  /** The socket calls go on now, once open. */
  let live: WebSocket | null = null;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { method: string; answer: (r: WireResult) => void }>();
  const listeners = new Set<(batch: EventBatch) => void>();

  /** `advice`: what the person may do, said after the message (`describeError`); a command that knows better says its own. */
  const unavailable = (message: string, advice?: string): WireResult => ({
    ok: false,
    error: { code: 'unavailable', message, ...(advice ? { details: { advice } } : {}) },
  });

  function onFrame(data: RawData): void {
    let frame: Partial<Extract<SocketFrame, { id: unknown }>> & { events?: EventBatch };
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    if (Array.isArray(frame.events)) for (const l of listeners) l(frame.events);
    if (typeof frame.id === 'number' && frame.result) {
      pending.get(frame.id)?.answer(frame.result);
      pending.delete(frame.id);
    }
  }

  /** A socket to `to`, open; or why it is not (refused, or nobody there). */
  function open(to: HostLink): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const url = new URL('ws', to.url);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(url, [SOCKET_PROTOCOL], {
        headers: { authorization: `Bearer ${to.token}` },
        maxPayload: MAX_PAYLOAD,
      });
      ws.once('unexpected-response', (req, res) => {
        res.resume();
        req.destroy();
        reject(
          new Error(
            res.statusCode !== 401
              ? `it answered HTTP ${res.statusCode}`
              : dataDir === null
                ? `refused your sign-in: its token was revoked (Settings → Tokens) or you were removed; run baton login --url ${new URL(to.url).origin} again`
                : 'it refused its token',
          ),
        );
      });
      ws.once('open', () => {
        live = ws;
        resolve(ws);
      });
      ws.on('error', (err) => reject(err));
      ws.on('message', onFrame);
      ws.once('close', () => {
        if (live !== ws) return;
        live = null;
        socket = null;
        for (const [id, call] of pending) {
          call.answer(
            unavailable(`the Baton host at ${to.url} stopped answering before it answered ${call.method}`),
          );
          pending.delete(id);
        }
      });
    });
  }

  /** The open socket, opened now if need be, with server.json read again once if it cannot be. */
  function connected(): Promise<WebSocket> {
    socket ??= open(link).catch((err: unknown) => {
      const moved = dataDir === null ? null : readServerJson(dataDir);
      if (!moved || (moved.url === link.url && moved.token === link.token)) throw err;
      link = moved;
      return open(link);
    });
    const opening = socket;
    opening.catch(() => {
      if (socket === opening) socket = null;
    });
    return opening;
  }

  return {
    async invoke(method, input, caller) {
      if (closed) return unavailable('the connection to the Baton host is closed');
      let ws: WebSocket;
      try {
        ws = await connected();
      } catch (err) {
        return unavailable(
          dataDir === null
            ? errorText(err).startsWith('refused your sign-in')
              ? `the Baton at ${link.url} ${errorText(err)}`
              : `the Baton at ${link.url} did not answer (${errorText(err)})`
            : `the Baton host at ${link.url} did not answer (${errorText(err)})`,
          dataDir === null
            ? undefined
            : 'run the command again (with no host serving the data directory, it opens it itself)',
        );
      }
      const id = nextId++;
      return new Promise<WireResult>((answer) => {
        pending.set(id, { method, answer });
        const call: SocketCall = { id, method, input: input ?? {} };
        if (caller?.actor !== undefined) call.actor = caller.actor;
        ws.send(JSON.stringify(call));
      });
    },
    onEvents(listener) {
      listeners.add(listener);
      // Opened now, so what the host sends from here on is heard: calls wait for it to be open.
      if (!closed) connected().catch(() => {});
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      socket?.then(
        (ws) => ws.terminate(),
        () => {},
      );
    },
  };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { errors?: unknown[] };
  // A connection refused on every address of `localhost` is an AggregateError with no message.
  if (!e.message && Array.isArray(e.errors) && e.errors[0] instanceof Error) return errorText(e.errors[0]);
  return e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.message || String(err);
}
