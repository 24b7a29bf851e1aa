// Test support: an IdP key made once per test file and responses signed with it at a frozen clock.
import { generate } from 'selfsigned';
import { buildSignedResponse, type ResponseSpec } from '../demo-idp/response-builder.ts';
import { parseIdpMetadata } from '../idp/metadata.ts';
import type { TrustedIdp, VerifyInput } from '../saml/context.ts';
import type { KeyPair } from '../sp/keys.ts';
import { certBase64 } from '../util/cert.ts';

export const NOW = new Date('2030-06-01T12:00:00.000Z');
export const IDP_ENTITY_ID = 'https://idp.test.example/metadata';
export const SP_ENTITY_ID = 'urn:test:sp';
export const ACS_URL = 'http://127.0.0.1:7820/saml/acs';

export async function makeKeyPair(cn = 'Test IdP'): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256' });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}

export function idpMetadataXml(keys: KeyPair, entityId = IDP_ENTITY_ID, extraCerts: KeyPair[] = []): string {
  const kd = (k: KeyPair): string =>
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBase64(k.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${[keys, ...extraCerts].map(kd).join('')}` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test.example/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

export function trustedIdp(keys: KeyPair, entityId = IDP_ENTITY_ID): TrustedIdp {
  const md = parseIdpMetadata(idpMetadataXml(keys, entityId));
  return { id: 'test', name: 'Test IdP', entityId: md.entityId, certificates: md.certificates };
}

export const ALICE = {
  nameId: 'alice@example.com',
  attributes: {
    email: ['alice@example.com'],
    givenName: ['Alice'],
    sn: ['Anderson'],
    displayName: ['Alice Anderson'],
    groups: ['engineering', 'sso-admins'],
  },
};

export function signResponse(keys: KeyPair, spec: Partial<ResponseSpec> = {}): Promise<string> {
  return buildSignedResponse({
    idpEntityId: IDP_ENTITY_ID,
    idpKeys: keys,
    spEntityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    nameId: ALICE.nameId,
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    attributes: ALICE.attributes,
    now: NOW,
    ...spec,
  });
}

export function b64(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

export function verifyInput(samlResponse: string, idps: TrustedIdp[], overrides: Partial<VerifyInput> = {}): VerifyInput {
  return {
    samlResponse,
    now: NOW,
    sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL },
    idps,
    policy: { clockSkewSeconds: 180, allowUnsolicited: true, maxResponseBytes: 4 * 1024 * 1024 },
    outstanding: { find: () => null },
    replay: { seen: () => false },
    ...overrides,
  };
}
