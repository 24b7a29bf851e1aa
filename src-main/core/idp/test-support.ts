// Test support for the metadata tests.
import { SignedXml } from 'xml-crypto';
import { LabError } from '../errors.ts';
import type { KeyPair } from '../sp/keys.ts';

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
  const sig = new SignedXml({
    privateKey: keys.privateKeyPem,
    publicCert: keys.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: '/*',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'prepend' } });
  return sig.getSignedXml();
}
