// The SP's own metadata, to paste or upload into the IdP's admin console.
import { certBase64 } from '../util/cert.ts';
import { escapeXml as h } from '../util/xml.ts';

export interface SpMetadataInput {
  entityId: string;
  acsUrl: string;
  nameIdFormat: string;
  certificatePem: string;
}

export function spMetadataXml(sp: SpMetadataInput): string {
  const cert = certBase64(sp.certificatePem);
  const key = (use: string): string =>
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${h(sp.entityId)}">\n` +
    `  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n` +
    `    ${key('signing')}\n    ${key('encryption')}\n` +
    `    <md:NameIDFormat>${h(sp.nameIdFormat)}</md:NameIDFormat>\n` +
    `    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${h(sp.acsUrl)}" index="0" isDefault="true"/>\n` +
    `  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n`
  );
}
