// A transport carries one contract call or event subscription. Two exist: the Electron preload bridge
// (`window.lab`) and plain HTTP + server-sent events for the browser mode.
import type { LabBridge, Result } from '../../src-main/contract/index.ts';

export interface Transport {
  readonly kind: 'electron' | 'http';
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    lab?: LabBridge;
  }
}

export function createBridgeTransport(bridge: LabBridge): Transport {
  return {
    kind: 'electron',
    invoke: (method, input) => bridge.invoke(method, input),
    on: (event, listener) => bridge.on(event, listener),
  };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const ok = (body as { ok: unknown }).ok;
  if (ok === true) return 'value' in body;
  if (ok !== false || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** Browser mode: `POST /api/<method>` with a JSON body; events from `GET /events` (SSE). */
export function createHttpTransport(baseUrl: string): Transport {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function ensureSource(): EventSource {
    if (source === null) source = new EventSource(new URL('events', baseUrl).toString());
    return source;
  }

  return {
    kind: 'http',
    async invoke(method, input) {
      let response: Response;
      try {
        response = await fetch(new URL(`api/${encodeURIComponent(method)}`, baseUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return { ok: false, error: { code: 'internal', message: `Network error: ${String(err)}`, details: { transport: 'network' } } };
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: `The server answered HTTP ${response.status} without a JSON body.`, details: { transport: 'http', status: response.status } },
        };
      }
      if (!isResult(body)) {
        return { ok: false, error: { code: 'internal', message: `Unexpected answer from the server (HTTP ${response.status}).` } };
      }
      return body;
    },
    on(event, listener) {
      const es = ensureSource();
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      const handler = (message: MessageEvent<string>): void => {
        let payload: unknown;
        try {
          payload = JSON.parse(message.data);
        } catch {
          return;
        }
        listener(payload);
      };
      set.add(listener);
      es.addEventListener(event, handler);
      return () => {
        es.removeEventListener(event, handler);
        set.delete(listener);
      };
    },
  };
}
