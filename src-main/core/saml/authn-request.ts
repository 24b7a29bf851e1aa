// SP-initiated login: the AuthnRequest, over HTTP-Redirect (deflated, in the query, signed with a query signature
// when asked) or HTTP-POST (an auto-submitting form, signed with an enveloped XML signature when asked), with
// NameIDPolicy, ForceAuthn, RequestedAuthnContext and RelayState as the person set them.
import { createSign, createVerify } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { newSamlId } from '../demo-idp/response-builder.ts';
import { certBase64 } from '../util/cert.ts';
import { NS, attr, childElements, descendants, escapeXml as esc, firstChild, parseXml, textOf } from '../util/xml.ts';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

export interface AuthnRequestSpec {
  spEntityId: string;
  acsUrl: string;
  ssoUrl: string;
  binding: 'redirect' | 'post';
  nameIdFormat: string | null;
  forceAuthn?: boolean;
  authnContextClassRefs?: string[];
  authnContextComparison?: 'exact' | 'minimum' | 'maximum' | 'better';
  relayState?: string | null;
  /** Signs the request with this SP key (and names its certificate in KeyInfo for the POST binding). */
  signWith?: { privateKeyPem: string; certificatePem: string } | null;
  now: Date;
}

export type LoginStart =
  | { id: string; binding: 'redirect'; url: string }
  | { id: string; binding: 'post'; url: string; fields: Record<string, string> };

export function authnRequestXml(spec: AuthnRequestSpec, id: string): string {
  const refs = spec.authnContextClassRefs ?? [];
  return (
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" ` +
    `IssueInstant="${spec.now.toISOString()}" Destination="${esc(spec.ssoUrl)}"${spec.forceAuthn ? ' ForceAuthn="true"' : ''} ` +
    `ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" AssertionConsumerServiceURL="${esc(spec.acsUrl)}">` +
    `<saml:Issuer>${esc(spec.spEntityId)}</saml:Issuer>` +
    `<samlp:NameIDPolicy${spec.nameIdFormat ? ` Format="${esc(spec.nameIdFormat)}"` : ''} AllowCreate="true"/>` +
    (refs.length > 0
      ? `<samlp:RequestedAuthnContext Comparison="${spec.authnContextComparison ?? 'exact'}">${refs.map((r) => `<saml:AuthnContextClassRef>${esc(r)}</saml:AuthnContextClassRef>`).join('')}</samlp:RequestedAuthnContext>`
      : '') +
    `</samlp:AuthnRequest>`
  );
}

export function buildLogin(spec: AuthnRequestSpec): LoginStart {
  const id = newSamlId();
  const xml = authnRequestXml(spec, id);
  if (spec.binding === 'post') {
    const body = spec.signWith ? signEnveloped(xml, id, spec.signWith) : xml;
    const fields: Record<string, string> = { SAMLRequest: Buffer.from(body, 'utf8').toString('base64') };
    if (spec.relayState) fields.RelayState = spec.relayState;
    return { id, binding: 'post', url: spec.ssoUrl, fields };
  }
  // HTTP-Redirect: the signature covers the exact URL-encoded query parts, in this order (SAML bindings 3.4.4.1), and
  // exactly these bytes are sent.
  const parts = [`SAMLRequest=${queryEncode(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`];
  if (spec.relayState) parts.push(`RelayState=${queryEncode(spec.relayState)}`);
  if (spec.signWith) {
    parts.push(`SigAlg=${queryEncode(RSA_SHA256)}`);
    const signature = createSign('RSA-SHA256').update(parts.join('&')).sign(spec.signWith.privateKeyPem, 'base64');
    parts.push(`Signature=${queryEncode(signature)}`);
  }
  const url = new URL(spec.ssoUrl);
  const query = parts.join('&');
  return { id, binding: 'redirect', url: `${url.origin}${url.pathname}${url.search ? `${url.search}&` : '?'}${query}` };
}

/**
 * URL-encodes a query value the way IdPs that re-encode the query before checking its signature do: pysaml2 (SATOSA
 * and others) parses the query, then rebuilds the signed string with Python's urlencode (quote_plus), which encodes
 * every byte but A-Z a-z 0-9 _ . - ~ and writes a space as "+". encodeURIComponent leaves ! ' ( ) * bare and writes a
 * space as %20, so a RelayState with those characters fails there. This encoding is a fixed point of both decoders
 * (form decoding reads "+" as a space), so the signed bytes survive re-encoding.
 */
