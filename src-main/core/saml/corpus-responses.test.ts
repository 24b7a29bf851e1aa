// Captured responses from real IdPs (../shared/corpus/responses, see SOURCES.md there), verified with their IdP's
// certificate or metadata at a frozen clock (the response's IssueInstant, or the source project's own "test now"),
// with the SP set to the response's own Audience and ACS. Where the strict verifier rejects one, the test says why
// and asserts the exact failing check ids. Certificate validity periods are not checked by the verifier, so the
// long-expired certs here are fine.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { Attribute } from '../../contract/index.ts';
import { parseIdpMetadata, type MetadataCert } from '../idp/metadata.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { planProvision } from '../jit/provision.ts';
import { certBase64, summarizeCert } from '../util/cert.ts';
import { NS, descendants, parseXml } from '../util/xml.ts';
import type { TrustedIdp, VerifyInput, VerifyPolicy } from './context.ts';
import { verifyResponse, type VerifyResult } from './verify.ts';
import { decryptEncryptedAssertion } from './xmlenc.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
const HAVE_CORPUS = existsSync(resolve(CORPUS, 'responses'));
if (!HAVE_CORPUS) console.log(`Skipping the response corpus tests: ${CORPUS}/responses does not exist (the shared corpus sits beside the clone).`);

const responses = (name: string): string => readFileSync(resolve(CORPUS, 'responses', name), 'utf8');
const metadata = (name: string): string => readFileSync(resolve(CORPUS, 'metadata', name), 'utf8');

function idpFromMetadata(file: string): TrustedIdp {
  const md = parseIdpMetadata(metadata(file));
  return { id: file, name: file, entityId: md.entityId, certificates: md.certificates };
}

function cert(base64OrPem: string): MetadataCert {
  const base64 = certBase64(base64OrPem);
  return { base64, use: 'signing', ...summarizeCert(base64)! };
}

function idpFromCert(entityId: string, base64OrPem: string): TrustedIdp {
  return { id: entityId, name: entityId, entityId, certificates: [cert(base64OrPem)] };
}

interface Case {
  now: string;
  sp: { entityId: string; acsUrl: string };
  /** The AuthnRequest the response answers; the test SP has it outstanding. Null for unsolicited responses. */
  inResponseTo: string | null;
  spKey?: boolean;
  /** Policy knobs on top of the lab's defaults (e.g. the strict choice). */
  policy?: Partial<VerifyPolicy>;
}

const SP_KEY = (): string => responses('crewjam_sp_key.pem');

function verify(samlResponse: string, isXml: boolean, idp: TrustedIdp, c: Case, extraIdps: TrustedIdp[] = []): VerifyResult {
  const now = new Date(c.now);
  const input: VerifyInput = {
    samlResponse,
    isXml,
    now,
    sp: c.sp,
    idps: [idp, ...extraIdps],
    policy: { clockSkewSeconds: 180, allowUnsolicited: true, maxResponseBytes: 4 * 1024 * 1024, ...c.policy },
    outstanding: { find: (id) => (id === c.inResponseTo ? { idpEntityId: idp.entityId, expiresAt: new Date(now.getTime() + 600_000) } : null) },
    replay: { seen: () => false },
    spPrivateKeyPem: c.spKey ? SP_KEY() : null,
  };
  return verifyResponse(input);
}

const failed = (r: VerifyResult): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const warned = (r: VerifyResult): string[] => r.checks.filter((c) => c.status === 'warn').map((c) => c.id);
const check = (r: VerifyResult, id: string) => r.checks.find((c) => c.id === id);
const sha1 = (base64: string): string => new X509Certificate(Buffer.from(base64, 'base64')).fingerprint;

const googleApps: Case = {
  now: '2016-01-05T16:55:39Z',
  sp: { entityId: 'https://29ee6d2e.ngrok.io/saml/metadata', acsUrl: 'https://29ee6d2e.ngrok.io/saml/acs' },
  inResponseTo: 'id-fd419a5ab0472645427f8e07d87a3a5dd0b2e9a6',
};

