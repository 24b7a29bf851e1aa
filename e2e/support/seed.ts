// Seeds a data folder with many logins before `serve` starts, by writing store.json directly (the format in
// src-main/core/store/schema.ts). Posting 10,000 responses through the ACS would take minutes; the logins view
// only needs their stored records. Used by e2e specs (fixture option `seed`) and bench/renderer-bench.mjs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyStore, type StoredLogin } from '../../src-main/core/store/schema.ts';

export const DEMO_IDP = 'urn:saml-jit-lab:demo-idp';
export const OTHER_IDP = 'https://idp.example.org/saml2';

export interface SeedOptions {
  count: number;
  /** Newest login time; older ones are one minute apart. */
  newest?: Date;
  /** Extra logins (e.g. with XML) added as the newest. */
  extra?: StoredLogin[];
}

const CHECK_TITLES: Record<string, string> = {
  'signature.valid': 'Every signature verifies',
  audience: 'Audience is this SP',
  'conditions.time-window': 'Assertion is within its validity window',
  'issuer.known': 'Issuer is a known IdP',
  destination: 'Destination is this ACS URL',
};

const HINTS: Record<string, string> = {
  'signature.valid': 'A signature does not verify: the response was modified after signing, or signed with a key this metadata does not list.',
  audience: 'Set the IdP’s audience (SP entity ID) to this SP’s entity ID.',
  'conditions.time-window': 'Check the clocks of the IdP and this machine, or raise the allowed clock skew.',
  'issuer.known': 'Import this IdP’s metadata, or make it the active IdP.',
  destination: 'Set the IdP’s ACS URL to this SP’s ACS URL.',
};

/** Deterministic pseudo-random numbers, so every run seeds the same logins. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function seedLogin(i: number, receivedAt: Date, random: () => number): StoredLogin {
  const user = `user${String(i % 250).padStart(3, '0')}@example.com`;
  const roll = random();
  const rejected = roll < 0.2;
  const fromOther = roll > 0.85;
  const unknownIssuer = rejected && roll < 0.03;
  const failing = rejected ? [Object.keys(CHECK_TITLES)[Math.floor(random() * 5)] ?? 'signature.valid'] : [];
  const checks = ['signature.valid', 'audience', 'conditions.time-window', 'issuer.known', 'destination'].map((id) => ({
    id,
    title: CHECK_TITLES[id] ?? id,
    status: failing.includes(id) ? ('fail' as const) : ('pass' as const),
    expected: id === 'audience' ? 'urn:saml-jit-lab:sp' : null,
    received: id === 'audience' ? (failing.includes(id) ? 'urn:wrong:sp' : 'urn:saml-jit-lab:sp') : null,
    hint: failing.includes(id) ? (HINTS[id] ?? null) : null,
  }));
  const first = i < 250;
  return {
    id: `seed-${String(i).padStart(5, '0')}`,
    receivedAt: receivedAt.toISOString(),
    verdict: rejected ? 'rejected' : 'accepted',
    flow: i % 3 === 0 ? 'idp-initiated' : 'sp-initiated',
    idpEntityId: unknownIssuer ? null : fromOther ? OTHER_IDP : DEMO_IDP,
    nameId: rejected ? null : user,
    claimedNameId: user,
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    sessionIndex: rejected ? null : `_s${i}`,
    accountId: rejected ? null : `acct-${i % 250}`,
    samlResponse: null,
    xml: null,
    decryptedXml: null,
    relayState: null,
    checks,
    attributes: rejected ? [] : [{ name: 'email', friendlyName: null, nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic', values: [user] }],
    diff: {
      kind: rejected ? 'rejected' : first ? 'created' : 'unchanged',
      accountId: rejected ? null : `acct-${i % 250}`,
      changes: rejected ? [] : [{ field: 'email', before: first ? null : user, after: user, change: first ? 'added' : 'unchanged' }],
      rolesGranted: [],
      rolesRemoved: [],
      linkedBy: null,
    },
    http: { method: 'POST', contentType: 'application/x-www-form-urlencoded', bytes: 9000 + (i % 500), status: rejected ? 403 : 200 },
  } as StoredLogin;
}

/** Builds `count` logins, oldest first (the order the store keeps them in). */
export function seedLogins(options: SeedOptions): StoredLogin[] {
  const newest = (options.newest ?? new Date()).getTime();
  const random = rng(42);
  const logins: StoredLogin[] = [];
  for (let i = 0; i < options.count; i++) {
    logins.push(seedLogin(i, new Date(newest - (options.count - i) * 60_000), random));
  }
  return [...logins, ...(options.extra ?? [])];
}

export function writeSeededStore(dataDir: string, logins: StoredLogin[]): void {
  // Keep every seeded login: the store drops all but the newest `settings.loginRetention` (default 1,000) on write.
  const store = { ...emptyStore(), logins, settings: { loginRetention: Math.max(1_000, logins.length) } };
  writeFileSync(join(dataDir, 'store.json'), JSON.stringify(store));
}

/**
 * A login whose assertion arrived encrypted: `xml` holds the EncryptedAssertion, `decryptedXml` the signed Assertion.
 * For the XML tab's "As received" / "Decrypted" switch; the checks are stored data, as the core recorded them.
 */
export function encryptedLogin(receivedAt = new Date()): StoredLogin {
  const sig = (ref: string): string =>
    `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#${ref}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>BBBB</ds:SignatureValue></ds:Signature>`;
  const head = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp1" Version="2.0" IssueInstant="${receivedAt.toISOString()}"><saml:Issuer>${DEMO_IDP}</saml:Issuer>${sig('_resp1')}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`;
  const xml = `${head}<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:CipherData><xenc:CipherValue>Q0lQSEVS</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion></samlp:Response>`;
  const decryptedXml = `${head}<saml:Assertion ID="_assert1" Version="2.0" IssueInstant="${receivedAt.toISOString()}"><saml:Issuer>${DEMO_IDP}</saml:Issuer>${sig('_assert1')}<saml:Subject><saml:NameID>enc@example.com</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>enc@example.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`;
  const base = seedLogin(0, receivedAt, () => 0.5);
  return {
    ...base,
    id: 'encrypted-1',
    nameId: 'enc@example.com',
    claimedNameId: 'enc@example.com',
    accountId: 'acct-enc',
    xml,
    decryptedXml,
    samlResponse: Buffer.from(xml, 'utf8').toString('base64'),
    attributes: [{ name: 'email', friendlyName: 'mail', nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic', values: ['enc@example.com'] }],
    diff: { ...base.diff, accountId: 'acct-enc', changes: [{ field: 'email', before: null, after: 'enc@example.com', change: 'added' }], kind: 'created' },
  };
}
