// Single Logout messages as the lab's SP writes and reads them. Writing: a LogoutRequest naming the session (NameID
// with its Format and qualifiers, SessionIndex) and the LogoutResponse to an IdP's request; the enveloped signature
// and the response XML are the demo IdP's (demo-idp/slo-messages.ts, protocol-generic), the Redirect query is built
// with the AuthnRequest's encoding (saml/authn-request.ts queryEncode). Reading: decoding bounded by size, DOCTYPE
// refused (util/xml.ts), and signatures verified against the keys of the IdP's metadata only — never KeyInfo.
//   Redirect: the query signature over the raw, still URL-encoded parts SAMLRequest|SAMLResponse, RelayState,
//             SigAlg, in that order (SAML bindings 3.4.4.1).
//   POST:     exactly one enveloped ds:Signature, a child of the root, whose one Reference is the root by its ID,
//             an ID no other element carries (so the values read from the root are the values signed).
import { createSign, createVerify } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import type { MetadataCert } from '../idp/metadata.ts';
import { queryEncode } from '../saml/authn-request.ts';
import type { KeyPair } from '../sp/keys.ts';
import { toPem } from '../util/cert.ts';
import { NS, allElements, attr, childElements, descendants, escapeXml, parseXml } from '../util/xml.ts';

export { STATUS, logoutResponseXml, parseLogoutRequest, parseLogoutResponse, signEnveloped } from '../demo-idp/slo-messages.ts';

export type SloBinding = 'redirect' | 'post';
export type MessageParam = 'SAMLRequest' | 'SAMLResponse';

/** Inflated or decoded messages larger than this are refused (a logout message is a few kB). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SIG_ALGS: Record<string, string> = {
  [RSA_SHA256]: 'RSA-SHA256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'RSA-SHA512',
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'RSA-SHA1',
};

export interface LogoutRequestSpec {
  id: string;
  issuer: string;
  destination: string;
  issueInstant: Date;
  notOnOrAfter: Date;
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
}

export function logoutRequestXml(s: LogoutRequestSpec): string {
  const q = (name: string, value: string | null): string => (value !== null ? ` ${name}="${escapeXml(value)}"` : '');
  return (
    `<samlp:LogoutRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${escapeXml(s.id)}" Version="2.0" ` +
    `IssueInstant="${s.issueInstant.toISOString()}" Destination="${escapeXml(s.destination)}" NotOnOrAfter="${s.notOnOrAfter.toISOString()}">` +
    `<saml:Issuer>${escapeXml(s.issuer)}</saml:Issuer>` +
    `<saml:NameID${q('NameQualifier', s.nameQualifier)}${q('SPNameQualifier', s.spNameQualifier)}${q('Format', s.nameIdFormat)}>${escapeXml(s.nameId)}</saml:NameID>` +
    (s.sessionIndex !== null ? `<samlp:SessionIndex>${escapeXml(s.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`
  );
}

/** The HTTP-Redirect URL carrying `xml`, with a query signature (RSA-SHA256) by `keys`. */
export function signedRedirectUrl(location: string, param: MessageParam, xml: string, relayState: string | null, keys: KeyPair): string {
  const parts = [`${param}=${queryEncode(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`];
  if (relayState) parts.push(`RelayState=${queryEncode(relayState)}`);
  parts.push(`SigAlg=${queryEncode(RSA_SHA256)}`);
  const signature = createSign('RSA-SHA256').update(parts.join('&')).sign(keys.privateKeyPem, 'base64');
  parts.push(`Signature=${queryEncode(signature)}`);
  const url = new URL(location);
  return `${url.origin}${url.pathname}${url.search ? `${url.search}&` : '?'}${parts.join('&')}`;
}

export class SloDecodeError extends Error {}

export interface ReceivedSloMessage {
  param: MessageParam;
  binding: SloBinding;
  xml: string;
  relayState: string | null;
  /** Redirect: the raw query parts by name (for the query signature). */
  rawQuery: Map<string, string> | null;
}

function rawParts(rawQuery: string): Map<string, string> {
  const raw = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    // The first occurrence counts; a second SAMLRequest cannot slip past the signature.
    if (eq > 0 && !raw.has(part.slice(0, eq))) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return raw;
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new SloDecodeError('A query parameter is not valid URL encoding.');
  }
}

/** Reads a Redirect-binding message from the raw query. Throws SloDecodeError with a sentence when it cannot. */
export function decodeRedirect(rawQuery: string): ReceivedSloMessage {
  const raw = rawParts(rawQuery);
  const param: MessageParam | null = raw.has('SAMLRequest') ? 'SAMLRequest' : raw.has('SAMLResponse') ? 'SAMLResponse' : null;
  if (!param) throw new SloDecodeError('There is no SAMLRequest or SAMLResponse in the query.');
  const b64 = formDecode(raw.get(param)!).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new SloDecodeError(`The ${param} is not base64.`);
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(inflateRawSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_MESSAGE_BYTES }));
  } catch {
    throw new SloDecodeError(`The ${param} is not deflated UTF-8 of at most ${MAX_MESSAGE_BYTES / 1024} kB (HTTP-Redirect binding).`);
  }
  return { param, binding: 'redirect', xml, relayState: raw.has('RelayState') ? formDecode(raw.get('RelayState')!) : null, rawQuery: raw };
}

