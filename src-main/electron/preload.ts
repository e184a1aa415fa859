// Sandboxed preload, bundled to one CommonJS file: it exposes `invoke` and `on`, nothing else.
import type { IpcRendererEvent } from 'electron';
import { contextBridge, ipcRenderer } from 'electron';
import type { BatonBridge } from '../../src-shared/contract/bridge.ts';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/contract/events.ts';

const bridge: BatonBridge = {
  invoke: (method, input, caller) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input, caller),
  on(listener) {
    const handler = (_e: IpcRendererEvent, batch: EventBatch) => listener(batch);
    ipcRenderer.on(IPC_EVENTS_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENTS_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('baton', bridge);
