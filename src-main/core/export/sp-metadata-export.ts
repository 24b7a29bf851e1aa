// SP metadata as a file, optionally signed with the SP key (enveloped signature, RSA-SHA256, exc-c14n, the SP
// certificate in KeyInfo): what IdPs that require signed metadata (ADFS, Shibboleth federations) accept.
import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { SpSettings } from '../../contract/index.ts';
import type { KeyPair } from '../sp/keys.ts';
import { spMetadataXml } from '../sp/sp-metadata.ts';

export function exportSpMetadata(sp: SpSettings, keys: KeyPair, signed: boolean): string {
  const xml = spMetadataXml({ ...sp, certificatePem: keys.certificatePem });
  if (!signed) return xml;
  // A signature needs an ID to reference.
  const withId = xml.replace('<md:EntityDescriptor ', `<md:EntityDescriptor ID="_${randomBytes(16).toString('hex')}" `);
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
  // The metadata schema wants ds:Signature as the first child of EntityDescriptor.
  sig.computeSignature(withId, { prefix: 'ds', location: { reference: '/*', action: 'prepend' } });
  return sig.getSignedXml();
}
