// An enveloped XML signature over a document's root (RSA-SHA256, exc-c14n, SHA-256 digest, ds:Signature as the
// root's first child, as metadata schemas want it). The root must carry an ID for the Reference to name.
import { SignedXml } from 'xml-crypto';
import type { KeyPair } from '../sp/keys.ts';

export function signRootEnveloped(xml: string, keys: KeyPair): string {
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
