// SAML Single Logout messages as the demo IdP writes and reads them: LogoutRequest and LogoutResponse, over the
// HTTP-Redirect binding (deflated, query signature over the URL-encoded parts, SAML bindings 3.4.4.1) and the
// HTTP-POST binding (base64, enveloped signature placed after the Issuer, as the protocol schema orders it).
import { createSign, createVerify } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import type { KeyPair } from '../sp/keys.ts';
import { toPem } from '../util/cert.ts';
import { NS, attr, childElements, descendants, escapeXml, firstChild, parseXml, textOf } from '../util/xml.ts';

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  unknownPrincipal: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
} as const;

const SIG_ALGS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'RSA-SHA256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'RSA-SHA512',
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'RSA-SHA1',
};
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** Inflated messages larger than this are refused (a LogoutRequest is a few kB). */
const MAX_INFLATED = 256 * 1024;

export interface LogoutRequestSpec {
  id: string;
  issuer: string;
  destination: string;
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string | null;
  issueInstant: Date;
  notOnOrAfter: Date;
}

export function logoutRequestXml(s: LogoutRequestSpec): string {
  return (
    `<samlp:LogoutRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${escapeXml(s.id)}" Version="2.0" ` +
    `IssueInstant="${s.issueInstant.toISOString()}" Destination="${escapeXml(s.destination)}" NotOnOrAfter="${s.notOnOrAfter.toISOString()}">` +
    `<saml:Issuer>${escapeXml(s.issuer)}</saml:Issuer>` +
    `<saml:NameID Format="${escapeXml(s.nameIdFormat)}">${escapeXml(s.nameId)}</saml:NameID>` +
    (s.sessionIndex !== null ? `<samlp:SessionIndex>${escapeXml(s.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`
  );
}

export interface LogoutResponseSpec {
  id: string;
  inResponseTo: string;
  issuer: string;
  destination: string;
  issueInstant: Date;
  status: string;
  subStatus?: string | null;
  message?: string | null;
}

export function logoutResponseXml(s: LogoutResponseSpec): string {
  return (
    `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${escapeXml(s.id)}" Version="2.0" ` +
    `IssueInstant="${s.issueInstant.toISOString()}" Destination="${escapeXml(s.destination)}" InResponseTo="${escapeXml(s.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(s.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(s.status)}"` +
    (s.subStatus ? `><samlp:StatusCode Value="${escapeXml(s.subStatus)}"/></samlp:StatusCode>` : '/>') +
    (s.message ? `<samlp:StatusMessage>${escapeXml(s.message)}</samlp:StatusMessage>` : '') +
    `</samlp:Status></samlp:LogoutResponse>`
  );
}

export type MessageParam = 'SAMLRequest' | 'SAMLResponse';

/** The HTTP-Redirect URL carrying `xml`, signed with `keys` unless null. */
export function redirectUrl(location: string, param: MessageParam, xml: string, relayState: string | null, keys: KeyPair | null): string {
  const parts = [`${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`];
  if (relayState) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  if (keys) {
    parts.push(`SigAlg=${encodeURIComponent(RSA_SHA256)}`);
    const signature = createSign('RSA-SHA256').update(parts.join('&')).sign(keys.privateKeyPem, 'base64');
    parts.push(`Signature=${encodeURIComponent(signature)}`);
  }
  const url = new URL(location);
  return `${url.origin}${url.pathname}${url.search ? `${url.search}&` : '?'}${parts.join('&')}`;
}

/** `xml` with an enveloped RSA-SHA256 signature over its root, placed right after the root's Issuer. */
export function signEnveloped(xml: string, keys: KeyPair): string {
  const sig = new SignedXml({
    privateKey: keys.privateKeyPem,
    publicCert: keys.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: '/*',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' } });
  return sig.getSignedXml();
}

export type SignatureState = 'none' | 'valid' | 'invalid';

export interface ReceivedMessage {
  param: MessageParam;
  xml: string;
  relayState: string | null;
  binding: 'redirect' | 'post';
  signature: SignatureState;
  /** Why the signature is invalid, in words. */
  signatureProblem: string | null;
}

export class SloMessageError extends Error {}

/** Reads a Redirect-binding message from the raw (still URL-encoded) query, checking its query signature. */
export function readRedirect(rawQuery: string, certificatePem: string): ReceivedMessage {
  const raw = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && !raw.has(part.slice(0, eq))) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const param: MessageParam | null = raw.has('SAMLRequest') ? 'SAMLRequest' : raw.has('SAMLResponse') ? 'SAMLResponse' : null;
  if (!param) throw new SloMessageError('There is no SAMLRequest or SAMLResponse in the query.');
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(decodeURIComponent(raw.get(param)!), 'base64'), { maxOutputLength: MAX_INFLATED }).toString('utf8');
  } catch {
    throw new SloMessageError(`The ${param} is not deflated base64 of at most ${MAX_INFLATED / 1024} kB (HTTP-Redirect binding).`);
  }
  const relayState = raw.has('RelayState') ? safeDecode(raw.get('RelayState')!) : null;
  const signature = raw.get('Signature');
  const base = { param, xml, relayState, binding: 'redirect' as const };
  if (!signature) return { ...base, signature: 'none', signatureProblem: null };
  const sigAlg = safeDecode(raw.get('SigAlg') ?? '');
  const algorithm = SIG_ALGS[sigAlg];
  if (!algorithm) return { ...base, signature: 'invalid', signatureProblem: `unsupported SigAlg ${sigAlg || '(none)'}` };
  const signed = [param, 'RelayState', 'SigAlg'].filter((k) => raw.has(k)).map((k) => `${k}=${raw.get(k)}`).join('&');
  let ok = false;
  try {
    ok = createVerify(algorithm).update(signed).verify(toPem(certificatePem), safeDecode(signature), 'base64');
  } catch {
    ok = false;
  }
  return { ...base, signature: ok ? 'valid' : 'invalid', signatureProblem: ok ? null : 'the query signature does not verify with the SP certificate' };
}

