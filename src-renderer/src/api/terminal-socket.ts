import type { TerminalInput } from '../../../src-shared/contract/domains/terminals.ts';
import { SOCKET_PROTOCOL, socketProtocols } from '../../../src-shared/contract/socket-auth.ts';
import { TOKEN_KEY } from './access.ts';

/** A terminal's socket as the page uses it: what the shell prints, what the person types, its end. */
export interface TerminalSocket {
  send(input: TerminalInput): void;
  close(): void;
}

/** Whether this page can open a terminal's socket: browser mode (the desktop app's window talks over IPC only). */
export const terminalsHere = (): boolean => typeof window !== 'undefined' && window.baton === undefined;

/**
 * Opens terminal `path` (`/terminal/<id>`) on the host this page came from, with the tab's proof as
 * its UI socket has it: the launch token as a subprotocol, else the session cookie (no token).
 */
export function openTerminalSocket(
  path: string,
  size: { cols: number; rows: number },
  on: { output(data: string): void; ended(why: string): void },
): TerminalSocket {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}?cols=${size.cols}&rows=${size.rows}`;
  const ws = new WebSocket(url, token ? socketProtocols(token) : [SOCKET_PROTOCOL]);
  const waiting: string[] = [];
  ws.onopen = () => {
    for (const m of waiting.splice(0)) ws.send(m);
  };
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') on.output(e.data);
  };
  ws.onclose = (e) =>
    on.ended(
      e.reason || (e.code === 1000 || e.code === 1005 ? 'closed' : 'the connection to Baton was lost'),
    );
  return {
    send(input) {
      const m = JSON.stringify(input);
      if (ws.readyState === WebSocket.OPEN) ws.send(m);
      else if (ws.readyState === WebSocket.CONNECTING) waiting.push(m);
    },
    close: () => ws.close(),
  };
}
