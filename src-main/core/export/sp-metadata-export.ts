// SP metadata as a file, optionally signed with the SP key (enveloped signature, RSA-SHA256, exc-c14n, the SP
// certificate in KeyInfo): what IdPs that require signed metadata (ADFS, Shibboleth federations) accept.
import { randomBytes } from 'node:crypto';
import type { KeyPair } from '../sp/keys.ts';
import { spMetadataXml, type SpMetadataInput } from '../sp/sp-metadata.ts';
import { signRootEnveloped } from '../util/sign-xml.ts';
import { xmlText } from './targets/escape.ts';

/** What the SP metadata says, as the /saml/metadata route says it (the certificate comes from `keys`). */
export type SpMetadataExportInput = Omit<SpMetadataInput, 'certificatePem'>;

export function exportSpMetadata(sp: SpMetadataExportInput, keys: KeyPair, signed: boolean): string {
  // spMetadataXml escapes markup; values XML cannot carry as themselves (control characters) are refused here.
  xmlText('SP entity ID', sp.entityId);
  xmlText('SP ACS URL', sp.acsUrl);
  xmlText('NameID format', sp.nameIdFormat);
  const xml = spMetadataXml({ ...sp, certificatePem: keys.certificatePem });
  if (!signed) return xml;
  // A signature needs an ID to reference.
  const withId = xml.replace('<md:EntityDescriptor ', `<md:EntityDescriptor ID="_${randomBytes(16).toString('hex')}" `);
  // The metadata schema wants ds:Signature as the first child of EntityDescriptor.
  return signRootEnveloped(withId, keys);
}
