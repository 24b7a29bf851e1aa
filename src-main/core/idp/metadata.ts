// IdP metadata: what the verifier and the login starter need, read from an EntityDescriptor (or the IdP in an
// EntitiesDescriptor). Refuses DOCTYPEs and anything that is not IdP metadata, with a message naming what is missing.
import { LabError } from '../errors.ts';
import { NS, XmlParseError, attr, childElements, descendants, firstChild, parseXml, textOf } from '../util/xml.ts';
import { certBase64, summarizeCert } from '../util/cert.ts';

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export interface MetadataCert {
  base64: string;
  use: 'signing' | 'encryption' | 'any';
  fingerprintSha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

export interface IdpMetadata {
  entityId: string;
  ssoServices: { binding: string; location: string }[];
  certificates: MetadataCert[];
  nameIdFormats: string[];
  wantAuthnRequestsSigned: boolean;
  displayName: string | null;
}

export function parseIdpMetadata(input: string): IdpMetadata {
  const xml = input.replace(/^\uFEFF/, '').trim();
  if (xml.length === 0) throw invalid('The metadata is empty.');
  if (!xml.startsWith('<')) throw invalid('This is not XML: IdP metadata is an XML document starting with "<".');
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (error) {
    const reason = error instanceof XmlParseError ? error.message : String(error);
    throw invalid(`The metadata is not well-formed XML: ${reason}`);
  }
  const root = doc.documentElement;
  if (root.localName === 'html' || root.localName === 'HTML') {
    throw invalid('This is an HTML page, not SAML metadata (a login page or an error page?).');
  }
  if (root.namespaceURI !== NS.md || (root.localName !== 'EntityDescriptor' && root.localName !== 'EntitiesDescriptor')) {
    throw invalid(`The root element is <${root.nodeName}>, not a SAML metadata EntityDescriptor or EntitiesDescriptor.`);
  }
  const entities = root.localName === 'EntityDescriptor' ? [root] : descendants(root, NS.md, 'EntityDescriptor');
  const idpEntity = entities.find((e) => firstChild(e, NS.md, 'IDPSSODescriptor'));
  if (!idpEntity) {
    const isSp = entities.some((e) => firstChild(e, NS.md, 'SPSSODescriptor'));
    throw invalid(
      isSp
        ? 'This is a service provider\'s metadata (SPSSODescriptor), not an IdP\'s: it has no IDPSSODescriptor.'
        : 'The metadata has no IDPSSODescriptor, so it does not describe an identity provider.',
    );
  }
  const entityId = attr(idpEntity, 'entityID');
  if (!entityId) throw invalid('The EntityDescriptor has no entityID attribute.');
  const idp = firstChild(idpEntity, NS.md, 'IDPSSODescriptor')!;
  const ssoServices = childElements(idp, NS.md, 'SingleSignOnService')
    .map((el) => ({ binding: attr(el, 'Binding') ?? '', location: attr(el, 'Location') ?? '' }))
    .filter((s) => s.binding && s.location);
  if (ssoServices.length === 0) throw invalid('The IDPSSODescriptor lists no SingleSignOnService endpoint.');

  const certificates: MetadataCert[] = [];
  for (const kd of childElements(idp, NS.md, 'KeyDescriptor')) {
    const useAttr = attr(kd, 'use');
    const use = useAttr === 'signing' || useAttr === 'encryption' ? useAttr : 'any';
    for (const certEl of descendants(kd, NS.ds, 'X509Certificate')) {
      const base64 = certBase64(textOf(certEl) ?? '');
      if (!base64 || certificates.some((c) => c.base64 === base64 && c.use === use)) continue;
      const summary = summarizeCert(base64);
      if (!summary) throw invalid('A KeyDescriptor holds an X509Certificate that is not a valid certificate.');
      certificates.push({ base64, use, ...summary });
    }
  }
  if (!certificates.some((c) => c.use !== 'encryption')) {
    throw invalid('The IDPSSODescriptor has no signing certificate (KeyDescriptor with an X509Certificate), so no response could be verified.');
  }
  const nameIdFormats = childElements(idp, NS.md, 'NameIDFormat').map((el) => (textOf(el) ?? '').trim()).filter(Boolean);
  const displayNameEl = descendants(idp, 'urn:oasis:names:tc:SAML:metadata:ui', 'DisplayName')[0] ?? null;
  return {
    entityId,
    ssoServices,
    certificates,
    nameIdFormats,
    wantAuthnRequestsSigned: attr(idp, 'WantAuthnRequestsSigned') === 'true',
    displayName: displayNameEl ? (textOf(displayNameEl) ?? '').trim() || null : null,
  };
}

export function signingCerts(md: IdpMetadata): MetadataCert[] {
  return md.certificates.filter((c) => c.use !== 'encryption');
}

export function ssoLocation(md: IdpMetadata, binding: string): string | null {
  return md.ssoServices.find((s) => s.binding === binding)?.location ?? null;
}

function invalid(message: string): LabError {
  return new LabError('invalid-metadata', message);
}
