// Exposes `window.lab` (the contract's LabBridge) and nothing else. Imports only electron, so it runs sandboxed;
// built as CommonJS (out/preload/index.cjs).
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { LabBridge, Result } from '../contract/index.ts';
import { LAB_EVENT, LAB_INVOKE } from './channels.ts';

const bridge: LabBridge = {
  invoke(method: string, input: unknown): Promise<Result<unknown>> {
    return ipcRenderer.invoke(LAB_INVOKE, method, input) as Promise<Result<unknown>>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    const relay = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(LAB_EVENT, relay);
    return () => {
      ipcRenderer.removeListener(LAB_EVENT, relay);
    };
  },
};

contextBridge.exposeInMainWorld('lab', bridge);
