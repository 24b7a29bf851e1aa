// What the lab IdP checks in an SP's AuthnRequest, returned like a login's checks (id, title, status, expected,
// received, hint): the binding, the issuer (a registered SP), the ACS URL it asks for (only the SP's own: an IdP
// that posts to any URL a request names leaks logins), the signature (verified with the SP's metadata key), the
// Destination and the request's age.
import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { Check } from '../../contract/common.ts';
import type { RegisteredSp } from '../../contract/sp-test.ts';
import { parsePostAuthnRequest, parseRedirectAuthnRequest, type ParsedAuthnRequest } from '../saml/authn-request.ts';
import { toPem } from '../util/cert.ts';
import { attr, parseXml } from '../util/xml.ts';

export type RequestBinding = { binding: 'redirect'; rawQuery: string } | { binding: 'post'; samlRequest: string; relayState: string | null };

export interface RequestAnalysis {
  request: ParsedAuthnRequest | null;
  sp: RegisteredSp | null;
  relayState: string | null;
  checks: Check[];
  /** False when a check failed: the IdP answers with an error page, not a login. */
  ok: boolean;
  /** Where the response goes: the requested ACS URL when it is one of the SP's, else the SP's default. */
  acsUrl: string | null;
}

const SKEW_MS = 180_000;
const MAX_AGE_MS = 10 * 60_000;

export function analyzeAuthnRequest(input: RequestBinding, sps: readonly RegisteredSp[], ssoUrl: string, now: Date): RequestAnalysis {
  const checks: Check[] = [];
  const add = (id: string, title: string, status: Check['status'], expected: string | null, received: string | null, hint: string | null): void => {
    checks.push({ id, title, status, expected, received, hint });
  };
  const relayState = input.binding === 'redirect' ? rawParam(input.rawQuery, 'RelayState') : input.relayState;
  add('request.binding', 'The request came by a SAML binding', 'pass', 'HTTP-Redirect or HTTP-POST', input.binding === 'redirect' ? 'HTTP-Redirect' : 'HTTP-POST', null);

  // node-saml deflates POST-binding requests too (unless skipRequestCompression); take them, with a warning.
  let deflatedPost = false;
  if (input.binding === 'post') {
    const inflated = inflatedPost(input.samlRequest);
    if (inflated !== null) {
      deflatedPost = true;
      input = { ...input, samlRequest: Buffer.from(inflated, 'utf8').toString('base64') };
    }
  }
  // Parse once without a key to learn the issuer, then verify with the issuer's keys.
  let unsigned: ParsedAuthnRequest;
  let xml: string;
  try {
    xml = requestXml(input);
    unsigned = input.binding === 'redirect' ? parseRedirectAuthnRequest(input.rawQuery) : parsePostAuthnRequest(input.samlRequest);
  } catch (error) {
    add('request.decode', 'The SAMLRequest is a readable AuthnRequest', 'fail', 'a deflated (Redirect) or base64 (POST) AuthnRequest', error instanceof Error ? error.message : String(error), 'Send an AuthnRequest as the SAML bindings say: deflate + base64 + URL-encode for HTTP-Redirect, base64 in a form field for HTTP-POST.');
    return { request: null, sp: null, relayState, checks, ok: false, acsUrl: null };
  }
  add('request.decode', 'The SAMLRequest is a readable AuthnRequest', deflatedPost ? 'warn' : 'pass', input.binding === 'post' ? 'a base64 AuthnRequest (HTTP-POST: not deflated)' : 'an AuthnRequest', `AuthnRequest ${unsigned.id}${deflatedPost ? ', deflated' : ''}`,
    deflatedPost ? 'The HTTP-POST binding carries the request base64-encoded, not deflated; some IdPs refuse it (node-saml: skipRequestCompression: true).' : null);

  const sp = sps.find((s) => s.entityId === unsigned.issuer) ?? null;
  add('request.issuer', 'The request comes from a registered SP', sp ? 'pass' : 'fail', sps.length ? sps.map((s) => s.entityId).join(' | ') : 'a registered SP', unsigned.issuer ?? 'no Issuer',
    sp ? null : 'Register the SP in the lab (its metadata, or entity ID and ACS URL), or make the SP send its entity ID as the Issuer.');

  let request = unsigned;
  if (sp) {
    let signature: ParsedAuthnRequest['signature'] = unsigned.signature;
    let algorithm: string | null = null;
    if (unsigned.signature !== 'none' && sp.signingCertificates.length > 0) {
      if (input.binding === 'redirect') {
        ({ signature, algorithm } = verifyRedirectSignature(input.rawQuery, sp.signingCertificates));
      } else {
        signature = sp.signingCertificates.some((cert) => parsePostAuthnRequest(input.samlRequest, cert).signature === 'valid') ? 'valid' : 'invalid';
      }
    }
    request = { ...unsigned, signature };
    const required = sp.authnRequestsSigned;
    const sha1 = signature === 'valid' && algorithm === RSA_SHA1;
    const status: Check['status'] =
      signature === 'invalid' ? 'fail' : signature === 'valid' ? (sha1 ? 'warn' : 'pass') : signature === 'none' ? (required ? 'fail' : 'pass') : 'warn';
    add('request.signature', 'The request signature verifies with the SP metadata key', status,
      required ? 'a signature by the SP key (AuthnRequestsSigned="true")' : sp.signingCertificates.length ? 'no signature, or a valid one' : 'no signature (the SP metadata has no signing key)',
      signature === 'valid' ? `signed, verified${sha1 ? ' (RSA-SHA1)' : ''}` : signature === 'invalid' ? `signed, does not verify with a key of the SP metadata${algorithm && !ALGORITHMS[algorithm] ? ` (unsupported SigAlg ${algorithm})` : ''}` : signature === 'none' ? 'unsigned' : 'signed, but the SP metadata has no key to check it',
      status === 'pass' ? null : sha1 ? 'Sign AuthnRequests with RSA-SHA256 (node-saml: signatureAlgorithm "sha256"); SHA-1 is deprecated.' : signature === 'unchecked' ? "Import the SP's metadata with its signing KeyDescriptor so the signature can be checked." : 'Sign AuthnRequests with the key whose certificate is in the SP metadata (RSA-SHA256), or fix the metadata.');

    const requested = unsigned.acsUrl;
    const known = requested === null || sp.acsUrls.includes(requested);
    add('request.acs-url', 'The requested ACS URL is one of the SP\'s', known ? 'pass' : 'fail', sp.acsUrls.join(' | '), requested ?? '(none: the default ACS)',
      known ? null : 'The IdP only sends logins to the ACS URLs of the SP metadata. Add this URL to the SP metadata and re-register it, or fix the SP\'s callback URL.');
  }

  const root = parseXml(xml).documentElement;
  const destination = attr(root, 'Destination');
  const destOk = destination === null ? !(request.signature === 'valid' || request.signature === 'invalid') : sameUrl(destination, ssoUrl);
  add('request.destination', 'The request is addressed to this IdP', destOk ? (destination === null ? 'warn' : 'pass') : 'fail', ssoUrl, destination ?? 'no Destination',
    destOk ? (destination === null ? 'Set Destination to the IdP SSO URL (required on signed requests).' : null) : "Configure the SP with the lab IdP's SSO URL from its metadata.");

  const issued = Date.parse(attr(root, 'IssueInstant') ?? '');
  const age = now.getTime() - issued;
  const fresh = Number.isFinite(issued) && age > -SKEW_MS && age < MAX_AGE_MS;
  add('request.issue-instant', 'The request is fresh', fresh ? 'pass' : 'warn', `issued within the last ${MAX_AGE_MS / 60_000} minutes (±${SKEW_MS / 1000} s)`, attr(root, 'IssueInstant') ?? 'no IssueInstant',
    fresh ? null : "Check the SP's clock, and that it builds a new request for every login.");

  const ok = !checks.some((c) => c.status === 'fail');
  const acsUrl = sp ? (request.acsUrl && sp.acsUrls.includes(request.acsUrl) ? request.acsUrl : sp.acsUrl) : null;
  return { request, sp, relayState, checks, ok, acsUrl };
}