describe.skipIf(!HAVE_CORPUS)('response corpus: accepted', () => {
  it('ADFS (fs.spstest2.com, 2017): Assertion signed, SP-initiated', () => {
    const r = verify(responses('adfs_response_2017_gosaml2.b64'), false, idpFromCert('http://fs.spstest2.com/adfs/services/trust', responses('adfs_idp_signing_cert_gosaml2.pem')), {
      now: '2017-09-21T23:27:06.828Z',
      sp: { entityId: 'https://saml.test.nope/session/sso/saml/spentityid/dknhyszjl7', acsUrl: 'https://saml.test.nope/session/sso/saml/acs/dknhyszjl7' },
      inResponseTo: '_5988bf45-1cc8-4228-b3e8-1aa8590e63d3',
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'paul@spstest2.com', []]);
    expect(check(r, 'in-response-to')?.status).toBe('pass');
  });

  it('Google Apps (2016): Response signed, Assertion not', () => {
    const r = verify(responses('google-apps_response_2016_crewjam.b64'), false, idpFromMetadata('google-apps_idp_metadata_2016_crewjam.xml'), googleApps);
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'ross@octolabs.io', []]);
    expect(check(r, 'signature.covers-assertion')?.received).toBe('signed: Response');
  });

  it('Google Apps with a comment injected into the signed NameID (CVE-2018-7340 style): the full text is read and flagged', () => {
    // Canonicalization drops comments, so "ross@octolabs<!-- -->.io" still verifies; a vulnerable SP would read only
    // the first text node, "ross@octolabs".
    const xml = Buffer.from(responses('google-apps_response_2016_crewjam.b64').replace(/\s+/g, ''), 'base64').toString('utf8');
    const injected = xml.replace('>ross@octolabs.io<', '>ross@octolabs<!-- and a comment -->.io<');
    expect(injected).not.toBe(xml);
    const r = verify(injected, true, idpFromMetadata('google-apps_idp_metadata_2016_crewjam.xml'), googleApps);
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'ross@octolabs.io', []]);
    // Flagged by a warning whose hint names the comment (nameid.present, or a dedicated comment check).
    expect(r.checks.filter((c) => c.status === 'warn' && /comment/i.test(c.hint ?? '')).length).toBe(1);
  });

  it('Google Workspace: Assertion signed, unsolicited (warns), Destination on another host than the Audience', () => {
    const r = verify(responses('google-workspace_response_ssoready.xml'), true, idpFromMetadata('google-workspace_idp_metadata_ssoready.xml'), {
      now: '2023-11-16T21:20:27.514Z',
      sp: { entityId: 'https://localhost:8080/accounts/bfeb03a0-6022-4862-9bbf-5a4d7608db35/saml', acsUrl: 'https://example.com/accounts/bfeb03a0-6022-4862-9bbf-5a4d7608db35/saml/acs' },
      inResponseTo: null,
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'ulysse.carion@codomaindata.com', []]);
    expect(warned(r)).toContain('in-response-to');
  });

  it('Okta (2020): EncryptedAssertion (RSA-OAEP + AES-256-CBC) whose inner Assertion is signed, decrypted with the SP key', () => {
    const r = verify(responses('okta_response_encrypted-signed-assertion_2020_crewjam.b64'), false, idpFromMetadata('okta-preview_idp_metadata_2020_crewjam.xml'), {
      now: '2020-03-03T19:31:55Z',
      sp: { entityId: 'http://localhost:8000/saml/metadata', acsUrl: 'http://localhost:8000/saml/acs' },
      inResponseTo: 'id-6d976cdde8e76df5df0a8ff58148fc0b7ec6796d',
      spKey: true,
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'testuser@testrsc.com', []]);
    // CBC (not GCM) content encryption is a warning.
    expect(check(r, 'assertion.decrypt')).toMatchObject({ status: 'warn', received: 'RSA-OAEP + AES-256-CBC' });
  });

  it('OneLogin (2016): Response signed with RSA-SHA1 (warns)', () => {
    const r = verify(responses('onelogin_response_2016_crewjam.b64'), false, idpFromMetadata('onelogin_idp_metadata_503983_crewjam.xml'), {
      now: '2016-01-05T17:53:12Z',
      sp: { entityId: 'https://29ee6d2e.ngrok.io/saml/metadata', acsUrl: 'https://29ee6d2e.ngrok.io/saml/acs' },
      inResponseTo: 'id-d40c15c104b52691eccf0a2a5c8a15595be75423',
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'ross@kndr.org', []]);
    expect(warned(r)).toContain('signature.algorithm');
  });

  it('Oracle Access Manager (2016): Assertion signed RSA-SHA1 without KeyInfo, 1024-bit key', () => {
    const r = verify(responses('oracle-access-manager_response_2016_gosaml2.xml'), true, idpFromCert('https://deaoam-dev02.jpl.nasa.gov:14101/oam/fed', responses('oracle-access-manager_cert_gosaml2.pem')), {
      now: '2016-12-12T16:54:35Z',
      sp: { entityId: 'JSAuth', acsUrl: 'http://127.0.0.1:5556/callback' },
      inResponseTo: '_e66b3a98-831c-4c96-5706-b63fe0549624',
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'pkieu', []]);
    expect(check(r, 'signature.cert-in-metadata')?.received).toMatch(/^verified by /);
  });

  it('PingFederate (2017): only the Assertion signed, no KeyInfo, no Destination on the unsigned Response (warns)', () => {
    const r = verify(responses('pingfederate_response_assertion-signed_no-destination_2017_gosaml2.b64'), false, idpFromCert('https://saml.test.nope:9031/eid/sxpmrhbkzn', responses('pingfederate_idp_signing_cert_gosaml2.pem')), {
      now: '2017-09-01T21:24:46.268Z',
      sp: { entityId: 'https://saml.test.nope/session/sso/saml/spentityid/hp24dqnpvq', acsUrl: 'https://saml.test.nope/session/sso/saml/acs/hp24dqnpvq' },
      inResponseTo: '_5ff4ed23-bf22-4287-85a3-8b64948ad9f0',
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'firstlast@saml.test.nope', []]);
    expect(check(r, 'destination')).toMatchObject({ status: 'warn', received: 'absent' });
  });

  it('PingOne: Assertion signed, unsolicited, opaque NameID', () => {
    const r = verify(responses('pingone_response_ssoready.xml'), true, idpFromMetadata('pingone_idp_metadata_ssoready.xml'), {
      now: '2023-11-18T16:20:31.265Z',
      sp: { entityId: 'ssoready-entity-id', acsUrl: 'http://localhost' },
      inResponseTo: null,
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', '9e34fa21-4e8f-4dee-b565-648dbcf25eff', []]);
  });

  it('SimpleSAMLphp (wellspringworldwide, 2013): Assertion signed RSA-SHA1, urn:oid attributes, cert given as bare base64', () => {
    const r = verify(responses('simplesamlphp_response_wellspring_2013_ruby-saml.b64'), false, idpFromCert('https://sso.wellspringworldwide.com/simplesaml/saml2/idp/metadata.php', responses('simplesamlphp_wellspring_cert_ruby-saml.txt')), {
      now: '2013-03-25T15:36:00Z',
      sp: { entityId: 'rpm.newrelic.com', acsUrl: 'https://rpm.newrelic.com/accounts/136857/sso/saml/finalize' },
      inResponseTo: '_9e1f35d0-778f-0130-1da9-042b2b4fd265',
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'e40c0890745ce9250ad223b59090cc6dc5d1f5a1', []]);
    expect(r.attributes.some((a) => a.name.startsWith('urn:oid:'))).toBe(true);
  });

  it('Shibboleth (samltest.id, 2021): the Response taken out of its SOAP ArtifactResponse verifies with the SECOND signing cert and decrypts', () => {
    // The ACS takes HTTP-POST responses, so the artifact resolution envelope itself is rejected (next describe); the
    // Response inside, serialized on its own, carries its own signature and an EncryptedAssertion.
    const doc = parseXml(responses('shibboleth-samltest-id_soap_artifactresponse_2021_crewjam.xml'));
    const inner = new XMLSerializer().serializeToString(descendants(doc, NS.samlp, 'Response')[0]! as unknown as Node);
    const r = verify(inner, true, idpFromMetadata('shibboleth-idp_samltest-id_metadata_crewjam.xml'), {
      now: '2021-08-17T10:26:57Z',
      sp: { entityId: 'http://localhost:8000/saml/metadata', acsUrl: 'http://localhost:8000/saml/acs' },
      inResponseTo: 'id-f3c7bc7d626a4ededa6028b718e5252c6e770b94',
      spKey: true,
    });
    expect([r.verdict, failed(r)]).toEqual(['accepted', []]);
    expect(r.nameIdFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:transient');
    expect(r.nameId).toMatch(/^AAdzZWNyZXQx/);
    expect(check(r, 'signature.valid')?.received).toContain('CA:F2:55:F8:F4:6D:E4:24');

    // Shibboleth names attributes by urn:oid with a FriendlyName: the default JIT rules find the account fields by
    // either, so also when only the FriendlyName is one they know.
    expect(r.attributes.find((a) => a.name === 'urn:oid:0.9.2342.19200300.100.1.3')).toMatchObject({ friendlyName: 'mail', values: ['rsanchez@samltest.id'] });
    const fields = (attributes: Attribute[]) =>
      planProvision({ idpEntityId: 'https://samltest.id/saml/idp', nameId: r.nameId!, attributes, now: new Date(googleApps.now), rules: DEFAULT_RULES, accounts: { byKey: () => undefined, byEmail: () => [] } }).account?.fields;
    const expected = { email: 'rsanchez@samltest.id', firstName: 'Rick', lastName: 'Sanchez', displayName: 'Rick Sanchez' };
    expect(fields(r.attributes)).toMatchObject(expected);
    expect(fields(r.attributes.map((a, i) => ({ ...a, name: `urn:example:renamed:${i}` })))).toMatchObject(expected);
  });
});

describe.skipIf(!HAVE_CORPUS)('response corpus: rejected, and why', () => {
  it('Okta (SSOReady fixture): the Response signature no longer verifies (edited after capture) although the Assertion\'s does → signature.valid', () => {
    // Every signature present must verify: a broken Response signature is not ignored just because the Assertion is fine.
    const r = verify(responses('okta_response_ssoready.xml'), true, idpFromMetadata('okta_idp_metadata_ssoready.xml'), {
      now: '2024-04-25T20:31:55.494Z',
      sp: { entityId: 'http://localhost:8080', acsUrl: 'http://localhost:8080' },
      inResponseTo: null,
    });
    expect([r.verdict, failed(r)]).toEqual(['rejected', ['signature.valid']]);
    expect(check(r, 'signature.valid')?.expected).toMatch(/^signature on <Response>/);
    // The NameID comes from the (validly) signed Assertion.
    expect(r.nameId).toBe('ulysse.carion@codomaindata.com');
  });

  it('ADFS-shaped (ruby-saml, re-signed): KeyInfo holds a double-encoded certificate (base64 of PEM text) → accepted with a signature.cert-in-metadata warning; refused when KeyInfo must match', () => {
    // The trusted cert is the PEM decoded from that KeyInfo, pinned by the SHA-1 ruby-saml trusts. The signature
    // verifies with it (xmlsec1 says so). KeyInfo is only a hint: its certificate, which does not match the metadata one, is a warning (ruby-saml
    // refuses it), and a failure under the keyInfo: 'reject' policy.
    const xml = responses('adfs-shaped_response_resigned_ruby-saml.xml');
    const pemText = Buffer.from(/<ds:X509Certificate>([^<]+)</.exec(xml)![1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
    expect(pemText).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(sha1(certBase64(pemText))).toBe('28:74:9B:E8:1F:E8:10:9C:A8:7C:A9:C3:E3:C5:01:6C:92:1C:B4:BA');
    const r = verify(xml, true, idpFromCert('http://login.example.com/issuer', pemText), {
      now: '2011-06-22T12:49:30.348Z',
      sp: { entityId: 'example.com', acsUrl: 'https://someone.example.com/endpoint' },
      inResponseTo: '_fc4a34b0-7efb-012e-caae-782bcb13bb38',
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['accepted', 'hello@example.com', []]);
    expect(check(r, 'signature.cert-in-metadata')).toMatchObject({ status: 'warn', received: expect.stringMatching(/^KeyInfo: SHA-256 [0-9A-F:]+; verified by metadata certificate /) });
    expect(check(r, 'signature.cert-in-metadata')?.hint).toContain('ruby-saml');
    const strict = verify(xml, true, idpFromCert('http://login.example.com/issuer', pemText), {
      now: '2011-06-22T12:49:30.348Z',
      sp: { entityId: 'example.com', acsUrl: 'https://someone.example.com/endpoint' },
      inResponseTo: '_fc4a34b0-7efb-012e-caae-782bcb13bb38',
      policy: { keyInfo: 'reject' },
    });
    expect([strict.verdict, failed(strict)]).toEqual(['rejected', ['signature.cert-in-metadata']]);
  });

  it('SecureWorks (2017): Response ID "28338c8c-…" starts with a digit, which is not an xs:ID → accepted with an xml.schema warning; refused under the strict schema policy', () => {
    // Both signatures verify (KeyInfo is an RSAKeyValue, not a certificate). The only schema problem is the lexical
    // form of the IDs: SPs that validate the schema (ruby-saml, python3-saml) refuse it, crewjam/saml and node-saml
    // accept it. So it is a warning naming them, and a failure when the policy validates the schema strictly.
    const c: Case = {
      now: '2017-04-21T13:12:51Z',
      sp: { entityId: 'https://preview.docrocket-ross.test.octolabs.io/saml/metadata', acsUrl: 'https://preview.docrocket-ross.test.octolabs.io/saml/acs' },
      inResponseTo: 'id-3992f74e652d89c3cf1efd6c7e472abaac9bc917',
    };
    const xml = responses('secureworks_response_rsakeyvalue-keyinfo_2017_crewjam.xml');
    const idp = idpFromMetadata('secureworks_idp_metadata_2017_crewjam.xml');
    const r = verify(xml, true, idp, c);
    expect([r.verdict, failed(r)]).toEqual(['accepted', []]);
    expect(check(r, 'xml.schema')).toMatchObject({ status: 'warn', received: expect.stringMatching(/'28338c8c-39ab-4b94-bcdc-46f68f99d962' is not a valid value of the atomic type 'xs:ID'/) });
    expect(check(r, 'xml.schema')?.hint).toMatch(/ruby-saml .* refuse/);
    expect(check(r, 'signature.valid')?.status).toBe('pass');
    expect(r.nameId).toBe('rkinder@secureworks.com');
    const strict = verify(xml, true, idp, { ...c, policy: { schema: 'strict' } });
    expect([strict.verdict, failed(strict)]).toEqual(['rejected', ['xml.schema']]);
  });

  it('SecureWorks (2017) with a structural schema violation behind the ID problem still fails xml.schema', () => {
    // libxml2 reports only its first problem (the ID); the verifier looks behind it, so an unknown element is not
    // excused by the lenient ID rule.
    const xml = responses('secureworks_response_rsakeyvalue-keyinfo_2017_crewjam.xml').replace('<saml2p:Status>', '<saml2p:Bogus/><saml2p:Status>');
    const r = verify(xml, true, idpFromMetadata('secureworks_idp_metadata_2017_crewjam.xml'), {
      now: '2017-04-21T13:12:51Z',
      sp: { entityId: 'https://preview.docrocket-ross.test.octolabs.io/saml/metadata', acsUrl: 'https://preview.docrocket-ross.test.octolabs.io/saml/acs' },
      inResponseTo: 'id-3992f74e652d89c3cf1efd6c7e472abaac9bc917',
    });
    expect(r.verdict).toBe('rejected');
    expect(check(r, 'xml.schema')).toMatchObject({ status: 'fail', received: expect.stringMatching(/Bogus/) });
  });

  it('Shibboleth (samltest.id): a SOAP ArtifactResponse posted as is → xml.root-response (the ACS speaks HTTP-POST only)', () => {
    const r = verify(responses('shibboleth-samltest-id_soap_artifactresponse_2021_crewjam.xml'), true, idpFromMetadata('shibboleth-idp_samltest-id_metadata_crewjam.xml'), {
      now: '2021-08-17T10:26:57Z',
      sp: { entityId: 'http://localhost:8000/saml/metadata', acsUrl: 'http://localhost:8000/saml/acs' },
      inResponseTo: 'id-f3c7bc7d626a4ededa6028b718e5252c6e770b94',
      spKey: true,
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['rejected', null, ['xml.root-response']]);
  });

  it('StarfieldTMS (2012): signed Response without Destination, no AudienceRestriction, no bearer Recipient → audience, subject-confirmation.recipient (destination warns)', () => {
    // The response names no SP at all, so the SP here is a placeholder; the IdP is pinned by the SHA-1 of its
    // embedded certificate, the trust anchor ruby-saml uses.
    const b64 = responses('starfieldtms_response_2012_ruby-saml.b64');
    const xml = Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
    const embedded = certBase64(/<X509Certificate>([^<]+)</.exec(xml)![1]!);
    expect(sha1(embedded)).toBe('8D:BA:53:8E:A3:B6:F9:F1:69:6C:BB:D9:D8:BD:41:B3:AC:4F:9D:4D');
    const r = verify(b64, false, idpFromCert('Beeline.com', embedded), {
      now: '2012-11-28T18:13:45Z',
      sp: { entityId: 'https://sp.starfield.example/metadata', acsUrl: 'https://sp.starfield.example/acs' },
      inResponseTo: null,
    });
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['rejected', 'trevor.little@starfieldtms.com', ['audience', 'subject-confirmation.recipient']]);
    // A signed Response without Destination breaks SAML bindings 3.5.5.2, but ruby-saml, node-saml and python3-saml
    // accept it: a warning by default, a failure under destination: 'strict'.
    expect(check(r, 'destination')?.status).toBe('warn');
    // The Assertion IssueInstant (2003) is nine years before the Response's.
    expect(warned(r)).toContain('assertion.issue-instant');
  });

  it('TestShib (2015): the decrypted Assertion is signed with the 2006 key; the metadata lists only the 2016 cert, a DIFFERENT key → signature.* checks', () => {
    // SOURCES.md says the 2016 cert has the same key as the 2006 one; it does not (the SPKIs differ below), so the
    // IdP rolled its key between this response and that metadata, and rejecting is right. crewjam's own test pairs
    // the response with the 2006 cert: trusting that cert makes it verify.
    const idp = idpFromMetadata('testshib_entitiesdescriptor_idp_sp_crewjam.xml');
    const xml = responses('testshib_response_encrypted_2015_crewjam.xml');
    const c: Case = {
      now: '2015-12-01T01:57:09Z',
      sp: { entityId: 'https://15661444.ngrok.io/saml2/metadata', acsUrl: 'https://15661444.ngrok.io/saml2/acs' },
      inResponseTo: 'id-9e61753d64e928af5a7a341a97f420c9',
      spKey: true,
    };
    const r = verify(xml, true, idp, c);
    expect([r.verdict, r.nameId, failed(r)]).toEqual(['rejected', null, ['signature.valid', 'signature.covers-assertion', 'signature.cert-in-metadata']]);
    expect(check(r, 'signature.cert-in-metadata')?.received).toBe('KeyInfo: SHA-256 83:F3:FE:E4:51:35:8C:5F:60:76:96:03:C2:7F:9F:64:D3:B6:52:B3:C9:7A:E7:DC:57:86:DE:E5:6C:72:B3:2D');

    const encrypted = descendants(parseXml(xml), NS.saml, 'EncryptedAssertion')[0]!;
    const keyInfoCert = certBase64(/X509Certificate>([^<]+)</.exec(decryptEncryptedAssertion(encrypted, SP_KEY()).xml)![1]!);
    const spki = (b64: string): string => new X509Certificate(Buffer.from(b64, 'base64')).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(new X509Certificate(Buffer.from(keyInfoCert, 'base64')).validFrom).toBe('Aug 30 21:12:25 2006 GMT');
    expect(spki(keyInfoCert)).not.toBe(spki(idp.certificates[0]!.base64));
    const with2006 = verify(xml, true, { ...idp, certificates: [cert(keyInfoCert)] }, c);
    expect([with2006.verdict, with2006.nameIdFormat, with2006.nameId, failed(with2006)]).toEqual(['accepted', 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', '_41bd295976dadd70e1480f318e772841', []]);
  });
});
