import type { TerminalInput, TerminalOutput } from '../../../src-shared/contract/domains/terminals.ts';
import { sessionProtocols, socketProtocols } from '../../../src-shared/contract/socket-auth.ts';
import { TOKEN_KEY } from './access.ts';
import { pageKey } from './auth.ts';
import { api } from './client.ts';
import { errorText } from './errors.ts';

/** A terminal's channel as the page uses it: what the person types, its end. */
export interface TerminalSocket {
  send(input: TerminalInput): void;
  close(): void;
}

interface Listener {
  output(data: string): void;
  ended(why: string): void;
}

/** The desktop window's attached terminals, by id: where their `terminal.output` events go. */
const attached = new Map<string, Listener>();

/** A `terminal.output` event (the desktop window's): to its terminal's pane, if it is open. */
export function terminalOutput(out: TerminalOutput): void {
  const l = attached.get(out.terminal_id);
  if (!l) return;
  if (out.data !== undefined) l.output(out.data);
  if (out.ended !== undefined) {
    attached.delete(out.terminal_id);
    l.ended(out.ended);
  }
}

/**
 * Opens a terminal's channel. In a browser: its socket (`/terminal/<id>`) on the host this page
 * came from, with the tab's proof as its UI socket has it (the launch token as a subprotocol, else
 * the session cookie). In the desktop window, which talks over IPC only: `terminals.attach`, its
 * output as `terminal.output` events, its keys as `terminals.input`.
 */
export function openTerminalSocket(
  terminal: { terminal_id: string; socket_path: string },
  size: { cols: number; rows: number },
  on: Listener,
): TerminalSocket {
  return window.baton
    ? desktopChannel(terminal.terminal_id, size, on)
    : socketChannel(terminal.socket_path, size, on);
}

function socketChannel(path: string, size: { cols: number; rows: number }, on: Listener): TerminalSocket {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}?cols=${size.cols}&rows=${size.rows}`;
  const ws = new WebSocket(url, token ? socketProtocols(token) : sessionProtocols(pageKey()));
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

function desktopChannel(id: string, size: { cols: number; rows: number }, on: Listener): TerminalSocket {
  attached.set(id, on);
  // Keys typed before the shell runs wait for it, then go in order.
  let ready: Promise<unknown> = api.attachTerminal(id, size.cols, size.rows).catch((err: unknown) => {
    attached.delete(id);
    on.ended(errorText(err));
  });
  return {
    send(input) {
      ready = ready.then(() => api.terminalInput({ terminal_id: id, input })).catch(() => {});
    },
    close() {
      // As a browser's socket closing does: the shell ends, what was changed waits for the choice.
      attached.delete(id);
      void ready.then(() => api.closeTerminal(id)).catch(() => {});
    },
  };
}
