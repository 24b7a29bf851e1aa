// What every host (Electron shell, browser-mode server, tests) sees of the core.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventName, EventPayload, Result } from '../contract/index.ts';
import type { MetadataGet } from './net/fetch-metadata.ts';

/** The SP listener's port unless a setting or `--port` says otherwise (shell and browser mode alike). */
export const DEFAULT_PORT = 7820;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A route the host adds to the listener (browser mode mounts /api, /events and the renderer). Returns true when
 * it handled the request. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface LabOptions {
  /** Folder for the store, keys and settings. Created if missing. */
  dataDir: string;
  /** The app's resources/ folder (demo IdP users and other shipped files). */
  resourcesDir: string;
  /** Listener port on 127.0.0.1; 0 picks a free one. Default 7820. */
  port?: number;
  mode: 'electron' | 'browser';
  version?: string;
  clock?: () => Date;
  logger?: Logger;
  /** Electron: open an SP-initiated login in a window of its own. Browser mode leaves it unset. */
  openLoginWindow?: (url: string) => void;
  /** Where the ACS result page sends the person back to (browser mode: the app's own URL). */
  appUrl?: (listenerUrl: string) => string | null;
  extraRoutes?: ExtraRoute[];
  /** Imported at start and made the active IdP (`serve --idp-metadata`). */
  idpMetadataXml?: string;
  /** Overrides the SP entity ID at start (`serve --sp-entity-id`). */
  spEntityId?: string;
  /** How a metadata URL import/refresh does its GETs (the desktop shell: Chromium's net). Default node:http(s). */
  metadataGet?: MetadataGet;
}

export interface Lab {
  /** http://127.0.0.1:PORT of the SP listener. */
  readonly url: string;
  readonly dataDir: string;
  /** Validates input against the contract, runs the method, never throws. */
  handle(method: string, input: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Stops the listener and flushes the store. */
  close(): Promise<void>;
}