export function queryEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function signEnveloped(xml: string, id: string, keys: { privateKeyPem: string; certificatePem: string }): string {
  const sig = new SignedXml({ privateKey: keys.privateKeyPem, publicCert: keys.certificatePem });
  sig.signatureAlgorithm = RSA_SHA256;
  sig.canonicalizationAlgorithm = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  sig.addReference({
    xpath: `/*[local-name(.)='AuthnRequest' and @ID='${id}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.getKeyInfoContent = () => `<ds:X509Data><ds:X509Certificate>${certBase64(keys.certificatePem)}</ds:X509Certificate></ds:X509Data>`;
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `/*[local-name(.)='AuthnRequest']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

export interface ParsedAuthnRequest {
  id: string;
  issuer: string | null;
  acsUrl: string | null;
  nameIdFormat: string | null;
  forceAuthn: boolean;
  authnContextClassRefs: string[];
  /** 'none' when unsigned; 'valid' / 'invalid' when a signature was checked with `spCertificatePem`. */
  signature: 'none' | 'valid' | 'invalid' | 'unchecked';
}

/** Reads a Redirect-binding request from the raw (still URL-encoded) query string, checking its query signature. */
export function parseRedirectAuthnRequest(rawQuery: string, spCertificatePem?: string): ParsedAuthnRequest {
  const raw = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const samlRequest = raw.get('SAMLRequest');
  if (!samlRequest) throw new Error('There is no SAMLRequest in the query.');
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(decodeURIComponent(samlRequest), 'base64'), { maxOutputLength: 1_000_000 }).toString('utf8');
  } catch {
    throw new Error('The SAMLRequest is not deflated base64 (HTTP-Redirect binding).');
  }
  const parsed = readRequest(xml);
  const signature = raw.get('Signature');
  if (!signature) return { ...parsed, signature: 'none' };
  if (!spCertificatePem) return { ...parsed, signature: 'unchecked' };
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => raw.has(k)).map((k) => `${k}=${raw.get(k)}`).join('&');
  const ok = decodeURIComponent(raw.get('SigAlg') ?? '') === RSA_SHA256 &&
    createVerify('RSA-SHA256').update(signed).verify(toPem(spCertificatePem), decodeURIComponent(signature), 'base64');
  return { ...parsed, signature: ok ? 'valid' : 'invalid' };
}

/** Reads a POST-binding request (base64 XML), checking its enveloped signature when there is one. */
export function parsePostAuthnRequest(samlRequest: string, spCertificatePem?: string): ParsedAuthnRequest {
  const xml = Buffer.from(samlRequest.replace(/\s+/g, ''), 'base64').toString('utf8');
  const parsed = readRequest(xml);
  const root = parseXml(xml).documentElement;
  const sigEl = childElements(root, NS.ds, 'Signature')[0];
  if (!sigEl) return { ...parsed, signature: 'none' };
  if (!spCertificatePem) return { ...parsed, signature: 'unchecked' };
  const verifier = new SignedXml({ publicCert: toPem(spCertificatePem), getCertFromKeyInfo: () => null });
  try {
    verifier.loadSignature(sigEl);
    return { ...parsed, signature: verifier.checkSignature(xml) ? 'valid' : 'invalid' };
  } catch {
    return { ...parsed, signature: 'invalid' };
  }
}

function readRequest(xml: string): Omit<ParsedAuthnRequest, 'signature'> {
  const root = parseXml(xml).documentElement;
  if (root.namespaceURI !== NS.samlp || root.localName !== 'AuthnRequest') throw new Error('The SAMLRequest is not an AuthnRequest.');
  const id = attr(root, 'ID');
  if (!id) throw new Error('The AuthnRequest has no ID.');
  const policy = firstChild(root, NS.samlp, 'NameIDPolicy');
  const requested = firstChild(root, NS.samlp, 'RequestedAuthnContext');
  return {
    id,
    issuer: textOf(firstChild(root, NS.saml, 'Issuer'))?.trim() ?? null,
    acsUrl: attr(root, 'AssertionConsumerServiceURL'),
    nameIdFormat: attr(policy, 'Format'),
    forceAuthn: attr(root, 'ForceAuthn') === 'true',
    authnContextClassRefs: requested ? descendants(requested, NS.saml, 'AuthnContextClassRef').map((e) => (textOf(e) ?? '').trim()) : [],
  };
}

function toPem(pem: string): string {
  return `-----BEGIN CERTIFICATE-----\n${certBase64(pem).match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}
