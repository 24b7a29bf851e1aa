// Test support for the differential suite: every captured response of ../shared/corpus/responses (each with its
// IdP, SP and clock, as corpus-responses.test.ts pairs them) and the lab's own attack cases (signed at test time by
// a test IdP key), each as the input the real SP libraries get and the input the lab's verifier gets.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { XMLSerializer } from '@xmldom/xmldom';
import { responseXml, type ResponseSpec } from '../demo-idp/response-builder.ts';
import { parseIdpMetadata } from '../idp/metadata.ts';
import type { TrustedIdp, VerifyInput } from '../saml/context.ts';
import { samlify } from '../saml/samlify.ts';
import { ENC, encryptAssertion } from '../saml/xmlenc.ts';
import type { KeyPair } from '../sp/keys.ts';
import { XSW_TITLES, XSW_VARIANTS, wrapSignature, xswSigning } from '../sp-test/xsw.ts';
import { ACS_URL, NOW, SP_ENTITY_ID, b64, makeKeyPair, signResponse, trustedIdp } from '../testing/test-idp.ts';
import { certBase64, summarizeCert, toPem } from '../util/cert.ts';
import { NS, descendants, parseXml } from '../util/xml.ts';
import type { TargetInput } from './types.ts';

export interface DifferentialCase {
  id: string;
  title: string;
  /** What the SP libraries get. */
  target: TargetInput;
  /** What the lab's verifier gets (same response, IdP, SP, clock, InResponseTo and key). */
  lab: VerifyInput;
}

export const CORPUS_DIR = resolve(import.meta.dirname, '../../../../shared/corpus');
export const HAVE_CORPUS = existsSync(resolve(CORPUS_DIR, 'responses'));

interface Setting {
  idp: TrustedIdp;
  now: string;
  sp: { entityId: string; acsUrl: string };
  inResponseTo: string | null;
  spKeyPem?: string | null;
  replay?: boolean;
}

function makeCase(id: string, title: string, samlResponseBase64: string, s: Setting): DifferentialCase {
  const now = new Date(s.now);
  const idp = s.idp;
  return {
    id,
    title,
    target: {
      samlResponse: samlResponseBase64,
      idpCertificatesPem: idp.certificates.filter((c) => c.use !== 'encryption').map((c) => toPem(c.base64)),
      idpEntityId: idp.entityId,
      spEntityId: s.sp.entityId,
      acsUrl: s.sp.acsUrl,
      now,
      inResponseTo: s.inResponseTo,
      spPrivateKeyPem: s.spKeyPem ?? null,
      replay: s.replay === true,
    },
    lab: {
      samlResponse: samlResponseBase64,
      now,
      sp: s.sp,
      idps: [idp],
      policy: { clockSkewSeconds: 180, allowUnsolicited: true, maxResponseBytes: 4 * 1024 * 1024 },
      outstanding: { find: (rid) => (rid === s.inResponseTo ? { idpEntityId: idp.entityId, expiresAt: new Date(now.getTime() + 600_000) } : null) },
      // A replay case: the lab has seen this assertion before (its replay cache says so).
      replay: { seen: () => s.replay === true },
      spPrivateKeyPem: s.spKeyPem ?? null,
    },
  };
}

// ---- the corpus -------------------------------------------------------------------------------------------------

