// The verification engine: a verdict and a list of checks, as data. Never throws on bad input.
import type { Attribute, Check, Verdict } from '../../contract/index.ts';
import { NS, attr, descendants, firstChild, textOf } from '../util/xml.ts';
import { analyzeResponse } from './analyze-response.ts';
import { parseInstant, runChecks } from './checks/check.ts';
import { CHECKS } from './checks/index.ts';
import type { TrustedIdp, VerifyInput } from './context.ts';

export interface VerifyResult {
  verdict: Verdict;
  checks: Check[];
  /** The decoded XML, for the inspector; null when the input did not decode. */
  xml: string | null;
  /** The response with its encrypted assertion decrypted in place (null when nothing was decrypted). */
  decryptedXml: string | null;
  idp: TrustedIdp | null;
  issuer: string | null;
  nameId: string | null;
  /** The NameID as posted, unverified (display only). */
  claimedNameId: string | null;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  /** NameQualifier / SPNameQualifier of the signed NameID and SessionNotOnOrAfter of its AuthnStatement (Single Logout). */
  nameQualifiers: { nameQualifier: string | null; spNameQualifier: string | null; sessionNotOnOrAfter: string | null };
  assertionId: string | null;
  /** Until when the assertion could be replayed (for the replay cache). */
  assertionExpiresAt: Date | null;
  inResponseTo: string | null;
  /** Read from the signed assertion only. */
  attributes: Attribute[];
}

export function verifyResponse(input: VerifyInput): VerifyResult {
  const ctx = analyzeResponse(input);
  const checks = runChecks(CHECKS, ctx);
  const verdict: Verdict = checks.some((c) => c.status === 'fail') || !ctx.assertion ? 'rejected' : 'accepted';
  const a = ctx.assertion;
  const subject = a ? firstChild(a, NS.saml, 'Subject') : null;
  const nameIdEl = subject ? firstChild(subject, NS.saml, 'NameID') : null;
  const authn = a ? firstChild(a, NS.saml, 'AuthnStatement') : null;
  const conditions = a ? firstChild(a, NS.saml, 'Conditions') : null;
  const confirmationLimits = subject
    ? descendants(subject, NS.saml, 'SubjectConfirmationData').map((d) => parseInstant(attr(d, 'NotOnOrAfter')))
    : [];
  const limits = [parseInstant(attr(conditions, 'NotOnOrAfter')), ...confirmationLimits].filter((d): d is Date => d !== null);
  return {
    verdict,
    checks,
    xml: ctx.decoded.ok ? ctx.decoded.value : null,
    decryptedXml: ctx.decryptedXml,
    idp: ctx.idp,
    issuer: ctx.responseIssuer,
    // Only XML whitespace is formatting: trim() would also strip NBSP, BOM, U+3000, U+2028… and merge look-alike
    // NameIDs into an existing account before the JIT rules can see them (core/jit/identity.ts).
    nameId: textOf(nameIdEl)?.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') ?? null,
    claimedNameId: textOf(ctx.postedAssertion ? descendants(ctx.postedAssertion, NS.saml, 'NameID')[0] ?? null : null)?.trim() ?? null,
    nameIdFormat: attr(nameIdEl, 'Format'),
    sessionIndex: attr(authn, 'SessionIndex'),
    nameQualifiers: { nameQualifier: attr(nameIdEl, 'NameQualifier'), spNameQualifier: attr(nameIdEl, 'SPNameQualifier'), sessionNotOnOrAfter: attr(authn, 'SessionNotOnOrAfter') },
    assertionId: attr(a, 'ID'),
    assertionExpiresAt: limits.length ? new Date(Math.max(...limits.map((d) => d.getTime()))) : null,
    inResponseTo: ctx.response ? attr(ctx.response, 'InResponseTo') : null,
    attributes: ctx.attributes,
  };
}
