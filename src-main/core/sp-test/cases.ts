// The suite's cases: a valid login the SP must accept, then what a correct SP must refuse and what it should warn
// about. Each case is one response built and signed by the lab IdP's key (or deliberately not), wrong in exactly
// one way, so the SP's answer says which check it has and which it lacks.
import { generate } from 'selfsigned';
import type { SpTestCaseId } from '../../contract/sp-test.ts';
import { buildSignedResponse, newSamlId, type ResponseSpec } from '../demo-idp/response-builder.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { LabIdp } from './lab-idp.ts';
import { wrapSignature, xswSigning, type XswVariant } from './xsw.ts';

export type CaseExpect = 'accept' | 'refuse' | 'warn';

export interface CaseInfo {
  id: SpTestCaseId;
  title: string;
  expect: CaseExpect;
  /** What a correct SP does, said to the person when theirs does not. */
  fix: string;
}

export const CASES: readonly CaseInfo[] = [
  { id: 'valid', title: 'Valid login', expect: 'accept', fix: 'The valid login must work: check the IdP metadata the SP trusts, its entity ID and ACS URL, and how acceptance is observed (who-am-I URL or rule).' },
  { id: 'unsigned', title: 'Unsigned response', expect: 'refuse', fix: 'Require a valid signature by the IdP key on the Response or the Assertion.' },
  { id: 'other-key', title: 'Signed by another key (certificate in KeyInfo)', expect: 'refuse', fix: 'Verify signatures only with the certificates of the IdP metadata, never with one the response carries.' },
  ...([1, 2, 3, 4, 5, 6, 7, 8] as const).map((n) => ({
    id: `xsw${n}` as SpTestCaseId,
    title: `Signature wrapping XSW${n}`,
    expect: 'refuse' as const,
    fix: 'Read the NameID and attributes only from the element the signature covers; refuse responses with more than one Assertion.',
  })),
  { id: 'comment-injection', title: 'Comment injected into the NameID', expect: 'refuse', fix: 'Read the full text of the NameID (all text nodes), not the text up to the first comment.' },
  { id: 'expired', title: 'Expired assertion (NotOnOrAfter in the past)', expect: 'refuse', fix: 'Check Conditions/@NotOnOrAfter and SubjectConfirmationData/@NotOnOrAfter with a small clock skew.' },
  { id: 'not-yet-valid', title: 'Assertion not yet valid (NotBefore in the future)', expect: 'refuse', fix: 'Check Conditions/@NotBefore with a small clock skew.' },
  { id: 'wrong-audience', title: 'Audience of another SP', expect: 'refuse', fix: "Check that the AudienceRestriction names this SP's entity ID." },
  { id: 'wrong-recipient', title: 'SubjectConfirmationData Recipient of another ACS', expect: 'refuse', fix: 'Check that SubjectConfirmationData/@Recipient is this ACS URL.' },
  { id: 'wrong-destination', title: 'Response Destination of another ACS', expect: 'refuse', fix: 'Check that Response/@Destination, when present, is this ACS URL.' },
  { id: 'wrong-issuer', title: 'Issuer of another IdP (signed by the trusted key)', expect: 'refuse', fix: "Check that the Response's and the Assertion's Issuer is the IdP entity ID the key belongs to." },
  { id: 'replay', title: 'Replay of the valid response', expect: 'refuse', fix: 'Remember the IDs of accepted assertions until they expire and refuse a second use (or bind InResponseTo to the session and use it once).' },
  { id: 'in-response-to-other', title: 'InResponseTo of another request', expect: 'refuse', fix: 'Accept a response only for a request this browser session sent (InResponseTo bound to the session), or refuse InResponseTo values it never issued.' },
  { id: 'status-failure', title: 'Status Responder (failure) with an assertion', expect: 'refuse', fix: 'Refuse any response whose top-level StatusCode is not Success, whatever else it carries.' },
  { id: 'doctype', title: 'DOCTYPE in the response', expect: 'refuse', fix: 'Refuse any DOCTYPE before parsing (no XXE, no entity expansion): SAML never needs one.' },
  { id: 'sha1', title: 'RSA-SHA1 signature', expect: 'warn', fix: 'Refuse (or at least warn about) SHA-1 signatures; ask the IdP for RSA-SHA256.' },
];

export const CASE_IDS: readonly SpTestCaseId[] = CASES.map((c) => c.id);

export function caseInfo(id: SpTestCaseId): CaseInfo {
  return CASES.find((c) => c.id === id)!;
}

/** The attacker's identity in wrapping attacks. */
export const FORGED_NAME_ID = 'forged-admin@example.com';
const OTHER_IDP = 'https://unknown-idp.example/saml';
const OTHER_SP = 'urn:saml-jit-lab:some-other-sp';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