const corpus = (dir: string, name: string): string => readFileSync(resolve(CORPUS_DIR, dir, name), 'utf8');
const asBase64 = (text: string, isXml: boolean): string => (isXml ? b64(text) : text.replace(/\s+/g, ''));
const xmlOf = (text: string, isXml: boolean): string => (isXml ? text : Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'));

function idpFromMetadata(file: string): TrustedIdp {
  const md = parseIdpMetadata(corpus('metadata', file));
  return { id: file, name: file, entityId: md.entityId, certificates: md.certificates };
}

function idpFromCert(entityId: string, base64OrPem: string): TrustedIdp {
  const base64 = certBase64(base64OrPem);
  return { id: entityId, name: entityId, entityId, certificates: [{ base64, use: 'signing', ...summarizeCert(base64)! }] };
}

export function corpusCases(): DifferentialCase[] {
  if (!HAVE_CORPUS) return [];
  const r = (name: string): string => corpus('responses', name);
  const spKey = r('crewjam_sp_key.pem');
  const cases: DifferentialCase[] = [];
  const add = (id: string, title: string, file: string | { text: string }, isXml: boolean, s: Setting): void => {
    const text = typeof file === 'string' ? r(file) : file.text;
    cases.push(makeCase(id, title, asBase64(text, isXml), s));
  };

  add('corpus/adfs-2017', 'ADFS 2017: Assertion signed, SP-initiated', 'adfs_response_2017_gosaml2.b64', false, {
    idp: idpFromCert('http://fs.spstest2.com/adfs/services/trust', r('adfs_idp_signing_cert_gosaml2.pem')),
    now: '2017-09-21T23:27:06.828Z',
    sp: { entityId: 'https://saml.test.nope/session/sso/saml/spentityid/dknhyszjl7', acsUrl: 'https://saml.test.nope/session/sso/saml/acs/dknhyszjl7' },
    inResponseTo: '_5988bf45-1cc8-4228-b3e8-1aa8590e63d3',
  });
  const googleApps: Setting = {
    idp: idpFromMetadata('google-apps_idp_metadata_2016_crewjam.xml'),
    now: '2016-01-05T16:55:39Z',
    sp: { entityId: 'https://29ee6d2e.ngrok.io/saml/metadata', acsUrl: 'https://29ee6d2e.ngrok.io/saml/acs' },
    inResponseTo: 'id-fd419a5ab0472645427f8e07d87a3a5dd0b2e9a6',
  };
  add('corpus/google-apps-2016', 'Google Apps 2016: Response signed, Assertion not', 'google-apps_response_2016_crewjam.b64', false, googleApps);
  const google = xmlOf(r('google-apps_response_2016_crewjam.b64'), false);
  add('corpus/google-apps-2016-comment', 'Google Apps 2016 with a comment injected into the signed NameID (CVE-2018-7340)', { text: google.replace('>ross@octolabs.io<', '>ross@octolabs<!-- and a comment -->.io<') }, true, googleApps);
  add('corpus/google-workspace', 'Google Workspace: Assertion signed, unsolicited', 'google-workspace_response_ssoready.xml', true, {
    idp: idpFromMetadata('google-workspace_idp_metadata_ssoready.xml'),
    now: '2023-11-16T21:20:27.514Z',
    sp: { entityId: 'https://localhost:8080/accounts/bfeb03a0-6022-4862-9bbf-5a4d7608db35/saml', acsUrl: 'https://example.com/accounts/bfeb03a0-6022-4862-9bbf-5a4d7608db35/saml/acs' },
    inResponseTo: null,
  });
  add('corpus/okta-2020-encrypted', 'Okta 2020: EncryptedAssertion (RSA-OAEP + AES-256-CBC), inner Assertion signed', 'okta_response_encrypted-signed-assertion_2020_crewjam.b64', false, {
    idp: idpFromMetadata('okta-preview_idp_metadata_2020_crewjam.xml'),
    now: '2020-03-03T19:31:55Z',
    sp: { entityId: 'http://localhost:8000/saml/metadata', acsUrl: 'http://localhost:8000/saml/acs' },
    inResponseTo: 'id-6d976cdde8e76df5df0a8ff58148fc0b7ec6796d',
    spKeyPem: spKey,
  });
  add('corpus/onelogin-2016', 'OneLogin 2016: Response signed with RSA-SHA1', 'onelogin_response_2016_crewjam.b64', false, {
    idp: idpFromMetadata('onelogin_idp_metadata_503983_crewjam.xml'),
    now: '2016-01-05T17:53:12Z',
    sp: { entityId: 'https://29ee6d2e.ngrok.io/saml/metadata', acsUrl: 'https://29ee6d2e.ngrok.io/saml/acs' },
    inResponseTo: 'id-d40c15c104b52691eccf0a2a5c8a15595be75423',
  });
  add('corpus/oracle-access-manager-2016', 'Oracle Access Manager 2016: Assertion signed RSA-SHA1, no KeyInfo, 1024-bit key', 'oracle-access-manager_response_2016_gosaml2.xml', true, {
    idp: idpFromCert('https://deaoam-dev02.jpl.nasa.gov:14101/oam/fed', r('oracle-access-manager_cert_gosaml2.pem')),
    now: '2016-12-12T16:54:35Z',
    sp: { entityId: 'JSAuth', acsUrl: 'http://127.0.0.1:5556/callback' },
    inResponseTo: '_e66b3a98-831c-4c96-5706-b63fe0549624',
  });
  add('corpus/pingfederate-2017', 'PingFederate 2017: Assertion signed, no KeyInfo, no Destination', 'pingfederate_response_assertion-signed_no-destination_2017_gosaml2.b64', false, {
    idp: idpFromCert('https://saml.test.nope:9031/eid/sxpmrhbkzn', r('pingfederate_idp_signing_cert_gosaml2.pem')),
    now: '2017-09-01T21:24:46.268Z',
    sp: { entityId: 'https://saml.test.nope/session/sso/saml/spentityid/hp24dqnpvq', acsUrl: 'https://saml.test.nope/session/sso/saml/acs/hp24dqnpvq' },
    inResponseTo: '_5ff4ed23-bf22-4287-85a3-8b64948ad9f0',
  });
  add('corpus/pingone', 'PingOne: Assertion signed, unsolicited', 'pingone_response_ssoready.xml', true, {
    idp: idpFromMetadata('pingone_idp_metadata_ssoready.xml'),
    now: '2023-11-18T16:20:31.265Z',
    sp: { entityId: 'ssoready-entity-id', acsUrl: 'http://localhost' },
    inResponseTo: null,
  });
  add('corpus/simplesamlphp-2013', 'SimpleSAMLphp 2013: Assertion signed RSA-SHA1', 'simplesamlphp_response_wellspring_2013_ruby-saml.b64', false, {
    idp: idpFromCert('https://sso.wellspringworldwide.com/simplesaml/saml2/idp/metadata.php', r('simplesamlphp_wellspring_cert_ruby-saml.txt')),
    now: '2013-03-25T15:36:00Z',
    sp: { entityId: 'rpm.newrelic.com', acsUrl: 'https://rpm.newrelic.com/accounts/136857/sso/saml/finalize' },
    inResponseTo: '_9e1f35d0-778f-0130-1da9-042b2b4fd265',
  });
  const samltest: Setting = {
    idp: idpFromMetadata('shibboleth-idp_samltest-id_metadata_crewjam.xml'),
    now: '2021-08-17T10:26:57Z',
    sp: { entityId: 'http://localhost:8000/saml/metadata', acsUrl: 'http://localhost:8000/saml/acs' },
    inResponseTo: 'id-f3c7bc7d626a4ededa6028b718e5252c6e770b94',
    spKeyPem: spKey,
  };
  const soap = r('shibboleth-samltest-id_soap_artifactresponse_2021_crewjam.xml');
  const inner = new XMLSerializer().serializeToString(descendants(parseXml(soap), NS.samlp, 'Response')[0]! as unknown as Node);
  add('corpus/shibboleth-2021', 'Shibboleth (samltest.id) 2021: the Response from its ArtifactResponse, encrypted, second signing cert, judged 22 s before its IssueInstant (the source\'s test clock)', { text: inner }, true, samltest);
  add('corpus/shibboleth-2021-soap', 'Shibboleth (samltest.id) 2021: the SOAP ArtifactResponse posted as is', 'shibboleth-samltest-id_soap_artifactresponse_2021_crewjam.xml', true, samltest);
  add('corpus/okta-ssoready', 'Okta (SSOReady fixture): Response signature broken by an edit, Assertion signature valid', 'okta_response_ssoready.xml', true, {
    idp: idpFromMetadata('okta_idp_metadata_ssoready.xml'),
    now: '2024-04-25T20:31:55.494Z',
    sp: { entityId: 'http://localhost:8080', acsUrl: 'http://localhost:8080' },
    inResponseTo: null,
  });
  const adfsShaped = r('adfs-shaped_response_resigned_ruby-saml.xml');
  const adfsPem = Buffer.from(/<ds:X509Certificate>([^<]+)</.exec(adfsShaped)![1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  add('corpus/adfs-shaped-double-encoded-cert', 'ADFS-shaped (ruby-saml, re-signed): KeyInfo certificate double-encoded', 'adfs-shaped_response_resigned_ruby-saml.xml', true, {
    idp: idpFromCert('http://login.example.com/issuer', adfsPem),
    now: '2011-06-22T12:49:30.348Z',
    sp: { entityId: 'example.com', acsUrl: 'https://someone.example.com/endpoint' },
    inResponseTo: '_fc4a34b0-7efb-012e-caae-782bcb13bb38',
  });
  add('corpus/secureworks-2017', 'SecureWorks 2017: RSAKeyValue KeyInfo, an ID starting with a digit (not an xs:ID)', 'secureworks_response_rsakeyvalue-keyinfo_2017_crewjam.xml', true, {
    idp: idpFromMetadata('secureworks_idp_metadata_2017_crewjam.xml'),
    now: '2017-04-21T13:12:51Z',
    sp: { entityId: 'https://preview.docrocket-ross.test.octolabs.io/saml/metadata', acsUrl: 'https://preview.docrocket-ross.test.octolabs.io/saml/acs' },
    inResponseTo: 'id-3992f74e652d89c3cf1efd6c7e472abaac9bc917',
  });
  const starfield = xmlOf(r('starfieldtms_response_2012_ruby-saml.b64'), false);
  add('corpus/starfield-2012', 'StarfieldTMS 2012: no Destination, no AudienceRestriction, no Recipient, no Issuer', 'starfieldtms_response_2012_ruby-saml.b64', false, {
    idp: idpFromCert('Beeline.com', /<X509Certificate>([^<]+)</.exec(starfield)![1]!),
    now: '2012-11-28T18:13:45Z',
    sp: { entityId: 'https://sp.starfield.example/metadata', acsUrl: 'https://sp.starfield.example/acs' },
    inResponseTo: null,
  });
  add('corpus/testshib-2015', 'TestShib 2015: encrypted, signed with a 2006 key the metadata no longer lists', 'testshib_response_encrypted_2015_crewjam.xml', true, {
    idp: idpFromMetadata('testshib_entitiesdescriptor_idp_sp_crewjam.xml'),
    now: '2015-12-01T01:57:09Z',
    sp: { entityId: 'https://15661444.ngrok.io/saml2/metadata', acsUrl: 'https://15661444.ngrok.io/saml2/acs' },
    inResponseTo: 'id-9e61753d64e928af5a7a341a97f420c9',
    spKeyPem: spKey,
  });
  return cases;
}

// ---- the lab's attack cases -------------------------------------------------------------------------------------

const REQUEST_ID = '_lab_request_1';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** Signs the Assertion or the Response (enveloped, RSA-SHA256, exc-c14n, after its Issuer), as the demo IdP does. */
function signElement(xml: string, keys: KeyPair, element: 'Assertion' | 'Response'): string {
  const path = element === 'Response' ? "/*[local-name(.)='Response']" : "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";
  return samlify.SamlLib.constructSAMLSignature({
    // The Response is the message itself (one reference to the root); the Assertion is referenced by its path.
    ...(element === 'Response' ? { isMessageSigned: true } : { referenceTagXPath: path }),
    rawSamlMessage: xml,
    isBase64Output: false,
    privateKey: keys.privateKeyPem,
    signingCert: certBase64(keys.certificatePem),
    signatureAlgorithm: RSA_SHA256,
    signatureConfig: { prefix: 'ds', location: { reference: `${path}/*[local-name(.)='Issuer']`, action: 'after' } },
  }) as string;
}

const signBoth = (xml: string, keys: KeyPair): string => signElement(signElement(xml, keys, 'Assertion'), keys, 'Response');

/**
 * An EncryptedAssertion (the demo IdP's Assertion declares the saml namespace itself, so it verifies once decrypted
 * on its own, as node-saml does): sign the Assertion, encrypt it, sign the Response over it.
 */
function encryptedResponse(xml: string, keys: KeyPair, spCertificatePem: string, contentAlgorithm: string): string {
  const signed = signElement(xml, keys, 'Assertion');
  const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
  return signElement(signed.replace(assertion, () => encryptAssertion(assertion, spCertificatePem, { contentAlgorithm })), keys, 'Response');
}

/**
 * Cases where the lab and the libraries differ by design rather than by attack (issue 14: which of them fails or
 * warns is a grading choice, re-graded independently). Their lab verdict is recorded but not asserted.
 */
export const DEVIATION_CASES = ['lab/no-authn-statement', 'lab/unrelated-keyinfo', 'lab/encrypted-tripledes', 'lab/encrypted-aes256-gcm'];

export async function attackCases(): Promise<DifferentialCase[]> {
  const [idpKeys, attackerKeys, spKeys] = await Promise.all([makeKeyPair('Test IdP'), makeKeyPair('Attacker'), makeKeyPair('Test SP')]);
  const idp = trustedIdp(idpKeys);
  const setting: Setting = { idp, now: NOW.toISOString(), sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL }, inResponseTo: REQUEST_ID };
  const sign = (spec: Partial<ResponseSpec> = {}, keys: KeyPair = idpKeys): Promise<string> => signResponse(keys, { inResponseTo: REQUEST_ID, ...spec });
  const cases: DifferentialCase[] = [];
  const add = (id: string, title: string, xml: string, s: Partial<Setting> = {}): void => {
    cases.push(makeCase(id, title, b64(xml), { ...setting, ...s }));
  };

  const valid = await sign();
  add('lab/valid', 'Valid login: Response and Assertion signed (RSA-SHA256), SP-initiated', valid);
  add('lab/valid-assertion-signed', 'Valid login: only the Assertion signed', await sign({ signing: 'assertion' }));
  add('lab/valid-response-signed', 'Valid login: only the Response signed', await sign({ signing: 'response' }));
  add('lab/valid-unsolicited', 'Valid IdP-initiated login (no InResponseTo)', await sign({ inResponseTo: null }), { inResponseTo: null });
  add('lab/sha1', 'Valid login signed with RSA-SHA1', await sign({ signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }));
  add('lab/unsigned', 'Unsigned response', await sign({ signing: 'none' }));
  add('lab/signatures-stripped', 'Signatures stripped from a signed response', valid.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''));
  add('lab/tampered', 'A value changed after signing', valid.replace('>Anderson<', '>Evil<'));
  for (const variant of XSW_VARIANTS) add(`lab/xsw${variant}`, XSW_TITLES[variant], wrapSignature(await sign({ signing: xswSigning(variant) }), variant, 'alice@example.com', 'admin@example.com'));
  add('lab/key-substitution', 'Signed by an attacker key, the attacker certificate in KeyInfo', await sign({ nameId: 'admin@example.com' }, attackerKeys));
  add(
    'lab/key-substitution-trusted-keyinfo',
    'Signed by an attacker key, the trusted certificate copied into KeyInfo',
    (await sign({ nameId: 'admin@example.com' }, attackerKeys)).replaceAll(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/g, `<ds:X509Certificate>${certBase64(idpKeys.certificatePem)}</ds:X509Certificate>`),
  );
  add(
    'lab/comment-injection',
    'Comment injected into the signed NameID (alice@example.com<!---->.evil.example)',
    (await sign({ nameId: 'alice@example.com.evil.example' })).replace('>alice@example.com.evil.example<', '>alice@example.com<!---->.evil.example<'),
  );
  add('lab/wrong-audience', 'Audience of another SP', await sign({ overrides: { audience: 'https://other-sp.example' } }));
  add('lab/wrong-destination', 'Destination of another SP', await sign({ overrides: { destination: 'https://other-sp.example/acs' } }));
  add('lab/wrong-recipient', 'Bearer Recipient of another SP', await sign({ overrides: { recipient: 'https://other-sp.example/acs' } }));
  add('lab/wrong-issuer', 'Issuer of another IdP (signed with the trusted key)', await sign({ overrides: { issuer: 'https://rogue.example' } }));
  add('lab/failure-status', 'Status Responder with a signed assertion', await sign({ overrides: { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' } }));
  add('lab/expired', 'Expired two hours ago', await sign({ now: new Date(NOW.getTime() - 2 * 3600_000) }));
  add('lab/not-yet-valid', 'Valid only in an hour', await sign({ now: new Date(NOW.getTime() + 3600_000) }));
  add('lab/replay', 'Replay: the valid response posted a second time', valid, { replay: true });
  add('lab/in-response-to-other', 'InResponseTo of a request this SP never sent', await sign({ inResponseTo: '_someone_elses_request' }));
  add('lab/xxe', 'DOCTYPE with an external entity (XXE)', `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${valid.replace('>Anderson<', '>&xxe;<')}`);
  const second = (await sign({ signing: 'assertion', nameId: 'admin@example.com' })).match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
  add('lab/two-assertions', 'Two signed assertions, the second for admin@example.com', (await sign({ signing: 'assertion' })).replace('</samlp:Response>', `${second}</samlp:Response>`));

  // Deviations (see DEVIATION_CASES).
  const plain = responseXml({
    idpEntityId: idp.entityId, idpKeys, spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, nameId: 'alice@example.com',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', attributes: { email: ['alice@example.com'] }, now: NOW, inResponseTo: REQUEST_ID,
  });
  const noAuthn = plain.replace(/<saml:AuthnStatement[\s\S]*<\/saml:AuthnStatement>/, '');
  if (noAuthn === plain) throw new Error('the test response has no AuthnStatement to remove');
  add('lab/no-authn-statement', 'No AuthnStatement (as Keycloak sends for some flows), both signed', signBoth(noAuthn, idpKeys));
  // The Response's signature comes first (after the Response Issuer); nothing signs its KeyInfo.
  const unrelated = valid.replace(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/, `<ds:X509Certificate>${certBase64(attackerKeys.certificatePem)}</ds:X509Certificate>`);
  if (unrelated === valid || valid.indexOf('<ds:Signature') > valid.indexOf('<saml:Assertion')) throw new Error('expected the Response signature before the Assertion');
  add('lab/unrelated-keyinfo', "Signed with the trusted key, but the Response signature's KeyInfo carries an unrelated certificate", unrelated);
  const encrypted = (contentAlgorithm: string): string => encryptedResponse(plain, idpKeys, spKeys.certificatePem, contentAlgorithm);
  add('lab/encrypted-tripledes', 'EncryptedAssertion with tripledes-cbc (pysaml2/SATOSA default), RSA-OAEP, both signed', encrypted(ENC.tripledesCbc), { spKeyPem: spKeys.privateKeyPem });
  add('lab/encrypted-aes256-gcm', 'EncryptedAssertion with aes256-gcm, RSA-OAEP, both signed', encrypted(ENC.aes256gcm), { spKeyPem: spKeys.privateKeyPem });
  return cases;
}

