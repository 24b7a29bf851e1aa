// The one table that turns error codes into text a person can act on.
import type { ErrorBody } from '../../src-main/contract/index.ts';

// Keyed by string, not ErrorCode, so a code the core adds before this table learns it still reads as text.
const ERROR_TEXT: Record<string, string | undefined> = {
  'invalid-input': 'The request was not valid',
  'unknown-method': 'This version of the app does not know that action',
  'not-found': 'Not found — it may have been removed',
  'invalid-metadata': 'That is not usable SAML IdP metadata',
  'fetch-failed': 'That URL did not give SAML metadata',
  'invalid-rules': 'Those mapping rules are not valid',
  'port-in-use': 'The SAML listener port is already in use by another program',
  'store-unwritable': 'The data folder cannot be written; check its permissions and free disk space',
  internal: 'Something went wrong inside the app',
};

export function errorText(error: ErrorBody): string {
  const headline = ERROR_TEXT[error.code] ?? 'Unexpected error';
  const message = error.message.trim();
  return message.length > 0 && message !== headline ? `${headline}: ${message}` : headline;
}
