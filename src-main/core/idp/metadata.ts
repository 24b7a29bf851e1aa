// IdP metadata: what the verifier and the login starter need, read from an EntityDescriptor (or one IdP of an
// EntitiesDescriptor aggregate). Takes what real IdPs publish (BOMs, comments before the root, default or prefixed
// namespaces, WS-Fed RoleDescriptors next to the IDPSSODescriptor, two signing certs during a rollover, POST-only or
// Redirect-only SSO) and refuses anything that is not IdP metadata with a message naming what is missing.
import type { MetadataOverview } from '../../contract/index.ts';
import { LabError } from '../errors.ts';
import { certBase64, summarizeCert } from '../util/cert.ts';
import { NS, XmlParseError, attr, childElements, descendants, firstChild, hasDoctype, parseXml, textOf } from '../util/xml.ts';
import { verifyMetadataSignature, type MetadataSignature } from './metadata-signature.ts';

export type { MetadataSignature } from './metadata-signature.ts';

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const MDUI = 'urn:oasis:names:tc:SAML:metadata:ui';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** A certificate that expires within this many days is reported as expiring soon. */
export const CERT_EXPIRY_WARNING_DAYS = 30;

export interface MetadataCert {
  base64: string;
  use: 'signing' | 'encryption' | 'any';
  fingerprintSha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

export interface MetadataEndpoint {
  binding: string;
  location: string;
}

/** What the verifier and the login starter rely on (the demo IdP builds one of these itself). */
export interface IdpMetadata {
  entityId: string;
  ssoServices: MetadataEndpoint[];
  certificates: MetadataCert[];
  nameIdFormats: string[];
  wantAuthnRequestsSigned: boolean;
  displayName: string | null;
}

export type MetadataWarningCode =
  | 'cert-expired'
  | 'cert-expiring'
  | 'cert-not-yet-valid'
  | 'cert-unreadable'
  | 'cert-double-encoded'
  | 'metadata-expired'
  | 'signature-unverified';

export interface MetadataWarning {
  code: MetadataWarningCode;
  message: string;
  /** The certificate the warning is about, when it is about one. */
  fingerprintSha256?: string;
}

/** Everything the parser understood, for the import screen and the `metadata` command. */
export interface ParsedIdpMetadata extends IdpMetadata {
  sloServices: (MetadataEndpoint & { responseLocation: string | null })[];
  validUntil: string | null;
  cacheDuration: string | null;
  /** protocolSupportEnumeration of the IDPSSODescriptor. */
  protocols: string[];
  /** The other roles the entity declares (ADFS lists WS-Fed RoleDescriptors and an SPSSODescriptor too). */
  otherRoles: string[];
  /** Set when the IdP was picked out of an EntitiesDescriptor. */
  aggregate: { name: string | null; idpCount: number } | null;
  signature: MetadataSignature;
  warnings: MetadataWarning[];
}

export interface ParseMetadataOptions {
  /** Which IdP to take from an aggregate. Required when the aggregate lists more than one IdP. */
  entityId?: string;
  /** Certificate(s) (PEM or bare base64) the metadata signature must verify with. Without one the signature,
   * if any, is reported as unverified. With one, metadata that is unsigned or does not verify is refused. */
  trustCerts?: string | string[];
  /** The clock for certificate and validUntil warnings; no such warnings without it. */
  now?: Date;
}

export interface EntitySummary {
  entityId: string;
  displayName: string | null;
}

/** What a metadata document holds (declared once, in the contract): kind, Name, its IdPs, how many entities. */
export type { MetadataOverview };

export function parseIdpMetadata(input: string, options: ParseMetadataOptions = {}): ParsedIdpMetadata {
  let root = parseMetadataRoot(input);
  let idpEntity = pickIdpEntity(root, options.entityId);
  const aggregate = root.localName === 'EntitiesDescriptor' ? { name: attr(root, 'Name'), idpCount: idpEntities(root).length } : null;
  const trustCerts = options.trustCerts === undefined || options.trustCerts.length === 0 ? undefined : options.trustCerts;
  const signature = verifyMetadataSignature(root, idpEntity, trustCerts);
  if (signature.status === 'invalid') throw invalid(signature.detail);
  if (signature.status === 'absent' && trustCerts !== undefined) {
    throw invalid('A trust certificate was given but the metadata is not signed, so it cannot be verified. Download it again from the IdP, or import it without a trust certificate.');
  }
  if (signature.signedXml !== null) {
    // Read every value from the bytes the signature covers, never from the document as given (signature wrapping).
    root = parseMetadataRoot(signature.signedXml);
    idpEntity = pickIdpEntity(root, options.entityId);
  }
  return readIdp(idpEntity, aggregate, publicSignature(signature), options.now ?? null);
}

/** The IdPs a metadata document describes (one for an EntityDescriptor, any number for an aggregate). */
export function listEntities(xml: string): EntitySummary[] {
  return overviewMetadata(xml).idps;
}

export function overviewMetadata(xml: string): MetadataOverview {
  const root = parseMetadataRoot(xml);
  const all = root.localName === 'EntityDescriptor' ? [root] : descendants(root, NS.md, 'EntityDescriptor');
  return {
    kind: root.localName === 'EntityDescriptor' ? 'entity' : 'aggregate',
    name: root.localName === 'EntitiesDescriptor' ? attr(root, 'Name') : null,
    idps: idpEntities(root).map((e) => ({ entityId: attr(e, 'entityID') ?? '', displayName: displayNameOf(e, saml2Idp(e)) })),
    entityCount: all.length,
  };
}

export function signingCerts(md: IdpMetadata): MetadataCert[] {
  return md.certificates.filter((c) => c.use !== 'encryption');
}

export function ssoLocation(md: IdpMetadata, binding: string): string | null {
  return md.ssoServices.find((s) => s.binding === binding)?.location ?? null;
}

/** Decodes metadata bytes (a file, a download): UTF-8 with or without BOM, UTF-16 with BOM; refuses binary files
 * (a PDF or a ZIP renamed .xml) with a message that says what the file is. */
export function decodeMetadataBytes(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (head.startsWith('%PDF-')) throw invalid('This is a PDF file, not XML metadata. Download the metadata XML itself (often a "Download metadata" or "Federation metadata" link), not a printout of it.');
  if (head.startsWith('PK\u0003\u0004')) throw invalid('This is a ZIP archive (or an Office document), not XML metadata. Extract the metadata .xml file first.');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw invalid('The file is not UTF-8 (or UTF-16) text, so it is not XML metadata. Is it a binary file renamed .xml?');
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Parses the document and checks the root is md:EntityDescriptor or md:EntitiesDescriptor. */
function parseMetadataRoot(input: string): Element {
  const xml = input.replace(/^\uFEFF/, '').trim();
  if (xml.length === 0) throw invalid('The metadata is empty.');
  if (xml.startsWith('%PDF-')) throw invalid('This is a PDF file, not XML metadata. Download the metadata XML itself, not a printout of it.');
  if (/^(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<!doctype\s+html|^(<\?xml[^>]*\?>\s*)?<html[\s>]/i.test(xml) || /^\s*<(head|body)[\s>]/i.test(xml)) {
    throw invalid('This is an HTML page, not SAML metadata (a login page or an error page?). Download the metadata XML itself.');
  }
  if (!xml.startsWith('<')) throw invalid('This is not XML: IdP metadata is an XML document starting with "<" (for example <EntityDescriptor …>).');
  if (hasDoctype(xml)) throw invalid('The metadata declares a DOCTYPE, which SAML metadata never needs (it is how entity-expansion attacks start). Refused.');
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (error) {
    throw invalid(describeParseError(xml, error instanceof XmlParseError ? error.message : String(error)));
  }
  const root = doc.documentElement;
  if (/^html$/i.test(root.localName)) throw invalid('This is an HTML page, not SAML metadata (a login page or an error page?).');
  if (root.localName === 'EntityDescriptor' || root.localName === 'EntitiesDescriptor') {
    if (root.namespaceURI !== NS.md) {
      throw invalid(`The root element <${root.nodeName}> is in ${root.namespaceURI ? `the namespace ${root.namespaceURI}` : 'no namespace'}, not the SAML 2.0 metadata namespace ${NS.md}: add xmlns="${NS.md}" to it.`);
    }
    return root;
  }
  if (root.namespaceURI === NS.samlp || root.namespaceURI === NS.saml) {
    throw invalid(`This is a SAML message (<${root.nodeName}>), not metadata. Import the IdP's metadata document (EntityDescriptor).`);
  }
  throw invalid(`The root element is <${root.nodeName}>, not a SAML metadata EntityDescriptor or EntitiesDescriptor.`);
}

function describeParseError(xml: string, reason: string): string {
  if (/Only one element can be added/i.test(reason)) {
    return 'The metadata is not well-formed XML: it has more than one top-level element (two documents pasted one after the other?). Keep exactly one EntityDescriptor or EntitiesDescriptor.';
  }
  if (looksTruncated(xml)) {
    return `The metadata is not well-formed XML: it ends before its root element is closed (truncated download or copy?). Parser: ${reason}`;
  }
  return `The metadata is not well-formed XML: ${reason}`;
}

/** True when the text does not end with the end tag of its first element (or that element is not self-closed). */
function looksTruncated(xml: string): boolean {
  const body = xml.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').trim();
  const name = /^<([A-Za-z_][\w.:-]*)/.exec(body)?.[1];
  if (!name) return !body.endsWith('>');
  const escaped = name.replace(/[.]/g, '\\.');
  return !new RegExp(`</${escaped}\\s*>$`).test(body) && !new RegExp(`^<${escaped}\\b[^<]*/>$`).test(body);
}

/** The IDPSSODescriptor that speaks SAML 2.0 (an entity may list a SAML 1.1 one too). */
function saml2Idp(entity: Element): Element | null {
  const descriptors = childElements(entity, NS.md, 'IDPSSODescriptor');
  return descriptors.find((d) => (attr(d, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL)) ?? null;
}

function idpEntities(root: Element): Element[] {
  const entities = root.localName === 'EntityDescriptor' ? [root] : descendants(root, NS.md, 'EntityDescriptor');
  return entities.filter((e) => saml2Idp(e) !== null);
}

function pickIdpEntity(root: Element, entityId: string | undefined): Element {
  const entities = root.localName === 'EntityDescriptor' ? [root] : descendants(root, NS.md, 'EntityDescriptor');
  const what = root.localName === 'EntityDescriptor' ? 'The EntityDescriptor' : 'No EntityDescriptor in this EntitiesDescriptor';
  if (entities.length === 0) throw invalid('The EntitiesDescriptor contains no EntityDescriptor, so it describes no identity provider.');
  if (entityId !== undefined) {
    const match = entities.find((e) => attr(e, 'entityID') === entityId);
    if (!match) {
      const idps = idpEntities(root).map((e) => attr(e, 'entityID')).slice(0, 5);
      throw invalid(`The metadata has no entity with entityID "${entityId}"${idps.length ? ` (its IdPs include ${idps.join(', ')})` : ''}.`);
    }
    if (!saml2Idp(match)) throw invalid(describeNonIdp(match, `The entity "${entityId}"`));
    return match;
  }
  const idps = idpEntities(root);
  if (idps.length === 1) return idps[0]!;
  if (idps.length > 1) {
    throw new LabError(
      'invalid-metadata',
      `This aggregate lists ${idps.length} IdPs (${idps.slice(0, 3).map((e) => attr(e, 'entityID')).join(', ')}${idps.length > 3 ? ', …' : ''}); choose one by its entityID.`,
      { idps: idps.map((e) => ({ entityId: attr(e, 'entityID') ?? '', displayName: displayNameOf(e, saml2Idp(e)) })) },
    );
  }
  throw invalid(describeNonIdp(entities.length === 1 ? entities[0]! : root, what));
}

function describeNonIdp(entity: Element, what: string): string {
  const scope = entity.localName === 'EntityDescriptor' ? [entity] : descendants(entity, NS.md, 'EntityDescriptor');
  const has = (name: string): boolean => scope.some((e) => childElements(e, NS.md, name).length > 0);
  if (has('IDPSSODescriptor')) {
    return `${what} has an IDPSSODescriptor, but not for SAML 2.0 (its protocolSupportEnumeration lacks ${SAML2_PROTOCOL}); this lab speaks SAML 2.0 only.`;
  }
  if (has('SPSSODescriptor')) {
    return `This is a service provider's metadata (SPSSODescriptor), not an IdP's: ${what.charAt(0).toLowerCase()}${what.slice(1)} has no IDPSSODescriptor. Import the metadata your IdP publishes.`;
  }
  return `The metadata has no IDPSSODescriptor, so it does not describe an identity provider.`;
}

function readIdp(entity: Element, aggregate: ParsedIdpMetadata['aggregate'], signature: MetadataSignature, now: Date | null): ParsedIdpMetadata {
  const entityId = attr(entity, 'entityID')?.trim();
  if (!entityId) throw invalid('The EntityDescriptor has no entityID attribute.');
  const idp = saml2Idp(entity)!;
  const warnings: MetadataWarning[] = [];

  const ssoServices = endpoints(idp, 'SingleSignOnService');
  if (ssoServices.length === 0) throw invalid('The IDPSSODescriptor lists no SingleSignOnService endpoint (Binding and Location), so no login can be sent to it.');
  const sloServices = uniqueBy(
    childElements(idp, NS.md, 'SingleLogoutService')
      .map((el) => ({ binding: attr(el, 'Binding')?.trim() ?? '', location: attr(el, 'Location')?.trim() ?? '', responseLocation: attr(el, 'ResponseLocation')?.trim() || null }))
      .filter((s) => s.binding && s.location),
    (s) => `${s.binding} ${s.location}`,
  );

  const certificates: MetadataCert[] = [];
  for (const kd of childElements(idp, NS.md, 'KeyDescriptor')) {
    const useAttr = attr(kd, 'use');
    const use = useAttr === 'signing' || useAttr === 'encryption' ? useAttr : 'any';
    for (const certEl of descendants(kd, NS.ds, 'X509Certificate')) {
      let base64 = certBase64(textOf(certEl) ?? '');
      if (!base64) continue;
      const inner = doubleEncodedPem(base64);
      if (inner) {
        base64 = inner;
        warnings.push({ code: 'cert-double-encoded', message: `A ${use} X509Certificate holds base64 of a PEM text instead of the DER; it was unwrapped. Some SPs will reject it: ask the IdP to publish the bare base64.` });
      }
      if (certificates.some((c) => c.base64 === base64 && c.use === use)) continue;
      const summary = summarizeCert(base64);
      if (!summary) {
        warnings.push({ code: 'cert-unreadable', message: `A ${use} KeyDescriptor holds an X509Certificate that is not a valid certificate; it was ignored.` });
        continue;
      }
      certificates.push({ base64, use, ...summary });
    }
  }
  if (!certificates.some((c) => c.use !== 'encryption')) {
    throw invalid('The IDPSSODescriptor has no signing certificate (a KeyDescriptor with a readable X509Certificate, use="signing" or no use), so no response could be verified.');
  }
  if (now) warnings.push(...certificateWarnings(certificates, now));

  const validUntil = attr(entity, 'validUntil') ?? (aggregate ? attr(entity.ownerDocument.documentElement, 'validUntil') : null);
  const cacheDuration = attr(entity, 'cacheDuration') ?? (aggregate ? attr(entity.ownerDocument.documentElement, 'cacheDuration') : null);
  if (now && validUntil) {
    const until = new Date(validUntil);
    if (!Number.isNaN(until.getTime()) && until.getTime() <= now.getTime()) {
      warnings.push({ code: 'metadata-expired', message: `The metadata was valid until ${until.toISOString()}; download a fresh copy from the IdP.` });
    }
  }
  if (signature.status === 'unverified') {
    warnings.push({ code: 'signature-unverified', message: 'The metadata is signed, but no trust certificate was given, so the signature was not checked.' });
  }

  const otherRoles = childElements(entity, NS.md)
    .filter((el) => el !== idp && /Descriptor$/.test(el.localName))
    .map((el) => {
      const type = el.getAttributeNS(XSI, 'type');
      return type ? `${el.localName} (${type})` : el.localName;
    });

  return {
    entityId,
    ssoServices,
    sloServices,
    certificates,
    nameIdFormats: [...new Set(childElements(idp, NS.md, 'NameIDFormat').map((el) => (textOf(el) ?? '').trim()).filter(Boolean))],
    wantAuthnRequestsSigned: attr(idp, 'WantAuthnRequestsSigned')?.trim() === 'true' || attr(idp, 'WantAuthnRequestsSigned')?.trim() === '1',
    displayName: displayNameOf(entity, idp),
    validUntil,
    cacheDuration,
    protocols: (attr(idp, 'protocolSupportEnumeration') ?? '').split(/\s+/).filter(Boolean),
    otherRoles,
    aggregate,
    signature,
    warnings,
  };
}

function endpoints(idp: Element, name: string): MetadataEndpoint[] {
  return uniqueBy(
    childElements(idp, NS.md, name)
      .map((el) => ({ binding: attr(el, 'Binding')?.trim() ?? '', location: attr(el, 'Location')?.trim() ?? '' }))
      .filter((s) => s.binding && s.location),
    (s) => `${s.binding} ${s.location}`,
  );
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** mdui:DisplayName of the IdP role (English first), else the Organization's display name. */
function displayNameOf(entity: Element, idp: Element | null): string | null {
  const pick = (els: Element[]): string | null => {
    const named = els.map((el) => ({ lang: el.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang') || attr(el, 'xml:lang'), text: (textOf(el) ?? '').trim() })).filter((n) => n.text);
    return (named.find((n) => n.lang?.toLowerCase().startsWith('en')) ?? named[0])?.text ?? null;
  };
  const extensions = idp ? firstChild(idp, NS.md, 'Extensions') : null;
  const uiInfo = extensions ? firstChild(extensions, MDUI, 'UIInfo') : null;
  const fromUi = uiInfo ? pick(childElements(uiInfo, MDUI, 'DisplayName')) : null;
  if (fromUi) return fromUi;
  const org = firstChild(entity, NS.md, 'Organization');
  return org ? pick(childElements(org, NS.md, 'OrganizationDisplayName')) : null;
}

/** When the base64 decodes to a PEM text (base64 of base64), the inner base64; else null. */
function doubleEncodedPem(base64: string): string | null {
  if (!base64.startsWith('LS0tLS1CRUdJTi')) return null;
  const text = Buffer.from(base64, 'base64').toString('latin1');
  return text.includes('-----BEGIN CERTIFICATE-----') ? certBase64(text) : null;
}

export function certificateWarnings(certs: MetadataCert[], now: Date): MetadataWarning[] {
  const out: MetadataWarning[] = [];
  const soon = now.getTime() + CERT_EXPIRY_WARNING_DAYS * 86_400_000;
  for (const c of certs) {
    const label = `The ${c.use === 'any' ? 'signing/encryption' : c.use} certificate ${c.subject || '(no subject)'} (SHA-256 ${c.fingerprintSha256.slice(0, 23)}…)`;
    const after = new Date(c.notAfter).getTime();
    const before = new Date(c.notBefore).getTime();
    if (after <= now.getTime()) {
      const advice = c.use === 'encryption' ? '' : ' Responses signed with it still verify here (the key is what counts), but if the IdP rotated keys, refresh the metadata.';
      out.push({ code: 'cert-expired', fingerprintSha256: c.fingerprintSha256, message: `${label} expired on ${c.notAfter}.${advice}` });
    } else if (after <= soon) {
      const days = Math.ceil((after - now.getTime()) / 86_400_000);
      out.push({ code: 'cert-expiring', fingerprintSha256: c.fingerprintSha256, message: `${label} expires on ${c.notAfter} (in ${days} day${days === 1 ? '' : 's'}). Expect a certificate rollover: refresh the metadata when the IdP publishes the new one.` });
    } else if (before > now.getTime()) {
      out.push({ code: 'cert-not-yet-valid', fingerprintSha256: c.fingerprintSha256, message: `${label} is valid only from ${c.notBefore} (a rollover certificate published ahead of time?).` });
    }
  }
  return out;
}

function publicSignature(s: MetadataSignature & { signedXml?: string | null }): MetadataSignature {
  const { signedXml: _signed, ...rest } = s;
  return rest;
}

function invalid(message: string): LabError {
  return new LabError('invalid-metadata', message);
}
