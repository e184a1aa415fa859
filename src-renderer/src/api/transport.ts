import type { BatonBridge } from '../../../src-shared/contract/bridge.ts';
import type { Transport } from '../../../src-shared/contract/client.ts';
import { sessionProtocols, socketProtocols } from '../../../src-shared/contract/socket-auth.ts';
import type { SocketStatus } from '../../../src-shared/contract/socket-transport.ts';
import { createSocketTransport } from '../../../src-shared/contract/socket-transport.ts';
import { refused } from './access.ts';
import { pageKey, signedIn } from './auth.ts';

declare global {
  interface Window {
    baton?: BatonBridge;
  }
}

export type ConnectionStatus = SocketStatus;

/** The Electron preload's bridge, when this page runs in the desktop app. */
export function bridgeTransport(bridge: BatonBridge): Transport {
  return { invoke: (m, i, c) => bridge.invoke(m, i, c), onEvents: (l) => bridge.on(l) };
}

/**
 * A WebSocket to the browser-mode host this page came from, presenting the tab's token as a
 * subprotocol. `onResync`: events may have been missed (the host said so, or the socket
 * dropped and came back), so what the page shows must be loaded again.
 */
export function socketTransport(
  token: string,
  onStatus: (s: ConnectionStatus) => void,
  onResync: () => void,
): Transport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return createSocketTransport({
    connect: () => new WebSocket(url, socketProtocols(token)),
    onStatus,
    onResync,
    // The browser hides why an upgrade failed: ask over HTTP whether the host is up but
    // refusing this tab's token (it was restarted, and each launch mints a new one).
    sessionEnded: () => refused(token, location.href),
  });
}

/**
 * The socket of a person signed in on this browser: the session cookie goes with it (this page's
 * own origin only); no token is offered. A session that ended (signed out, removed) is said as
 * such, and the page asks them to sign in again.
 */
export function sessionTransport(onStatus: (s: ConnectionStatus) => void, onResync: () => void): Transport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return createSocketTransport({
    connect: () => new WebSocket(url, sessionProtocols(pageKey())),
    onStatus,
    onResync,
    sessionEnded: async () => (await signedIn()) === null,
  });
}
