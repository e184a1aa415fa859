import WebSocket from 'ws';
import { sessionProtocols, socketProtocols } from '../../../../../src-shared/contract/socket-auth.ts';
import { pageKeyOf } from '../../../../../test/kit/people-kit.ts';
import { socketOpened } from '../../../../http/testing/socket-opened.ts';

/** A terminal's socket as a program opens it: the launch token as its subprotocol, or a cookie and the page's Origin. */
export function terminalSocket(port: number, path: string, auth: { token: string } | { cookie: string }) {
  const ws =
    'token' in auth
      ? new WebSocket(`ws://127.0.0.1:${port}${path}?cols=100&rows=30`, socketProtocols(auth.token))
      : new WebSocket(
          `ws://127.0.0.1:${port}${path}?cols=100&rows=30`,
          sessionProtocols(pageKeyOf(auth.cookie) ?? null),
          { headers: { Cookie: auth.cookie, Origin: `http://127.0.0.1:${port}` } },
        );
  let output = '';
  ws.on('message', (d) => {
    output += d.toString();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const opened = socketOpened(ws);
  return {
    opened,
    closed,
    output: () => output,
    type: (line: string) => ws.send(JSON.stringify({ type: 'input', data: `${line}\r` })),
    send: (data: string, raw = false) => ws.send(raw ? data : JSON.stringify({ type: 'input', data })),
    close: () => ws.close(),
  };
}
