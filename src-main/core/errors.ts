import type { ErrorBody, ErrorCode } from '../contract/index.ts';

/** The only error type core throws on purpose. Hosts turn it into `{ ok: false, error }`. */
export class LabError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'LabError';
    this.code = code;
    this.details = details;
  }
}

export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof LabError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
