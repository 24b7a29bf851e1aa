// The one table that turns error codes into text a person can act on. Typed by ErrorCode: a code the core adds
// cannot go unexplained (the typecheck fails until it has a text here).
import type { ErrorBody, ErrorCode } from '../../src-main/contract/index.ts';

const ERROR_TEXT: Record<ErrorCode, string> = {
  'invalid-input': 'The request was not valid',
  'unknown-method': 'This version of the app does not know that action',
  'not-found': 'Not found — it may have been removed',
  forbidden: 'Refused: only the lab itself may ask for that',
  'invalid-metadata': 'That is not usable SAML IdP metadata',
  'fetch-failed': 'That URL did not give SAML metadata',
  'invalid-rules': 'Those mapping rules are not valid',
  'invalid-bundle': 'That is not a usable SAML JIT Lab bundle',
  'trust-change': 'This would change the signing certificates the lab trusts for this IdP',
  'port-in-use': 'The SAML listener port is already in use by another program',
  'store-unwritable': 'The data folder cannot be written; check its permissions and free disk space',
  internal: 'Something went wrong inside the app',
};

export function errorText(error: ErrorBody): string {
  // A newer core may answer a code this build does not know yet: still say something readable.
  const headline = (ERROR_TEXT as Record<string, string | undefined>)[error.code] ?? 'Unexpected error';
  const message = error.message.trim();
  return message.length > 0 && message !== headline ? `${headline}: ${message}` : headline;
}