/** Reads a POST-binding message (base64 XML) from a parsed form. */
export function decodePost(form: URLSearchParams): ReceivedSloMessage {
  const param: MessageParam | null = form.has('SAMLRequest') ? 'SAMLRequest' : form.has('SAMLResponse') ? 'SAMLResponse' : null;
  if (!param) throw new SloDecodeError('The form has no SAMLRequest or SAMLResponse field.');
  const b64 = (form.get(param) ?? '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new SloDecodeError(`The ${param} is not base64.`);
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    throw new SloDecodeError(`The ${param} is not UTF-8.`);
  }
  return { param, binding: 'post', xml, relayState: form.get('RelayState'), rawQuery: null };
}

export interface SignatureOutcome {
  state: 'none' | 'valid' | 'invalid';
  /** In words: which key verified it (fingerprint), or why it does not verify. */
  detail: string;
  algorithm: string | null;
}

const short = (fp: string): string => fp.slice(0, 23);

/** Checks the message's signature (query or XML, by binding) with the IdP's metadata keys only. */
export function verifySignature(message: ReceivedSloMessage, certs: readonly MetadataCert[]): SignatureOutcome {
  const keys = certs.filter((c) => c.use !== 'encryption');
  return message.binding === 'redirect' ? verifyQuery(message, keys) : verifyXml(message.xml, keys);
}

function verifyQuery(message: ReceivedSloMessage, keys: readonly MetadataCert[]): SignatureOutcome {
  const raw = message.rawQuery!;
  const signature = raw.get('Signature');
  if (!signature) {
    if (/<(\w+:)?Signature[\s>]/.test(message.xml)) return { state: 'invalid', detail: 'an XML signature inside a Redirect-binding message (the binding signs the query: SigAlg and Signature parameters)', algorithm: null };
    return { state: 'none', detail: 'no Signature query parameter', algorithm: null };
  }
  let sigAlg: string;
  let sigValue: string;
  try {
    sigAlg = formDecode(raw.get('SigAlg') ?? '');
    sigValue = formDecode(signature);
  } catch {
    return { state: 'invalid', detail: 'SigAlg or Signature is not valid URL encoding', algorithm: null };
  }
  const algorithm = SIG_ALGS[sigAlg];
  if (!algorithm) return { state: 'invalid', detail: `unsupported SigAlg ${sigAlg || '(none)'}`, algorithm: sigAlg || null };
  const signed = [message.param, 'RelayState', 'SigAlg'].filter((k) => raw.has(k)).map((k) => `${k}=${raw.get(k)}`).join('&');
  for (const cert of keys) {
    try {
      if (createVerify(algorithm).update(signed).verify(toPem(cert.base64), sigValue, 'base64')) return { state: 'valid', detail: `query signature (${sigAlg.split('#')[1]}) verified with the metadata key ${short(cert.fingerprintSha256)}…`, algorithm: sigAlg };
    } catch {
      // an unreadable certificate verifies nothing; try the next one
    }
  }
  return { state: 'invalid', detail: `the query signature does not verify with any of the ${keys.length} signing key(s) in the IdP metadata`, algorithm: sigAlg };
}

function verifyXml(xml: string, keys: readonly MetadataCert[]): SignatureOutcome {
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch {
    return { state: 'invalid', detail: 'the message is not well-formed XML', algorithm: null };
  }
  const root = doc.documentElement;
  const all = descendants(doc, NS.ds, 'Signature');
  if (all.length === 0) return { state: 'none', detail: 'no ds:Signature in the message', algorithm: null };
  const own = childElements(root, NS.ds, 'Signature');
  if (own.length !== 1 || all.length !== 1) return { state: 'invalid', detail: `expected one ds:Signature as a child of the root, found ${all.length} (${own.length} on the root)`, algorithm: null };
  const id = attr(root, 'ID');
  if (!id) return { state: 'invalid', detail: 'the root has no ID for the signature to reference', algorithm: null };
  if (allElements(doc).filter((e) => attr(e, 'ID') === id).length !== 1) return { state: 'invalid', detail: `the ID ${id} is carried by more than one element`, algorithm: null };
  let lastProblem = 'it does not verify';
  let algorithm: string | null = null;
  for (const cert of keys) {
    const verifier = new SignedXml({ publicCert: toPem(cert.base64), getCertFromKeyInfo: () => null });
    try {
      verifier.loadSignature(own[0]!);
      algorithm = verifier.signatureAlgorithm ?? null;
      if (!verifier.checkSignature(xml)) continue;
    } catch (error) {
      lastProblem = error instanceof Error ? (error.message.split('\n')[0] ?? lastProblem) : lastProblem;
      continue;
    }
    const refs = verifier.getReferences();
    if (refs.length !== 1 || refs[0]!.uri !== `#${id}`) return { state: 'invalid', detail: 'the signature does not reference the message root (and only it)', algorithm };
    return { state: 'valid', detail: `XML signature verified with the metadata key ${short(cert.fingerprintSha256)}…`, algorithm };
  }
  return { state: 'invalid', detail: `the XML signature does not verify with any of the ${keys.length} signing key(s) in the IdP metadata (${lastProblem})`, algorithm };
}
