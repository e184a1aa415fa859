import type { BatonBridge } from '../../../src-shared/contract/bridge.ts';
import type { Transport } from '../../../src-shared/contract/client.ts';
import { createSocketTransport } from '../../../src-shared/contract/socket-transport.ts';

declare global {
  interface Window {
    baton?: BatonBridge;
  }
}

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

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
  return createSocketTransport({ connect: () => new WebSocket(url), onStatus });
}