/** Reads a POST-binding message (base64 XML), checking an enveloped signature over its root. */
export function readPost(form: URLSearchParams, certificatePem: string): ReceivedMessage {
  const param: MessageParam | null = form.has('SAMLRequest') ? 'SAMLRequest' : form.has('SAMLResponse') ? 'SAMLResponse' : null;
  if (!param) throw new SloMessageError('The form has no SAMLRequest or SAMLResponse.');
  const b64 = (form.get(param) ?? '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new SloMessageError(`The ${param} is not base64.`);
  const xml = Buffer.from(b64, 'base64').toString('utf8');
  const base = { param, xml, relayState: form.get('RelayState'), binding: 'post' as const };
  const doc = parseXml(xml);
  const root = doc.documentElement;
  const signatures = childElements(root, NS.ds, 'Signature');
  if (signatures.length === 0) return { ...base, signature: 'none', signatureProblem: null };
  if (signatures.length > 1 || descendants(doc, NS.ds, 'Signature').length > 1) return { ...base, signature: 'invalid', signatureProblem: 'more than one signature' };
  const id = attr(root, 'ID');
  const verifier = new SignedXml({ publicCert: toPem(certificatePem), getCertFromKeyInfo: () => null });
  try {
    verifier.loadSignature(signatures[0]!);
    if (!verifier.checkSignature(xml)) return { ...base, signature: 'invalid', signatureProblem: 'the signature does not verify with the SP certificate' };
  } catch (error) {
    return { ...base, signature: 'invalid', signatureProblem: error instanceof Error ? error.message.split('\n')[0]! : 'unverifiable signature' };
  }
  // The one reference must be the root itself, by its ID, and that ID must be unique: nothing else was signed.
  const refs = verifier.getReferences();
  const idCount = (xml.match(new RegExp(`\\bID="${(id ?? '').replace(/[^A-Za-z0-9_.-]/g, '')}"`, 'g')) ?? []).length;
  if (!id || refs.length !== 1 || refs[0]!.uri !== `#${id}` || idCount !== 1) return { ...base, signature: 'invalid', signatureProblem: 'the signature does not cover the message root' };
  return { ...base, signature: 'valid', signatureProblem: null };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

export interface ParsedLogoutRequest {
  id: string;
  issuer: string | null;
  destination: string | null;
  issueInstant: string | null;
  notOnOrAfter: string | null;
  nameId: string | null;
  nameIdFormat: string | null;
  sessionIndexes: string[];
}

export function parseLogoutRequest(xml: string): ParsedLogoutRequest {
  const root = parseXml(xml).documentElement;
  if (root.namespaceURI !== NS.samlp || root.localName !== 'LogoutRequest') throw new SloMessageError(`Expected a samlp:LogoutRequest, got ${root.localName}.`);
  const id = attr(root, 'ID');
  if (!id) throw new SloMessageError('The LogoutRequest has no ID.');
  const nameId = firstChild(root, NS.saml, 'NameID');
  return {
    id,
    issuer: textOf(firstChild(root, NS.saml, 'Issuer'))?.trim() ?? null,
    destination: attr(root, 'Destination'),
    issueInstant: attr(root, 'IssueInstant'),
    notOnOrAfter: attr(root, 'NotOnOrAfter'),
    nameId: textOf(nameId)?.trim() ?? null,
    nameIdFormat: attr(nameId, 'Format'),
    sessionIndexes: childElements(root, NS.samlp, 'SessionIndex').map((e) => (textOf(e) ?? '').trim()),
  };
}

export interface ParsedLogoutResponse {
  id: string;
  inResponseTo: string | null;
  issuer: string | null;
  destination: string | null;
  status: string | null;
  subStatus: string | null;
  message: string | null;
}

export function parseLogoutResponse(xml: string): ParsedLogoutResponse {
  const root = parseXml(xml).documentElement;
  if (root.namespaceURI !== NS.samlp || root.localName !== 'LogoutResponse') throw new SloMessageError(`Expected a samlp:LogoutResponse, got ${root.localName}.`);
  const status = firstChild(root, NS.samlp, 'Status');
  const top = status ? firstChild(status, NS.samlp, 'StatusCode') : null;
  const sub = top ? firstChild(top, NS.samlp, 'StatusCode') : null;
  return {
    id: attr(root, 'ID') ?? '',
    inResponseTo: attr(root, 'InResponseTo'),
    issuer: textOf(firstChild(root, NS.saml, 'Issuer'))?.trim() ?? null,
    destination: attr(root, 'Destination'),
    status: attr(top, 'Value'),
    subStatus: attr(sub, 'Value'),
    message: textOf(status ? firstChild(status, NS.samlp, 'StatusMessage') : null)?.trim() ?? null,
  };
}
