import type { BatonBridge } from '../../../src-shared/contract/bridge.ts';
import type { Transport } from '../../../src-shared/contract/client.ts';
import type { SocketStatus } from '../../../src-shared/contract/socket-transport.ts';
import { createSocketTransport } from '../../../src-shared/contract/socket-transport.ts';

declare global {
  interface Window {
    baton?: BatonBridge;
  }
}

export type ConnectionStatus = SocketStatus;

/**
 * Picks the transport once, at start: the Electron preload's bridge when present, else a
 * WebSocket to the browser-mode host this page came from. Nothing else knows which it is.
 */
export function chooseTransport(onStatus: (s: ConnectionStatus) => void): Transport {
  const bridge = window.baton;
  if (bridge) {
    onStatus('open');
    return { invoke: (m, i) => bridge.invoke(m, i), onEvents: (l) => bridge.on(l) };
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return createSocketTransport({ connect: () => new WebSocket(url), onStatus, sessionEnded });
}

/**
 * After a drop: is the host up but refusing this tab's token (it was restarted, and each
 * launch mints a new token)? The browser hides why a WebSocket upgrade failed, so ask over
 * HTTP with the same cookie. A host that is down (the fetch fails) may come back: not ended.
 */
async function sessionEnded(): Promise<boolean> {
  try {
    const res = await fetch('/api/health', { cache: 'no-store', credentials: 'same-origin' });
    return res.status === 401 || res.status === 403;
  } catch {
    return false;
  }
}