const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const ALGORITHMS: Record<string, string> = {
  [RSA_SHA1]: 'RSA-SHA1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'RSA-SHA256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'RSA-SHA512',
};

/** HTTP-Redirect query signature (SAML bindings 3.4.4.1): over the raw, still URL-encoded `SAMLRequest=…&RelayState=…&SigAlg=…`. */
function verifyRedirectSignature(rawQuery: string, certificates: readonly string[]): { signature: 'valid' | 'invalid'; algorithm: string | null } {
  const raw = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && !raw.has(part.slice(0, eq))) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const algorithm = rawParam(rawQuery, 'SigAlg');
  const signatureB64 = rawParam(rawQuery, 'Signature', false);
  const hash = algorithm ? ALGORITHMS[algorithm] : undefined;
  if (!hash || !signatureB64) return { signature: 'invalid', algorithm };
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => raw.has(k)).map((k) => `${k}=${raw.get(k)}`).join('&');
  const ok = certificates.some((cert) => {
    try {
      return createVerify(hash).update(signed).verify(toPem(cert), signatureB64, 'base64');
    } catch {
      return false;
    }
  });
  return { signature: ok ? 'valid' : 'invalid', algorithm };
}

/** The XML of a deflated POST SAMLRequest, or null when it is plain base64 (as the binding says). */
function inflatedPost(samlRequest: string): string | null {
  const bytes = Buffer.from(samlRequest.replace(/\s+/g, ''), 'base64');
  if (bytes.toString('utf8').trimStart().startsWith('<')) return null;
  try {
    const xml = inflateRawSync(bytes, { maxOutputLength: 1_000_000 }).toString('utf8');
    return xml.trimStart().startsWith('<') ? xml : null;
  } catch {
    return null;
  }
}

function requestXml(input: RequestBinding): string {
  if (input.binding === 'post') return Buffer.from(input.samlRequest.replace(/\s+/g, ''), 'base64').toString('utf8');
  const raw = rawParam(input.rawQuery, 'SAMLRequest', false) ?? '';
  return inflateRawSync(Buffer.from(raw, 'base64'), { maxOutputLength: 1_000_000 }).toString('utf8');
}

/** A query parameter, decoded (form encoding: '+' is a space). */
function rawParam(rawQuery: string, name: string, plusIsSpace = true): string | null {
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === name) {
      try {
        const value = part.slice(eq + 1);
        return decodeURIComponent(plusIsSpace ? value.replace(/\+/g, ' ') : value);
      } catch {
        return null;
      }
    }
  }
  return null;
}

function sameUrl(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return a === b;
  }
}
