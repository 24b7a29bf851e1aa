// The SP's own metadata, to paste or upload into the IdP's admin console. It must describe what the SP actually does:
// an IdP that reads AuthnRequestsSigned="false" may ignore (or refuse) the signature on requests the lab does sign,
// and WantAssertionsSigned="true" makes IdPs sign the assertion although the policy would accept a Response-only
// signature — the lab would then never see what a Response-signing IdP sends.
import type { SignaturePolicy } from '../../contract/sp-profiles.ts';
import { certBase64 } from '../util/cert.ts';
import { escapeXml as h } from '../util/xml.ts';

export interface SpMetadataInput {
  entityId: string;
  acsUrl: string;
  nameIdFormat: string;
  certificatePem: string;
  /** True when the lab signs its AuthnRequests (to the active IdP, or by the login option "always"). */
  authnRequestsSigned: boolean;
  /** True only when the verification policy requires the assertion itself to be signed (see wantAssertionsSignedFor). */
  wantAssertionsSigned: boolean;
  /** The SingleLogoutService URL (HTTP-Redirect and HTTP-POST), when the SP does Single Logout. */
  sloUrl?: string | null;
}

/** WantAssertionsSigned for a signature policy: only 'assertion' and 'both' require the Assertion to be signed. */
export function wantAssertionsSignedFor(policy: SignaturePolicy): boolean {
  return policy === 'assertion' || policy === 'both';
}

export function spMetadataXml(sp: SpMetadataInput): string {
  const cert = certBase64(sp.certificatePem);
  const key = (use: string): string =>
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${h(sp.entityId)}">\n` +
    `  <md:SPSSODescriptor AuthnRequestsSigned="${sp.authnRequestsSigned}" WantAssertionsSigned="${sp.wantAssertionsSigned}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n` +
    `    ${key('signing')}\n    ${key('encryption')}\n` +
    (sp.sloUrl
      ? `    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${h(sp.sloUrl)}"/>\n` +
        `    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${h(sp.sloUrl)}"/>\n`
      : '') +
    `    <md:NameIDFormat>${h(sp.nameIdFormat)}</md:NameIDFormat>\n` +
    `    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${h(sp.acsUrl)}" index="0" isDefault="true"/>\n` +
    `  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n`
  );
}
