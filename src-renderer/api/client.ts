// The one client the UI uses to talk to the core, typed from the contract.
import type { ErrorBody, EventName, EventPayload, Input, Method, Output } from '../../src-main/contract/index.ts';
import { errorText } from './error-text.ts';
import { createBridgeTransport, createHttpTransport, type Transport } from './transport.ts';

/** Thrown by `call` when the core answered `{ ok: false }`; `message` is already human text. */
export class ApiError extends Error {
  readonly code: ErrorBody['code'];
  readonly body: ErrorBody;
  constructor(body: ErrorBody) {
    super(errorText(body));
    this.name = 'ApiError';
    this.code = body.code;
    this.body = body;
  }
}

export interface LabClient {
  readonly transport: Transport['kind'];
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(transport: Transport): LabClient {
  return {
    transport: transport.kind,
    async call(method, input) {
      const result = await transport.invoke(method, input);
      if (!result.ok) throw new ApiError(result.error);
      return result.value as Output<typeof method>;
    },
    on(event, listener) {
      return transport.on(event, (payload) => listener(payload as EventPayload<typeof event>));
    },
  };
}

function pickTransport(): Transport {
  if (typeof window !== 'undefined' && window.lab !== undefined) return createBridgeTransport(window.lab);
  return createHttpTransport(new URL('/', window.location.href).toString());
}

export const api: LabClient = createClient(pickTransport());

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