export interface CaseUser {
  nameId: string;
  attributes: Record<string, string[]>;
}

export interface CaseContext {
  idp: LabIdp;
  spEntityId: string;
  acsUrl: string;
  user: CaseUser;
  now: Date;
  inResponseTo: string | null;
  otherKeys: KeyPair;
}

/** What a response claims: `legit` is who a correct reading names (null: nobody may be signed in), `forged` who a
 * vulnerable SP would sign in. */
export interface BuiltCase {
  xml: string;
  legit: string | null;
  forged: string;
}

export async function buildCase(id: Exclude<SpTestCaseId, 'replay'>, ctx: CaseContext): Promise<BuiltCase> {
  const base: ResponseSpec = {
    idpEntityId: ctx.idp.entityId,
    idpKeys: ctx.idp.keys,
    spEntityId: ctx.spEntityId,
    acsUrl: ctx.acsUrl,
    nameId: ctx.user.nameId,
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    attributes: ctx.user.attributes,
    inResponseTo: ctx.inResponseTo,
    now: ctx.now,
  };
  const user = ctx.user.nameId;
  const refuse = async (spec: Partial<ResponseSpec>): Promise<BuiltCase> => ({ xml: await buildSignedResponse({ ...base, ...spec }), legit: null, forged: user });
  const elsewhere = new URL('/some-other-app/saml/acs', ctx.acsUrl).toString();
  switch (id) {
    case 'valid':
      return { xml: await buildSignedResponse(base), legit: user, forged: user };
    case 'unsigned':
      return refuse({ signing: 'none' });
    case 'other-key':
      return refuse({ idpKeys: ctx.otherKeys });
    case 'expired':
      return refuse({ now: new Date(ctx.now.getTime() - 2 * 3600_000) });
    case 'not-yet-valid':
      return refuse({ overrides: { notBefore: new Date(ctx.now.getTime() + 3600_000), notOnOrAfter: new Date(ctx.now.getTime() + 2 * 3600_000) } });
    case 'wrong-audience':
      return refuse({ overrides: { audience: OTHER_SP } });
    case 'wrong-recipient':
      return refuse({ overrides: { recipient: elsewhere } });
    case 'wrong-destination':
      return refuse({ overrides: { destination: elsewhere } });
    case 'wrong-issuer':
      return refuse({ overrides: { issuer: OTHER_IDP } });
    case 'status-failure':
      return refuse({ overrides: { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' } });
    case 'in-response-to-other':
      // ctx.inResponseTo is already the other request's ID (or one the SP never issued): see the runner.
      return refuse({});
    case 'doctype': {
      const signed = await buildSignedResponse(base);
      return { xml: `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE samlp:Response [<!ENTITY lab "saml-jit-lab">]>\n${signed.replace(/^<\?xml[^>]*\?>\s*/, '')}`, legit: null, forged: user };
    }
    case 'sha1':
      return { xml: await buildSignedResponse({ ...base, signatureAlgorithm: RSA_SHA1 }), legit: user, forged: user };
    case 'comment-injection': {
      // The IdP vouches for alice@example.com.evil.example; a comment after the real user's address makes a
      // reader that stops at the first text node see alice@example.com. The signature (c14n without comments)
      // still verifies.
      const signedAs = `${user}.evil.example`;
      const attributes = Object.fromEntries(Object.entries(ctx.user.attributes).map(([k, vs]) => [k, vs.map((v) => (v === user ? signedAs : v))]));
      const signed = await buildSignedResponse({ ...base, nameId: signedAs, attributes });
      const escaped = escapeText(user);
      const tail = escapeText('.evil.example');
      const parts = signed.split(`>${escaped}${tail}<`);
      if (parts.length < 2) throw new Error('Could not place the comment inside the NameID (unusual characters in the user\'s NameID).');
      return { xml: parts.join(`>${escaped}<!---->${tail}<`), legit: signedAs, forged: user };
    }
    default: {
      const variant = Number(id.slice(3)) as XswVariant;
      const signed = await buildSignedResponse({ ...base, signing: xswSigning(variant) });
      return { xml: wrapSignature(signed, variant, user, FORGED_NAME_ID), legit: user, forged: FORGED_NAME_ID };
    }
  }
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

let attackerKeys: Promise<KeyPair> | null = null;

/** A key pair that is not the lab IdP's (made once per process). */
export function otherKeyPair(): Promise<KeyPair> {
  attackerKeys ??= generate([{ name: 'commonName', value: 'SAML JIT Lab test IdP' }], { keySize: 2048, algorithm: 'sha256' }).then((p) => ({ privateKeyPem: p.private, certificatePem: p.cert }));
  return attackerKeys;
}

export { newSamlId };
