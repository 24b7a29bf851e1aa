// Test support for the metadata tests.
import { LabError } from '../errors.ts';
import type { KeyPair } from '../sp/keys.ts';
import { signRootEnveloped } from '../util/sign-xml.ts';

/** The LabError `fn` throws; fails the test when it throws something else or nothing. */
export function labErrorOf(fn: () => unknown): LabError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error('expected a LabError');
}

/** Signs a metadata document's root (enveloped, RSA-SHA256, exc-c14n, Signature first); the root needs an ID. */
export function signMetadata(xml: string, keys: KeyPair): string {
  return signRootEnveloped(xml, keys);
}
