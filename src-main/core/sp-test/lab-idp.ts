// The lab as an IdP for the person's own application (the SP under test): its key pair lives in the data folder
// (keys/lab-idp-*.pem, like the SP's), so an SP configured once with this metadata keeps trusting it across runs,
// the desktop app and `saml-jit-lab test-sp`.
import { ensureKeyPair, type KeyPair } from '../sp/keys.ts';
import { certBase64 } from '../util/cert.ts';
import { escapeXml as h } from '../util/xml.ts';

export const LAB_IDP_ENTITY_ID = 'urn:saml-jit-lab:test-idp';
/** The path of the IdP's SSO endpoint on the lab's listener. */
export const LAB_IDP_SSO_PATH = '/idp/sso';
export const LAB_IDP_METADATA_PATH = '/idp/metadata';
export const LAB_IDP_KEY_NAME = 'lab-idp';
/** The lab's default listener (port 7820): the SSO URL in the metadata when no listener is running (CLI). */
export const DEFAULT_LAB_BASE_URL = 'http://127.0.0.1:7820';

const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
};

export interface LabIdp {
  entityId: string;
  keys: KeyPair;
  /** http://127.0.0.1:PORT/idp/sso */
  ssoUrl: string;
  metadataUrl: string;
  metadataXml: string;
}

export async function loadLabIdp(dataDir: string, baseUrl: string = DEFAULT_LAB_BASE_URL): Promise<LabIdp> {
  const keys = await ensureKeyPair(dataDir, LAB_IDP_KEY_NAME, 'SAML JIT Lab test IdP');
  return labIdpFor(keys, baseUrl);
}

export function labIdpFor(keys: KeyPair, baseUrl: string): LabIdp {
  const base = baseUrl.replace(/\/+$/, '');
  const ssoUrl = `${base}${LAB_IDP_SSO_PATH}`;
  return { entityId: LAB_IDP_ENTITY_ID, keys, ssoUrl, metadataUrl: `${base}${LAB_IDP_METADATA_PATH}`, metadataXml: labIdpMetadataXml(keys, ssoUrl) };
}

export function labIdpMetadataXml(keys: KeyPair, ssoUrl: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${h(LAB_IDP_ENTITY_ID)}">\n` +
    `  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">\n` +
    `    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBase64(keys.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n` +
    `    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n` +
    `    <md:SingleSignOnService Binding="${BINDINGS.redirect}" Location="${h(ssoUrl)}"/>\n` +
    `    <md:SingleSignOnService Binding="${BINDINGS.post}" Location="${h(ssoUrl)}"/>\n` +
    `  </md:IDPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}
