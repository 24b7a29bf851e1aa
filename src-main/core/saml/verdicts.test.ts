// The fail/warn rule on responses real IdPs send (issue 14), the hard limits before parsing and attribute ambiguity
// (issue 13), and the size / group limits (issue 16). Each response is signed here with the test IdP's key at a
// frozen clock; each test asserts the verdict and the check a person would read.
import { SignedXml } from 'xml-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { responseXml, type ResponseSpec } from '../demo-idp/response-builder.ts';
import type { KeyPair } from '../sp/keys.ts';
import { ACS_URL, ALICE, IDP_ENTITY_ID, NOW, SP_ENTITY_ID, b64, makeKeyPair, signResponse, trustedIdp, verifyInput } from '../testing/test-idp.ts';
import type { TrustedIdp, VerifyPolicy } from './context.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { verifyResponse, type VerifyResult } from './verify.ts';
import { ENC } from './xmlenc.ts';

let idpKeys: KeyPair;
let otherKeys: KeyPair;
let spKeys: KeyPair;
let idp: TrustedIdp;

beforeAll(async () => {
  [idpKeys, otherKeys, spKeys] = await Promise.all([makeKeyPair('Test IdP'), makeKeyPair('Unrelated CA'), makeKeyPair('Test SP')]);
  idp = trustedIdp(idpKeys);
});

const failed = (r: VerifyResult): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const check = (r: VerifyResult, id: string) => r.checks.find((c) => c.id === id);
const verify = (xml: string, policy: Partial<VerifyPolicy> = {}, extra: Parameters<typeof verifyInput>[2] = {}): VerifyResult => {
  const base = verifyInput(b64(xml), [idp], extra);
  return verifyResponse({ ...base, policy: { ...base.policy, ...policy } });
};

/**
 * The demo IdP's response XML, changed by `edit` BEFORE signing (so the change is covered by a valid signature),
 * then the Assertion signed (RSA-SHA256, exc-c14n, the IdP certificate in KeyInfo) as IdPs do.
 */
function signedWith(edit: (xml: string) => string, spec: Partial<ResponseSpec> = {}, keys: KeyPair = idpKeys): string {
  const xml = edit(
    responseXml({
      idpEntityId: IDP_ENTITY_ID,
      idpKeys: keys,
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      nameId: ALICE.nameId,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      attributes: ALICE.attributes,
      now: NOW,
      ...spec,
    }),
  );
  const id = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1]!;
  const sig = new SignedXml({
    privateKey: keys.privateKeyPem,
    publicCert: keys.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `//*[local-name(.)='Assertion' and @ID='${id}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
  return sig.getSignedXml();
}

const certText = (k: KeyPair): string => k.certificatePem.replace(/-----[^-]+-----|\s+/g, '');

describe('AuthnStatement missing (Keycloak clients with "Include AuthnStatement" off)', () => {
  it('is accepted with a warning naming the SPs that refuse it, and rejected when the policy requires it', () => {
    const xml = signedWith((x) => x.replace(/<saml:AuthnStatement[\s\S]*<\/saml:AuthnStatement>/, ''));
    expect(xml).not.toContain('AuthnStatement');
    const lenient = verify(xml);
    expect([lenient.verdict, failed(lenient)]).toEqual(['accepted', []]);
    expect(check(lenient, 'authn.statement')).toMatchObject({ status: 'warn', received: 'absent' });
    expect(check(lenient, 'authn.statement')?.hint).toMatch(/ruby-saml \(GitLab/);
    const strict = verify(xml, { requireAuthnStatement: true });
    expect([strict.verdict, failed(strict)]).toEqual(['rejected', ['authn.statement']]);
  });
});

describe('KeyInfo is a hint, never the trust', () => {
  it('accepts a signature that verifies with the metadata key although KeyInfo carries an unrelated certificate, with a warning', () => {
    // KeyInfo is not covered by the signature: replacing its certificate keeps the signature valid.
    const xml = signedWith((x) => x).replace(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/, `<ds:X509Certificate>${certText(otherKeys)}</ds:X509Certificate>`);
    expect(xml).toContain(certText(otherKeys));
    const r = verify(xml);
    expect([r.verdict, failed(r)]).toEqual(['accepted', []]);
    expect(check(r, 'signature.valid')?.status).toBe('pass');
    const c = check(r, 'signature.cert-in-metadata')!;
    expect(c.status).toBe('warn');
    expect(c.received).toMatch(/^KeyInfo: SHA-256 [0-9A-F:]+; verified by metadata certificate /);
    expect(c.hint).toMatch(/node-saml and pysaml2 ignore KeyInfo and accept this; ruby-saml .* refuses it/);
    expect(r.nameId).toBe('alice@example.com');
  });

  it('refuses the unrelated KeyInfo when the policy says KeyInfo must name a metadata certificate', () => {
    const xml = signedWith((x) => x).replace(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/, `<ds:X509Certificate>${certText(otherKeys)}</ds:X509Certificate>`);
    const r = verify(xml, { keyInfo: 'reject' });
    expect([r.verdict, failed(r)]).toEqual(['rejected', ['signature.cert-in-metadata']]);
  });

  it('still rejects a forgery that names the trusted certificate in KeyInfo (the key decides, not KeyInfo)', () => {
    const forged = signedWith((x) => x.replace('alice@example.com', 'admin@example.com'), {}, otherKeys).replace(
      /<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/,
      `<ds:X509Certificate>${certText(idpKeys)}</ds:X509Certificate>`,
    );
    const r = verify(forged);
    expect(r.verdict).toBe('rejected');
    expect(failed(r)).toContain('signature.valid');
    expect(r.nameId).toBeNull();
  });

  it('tries every metadata key whatever KeyInfo names (a rolled-over IdP whose KeyInfo names its old certificate)', () => {
    const rolled: TrustedIdp = { ...idp, certificates: [...trustedIdp(otherKeys).certificates, ...idp.certificates] };
    const xml = signedWith((x) => x).replace(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/, `<ds:X509Certificate>${certText(otherKeys)}</ds:X509Certificate>`);
    const r = verifyResponse(verifyInput(b64(xml), [rolled]));
    expect(r.verdict).toBe('accepted');
    expect(check(r, 'signature.cert-in-metadata')?.status).toBe('pass');
  });
});

describe('Triple-DES-CBC encryption (XML Encryption 1.1 "required to implement"; pysaml2 / SATOSA default)', () => {
  it('decrypts a tripledes-cbc assertion and warns, naming who refuses it', async () => {
    const xml = await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem, contentAlgorithm: ENC.tripledesCbc } });
    expect(xml).toContain(ENC.tripledesCbc);
    const r = verify(xml, {}, { spPrivateKeyPem: spKeys.privateKeyPem });
    expect([r.verdict, failed(r)]).toEqual(['accepted', []]);
    expect(check(r, 'assertion.decrypt')).toMatchObject({ status: 'warn', received: 'RSA-OAEP + Triple-DES-CBC' });
    expect(check(r, 'assertion.decrypt')?.hint).toMatch(/node-saml refuses it/);
    expect(r.nameId).toBe('alice@example.com');
    expect(r.attributes.find((a) => a.name === 'sn')?.values).toEqual(['Anderson']);
  });

  it('fails when the policy does not accept the algorithm (node-saml accepts only AES-GCM), with a hint about the algorithm, not the certificate', async () => {
    const xml = await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem, contentAlgorithm: ENC.tripledesCbc } });
    const r = verify(xml, { encryptionAlgorithms: [ENC.aes128gcm, ENC.aes256gcm] }, { spPrivateKeyPem: spKeys.privateKeyPem });
    expect([r.verdict, failed(r)]).toEqual(['rejected', ['assertion.decrypt']]);
    expect(check(r, 'assertion.decrypt')?.hint).toMatch(/AES-256-GCM/);
    expect(check(r, 'assertion.decrypt')?.hint).not.toMatch(/certificate/);
  });

  it('names an unknown content algorithm as such (no certificate advice)', async () => {
    const xml = (await signResponse(idpKeys, { signing: 'assertion', encryptFor: { certificatePem: spKeys.certificatePem } })).replace(ENC.aes256gcm, 'http://www.w3.org/2009/xmlenc11#camellia256-cbc');
    const r = verify(xml, {}, { spPrivateKeyPem: spKeys.privateKeyPem });
    expect(failed(r)).toContain('assertion.decrypt');
    expect(check(r, 'assertion.decrypt')?.hint).toMatch(/does not decrypt/);
    expect(check(r, 'assertion.decrypt')?.hint).not.toMatch(/certificate/);
  });
});

describe('hard limits before parsing', () => {
  const hostileAttributes = (n: number, valueBytes = 16): string =>
    Array.from({ length: n }, (_, i) => `<saml:Attribute Name="a${i}"><saml:AttributeValue>${'v'.repeat(valueBytes)}</saml:AttributeValue></saml:Attribute>`).join('');

  it('refuses a 2.5 MB unauthenticated post by its size in milliseconds, never parsing it', async () => {
    const xml = (await signResponse(idpKeys, { signing: 'none' })).replace('<saml:AttributeStatement>', `<saml:AttributeStatement>${hostileAttributes(25_000, 40)}`);
    expect(xml.length).toBeGreaterThan(2_500_000);
    const started = performance.now();
    const r = verify(xml);
    const ms = performance.now() - started;
    expect([r.verdict, failed(r)]).toEqual(['rejected', ['limits.response-bytes']]);
    expect(check(r, 'limits.response-bytes')?.received).toBe(`${Buffer.byteLength(xml)} bytes (decoded)`);
    expect(r.checks.some((c) => c.id === 'xml.well-formed')).toBe(false);
    // ~10 s of main-thread CPU before the limits (issue 13); the refusal is a base64 length check.
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses 1,001 attributes even in a response the trusted IdP signed', () => {
    const xml = signedWith((x) => x.replace('<saml:AttributeStatement>', `<saml:AttributeStatement>${hostileAttributes(DEFAULT_LIMITS.attributes + 1)}`));
    const r = verify(xml);
    expect([r.verdict, failed(r)]).toEqual(['rejected', ['limits.attributes']]);
    expect(check(r, 'limits.attributes')?.hint).toMatch(/Release only the attributes/);
    expect(r.attributes).toEqual([]);
  });

  it('refuses deep nesting and element floods before the parser sees them, and passes a normal response', async () => {
    const base = await signResponse(idpKeys);
    const deep = base.replace('<saml:AttributeStatement>', `<saml:AttributeStatement>${'<x:a xmlns:x="urn:x">'.repeat(DEFAULT_LIMITS.depth)}${'</x:a>'.repeat(DEFAULT_LIMITS.depth)}`);
    expect(failed(verify(deep))).toEqual(['limits.depth']);
    const flood = base.replace('<saml:AttributeStatement>', `<saml:AttributeStatement>${'<x:a xmlns:x="urn:x"/>'.repeat(DEFAULT_LIMITS.elements)}`);
    expect(failed(verify(flood))).toEqual(['limits.elements']);
    const manyXmlAttributes = base.replace('<saml:AttributeStatement>', `<saml:AttributeStatement ${Array.from({ length: 65 }, (_, i) => `xmlns:p${i}="urn:p${i}"`).join(' ')}>`);
    expect(failed(verify(manyXmlAttributes))).toEqual(['limits.xml-attributes']);
    const normal = verify(base);
    expect(normal.verdict).toBe('accepted');
    expect(['limits.response-bytes', 'limits.elements', 'limits.depth', 'limits.attributes'].map((id) => check(normal, id)?.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('does not count markup inside comments, CDATA or quoted attribute values', async () => {
    const base = await signResponse(idpKeys, { signing: 'none' });
    const quoted = base.replace('<samlp:Status>', `<!-- ${'<a>'.repeat(100)} --><samlp:Status>`);
    const r = verify(quoted);
    expect(check(r, 'limits.depth')?.status).toBe('pass');
    expect(check(r, 'limits.elements')?.received).toBe(check(verify(base), 'limits.elements')?.received);
  });
});

describe('attributes.unique: ambiguous attributes are never resolved silently', () => {
  const twice = (first: [string, string], second: [string, string], friendly = ''): string =>
    signedWith((x) =>
      x.replace(
        '<saml:AttributeStatement>',
        `<saml:AttributeStatement><saml:Attribute Name="${first[0]}"${friendly}><saml:AttributeValue>${first[1]}</saml:AttributeValue></saml:Attribute>` +
          `<saml:Attribute Name="${second[0]}"><saml:AttributeValue>${second[1]}</saml:AttributeValue></saml:Attribute>`,
      ),
    );

  it('fails when two attributes differing only in case disagree, and says which one is used', () => {
    const r = verify(twice(['Mail', 'mallory@evil.example'], ['mail', 'alice@example.com']));
    expect([r.verdict, failed(r)]).toEqual(['rejected', ['attributes.unique']]);
    const c = check(r, 'attributes.unique')!;
    expect(c.received).toContain('#1 Mail = [mallory@evil.example] vs #2 mail = [alice@example.com] (different values)');
    expect(c.hint).toContain('read the first in document order (#1 Mail)');
  });

  it('fails on the same Name twice with different values', () => {
    expect(failed(verify(twice(['role', 'admin'], ['role', 'viewer'])))).toEqual(['attributes.unique']);
  });

  it('fails when a FriendlyName collides with another attribute\'s Name and the values disagree', () => {
    const r = verify(twice(['urn:oid:0.9.2342.19200300.100.1.3', 'alice@example.com'], ['mail', 'mallory@evil.example'], ' FriendlyName="mail"'));
    expect(failed(r)).toEqual(['attributes.unique']);
    expect(check(r, 'attributes.unique')?.received).toContain('urn:oid:0.9.2342.19200300.100.1.3 (FriendlyName mail)');
  });

  it('only warns when the duplicates agree, and the policy can make any duplicate fail or only warn', () => {
    const agree = twice(['urn:oid:0.9.2342.19200300.100.1.3', 'alice@example.com'], ['mail', 'alice@example.com'], ' FriendlyName="mail"');
    const r = verify(agree);
    expect([r.verdict, check(r, 'attributes.unique')?.status]).toEqual(['accepted', 'warn']);
    expect(failed(verify(agree, { duplicateAttributes: 'fail' }))).toEqual(['attributes.unique']);
    const disagree = twice(['Mail', 'mallory@evil.example'], ['mail', 'alice@example.com']);
    expect(verify(disagree, { duplicateAttributes: 'warn' }).verdict).toBe('accepted');
  });

  it('passes distinct attributes', async () => {
    expect(check(verify(await signResponse(idpKeys)), 'attributes.unique')?.status).toBe('pass');
  });
});

describe('groups.count, groups.overage and response.size', () => {
  it('warns above 150 groups (Entra ID\'s SAML limit) and passes 150', async () => {
    const groups = (n: number) => Array.from({ length: n }, (_, i) => `group-${i}`);
    const many = verify(await signResponse(idpKeys, { attributes: { ...ALICE.attributes, groups: groups(200) } }));
    expect([many.verdict, check(many, 'groups.count')?.status, check(many, 'groups.count')?.received]).toEqual(['accepted', 'warn', '200 groups in groups']);
    expect(check(many, 'groups.count')?.hint).toMatch(/group filtering|Filter the groups/);
    expect(check(verify(await signResponse(idpKeys, { attributes: { ...ALICE.attributes, groups: groups(150) } })), 'groups.count')?.status).toBe('pass');
  });

  it('warns on Entra ID\'s overage claim (groups.link) instead of groups, with the three fixes', async () => {
    const overage = { ...ALICE.attributes, groups: [] as string[], 'http://schemas.microsoft.com/claims/groups.link': ['https://graph.windows.net/tenant/users/alice/getMemberObjects'] };
    const r = verify(await signResponse(idpKeys, { attributes: overage }));
    expect([r.verdict, check(r, 'groups.overage')?.status]).toEqual(['accepted', 'warn']);
    expect(check(r, 'groups.overage')?.received).toMatch(/groups\.link = https:\/\/graph.*; no groups sent/);
    expect(check(r, 'groups.overage')?.hint).toMatch(/group filtering.*app roles.*Microsoft Graph/);
  });

  it('warns when the posted form is larger than common SP stacks accept, naming them', async () => {
    const big = await signResponse(idpKeys, { attributes: { ...ALICE.attributes, groups: Array.from({ length: 1_000 }, (_, i) => `CN=group-${i},OU=Groups,DC=corp,DC=example,DC=com`) } });
    const r = verify(big);
    const c = check(r, 'response.size')!;
    expect(c.status).toBe('warn');
    expect(c.hint).toMatch(/Express body-parser urlencoded .*\(102400 bytes\)/);
    expect(c.hint).toMatch(/Keycloak 24\+/);
    expect(c.hint).not.toMatch(/Tomcat/);
    // The listener may pass the posted form size: then it is what the form limits compare.
    const posted = verify(big, {}, { postedFormBytes: 3_000_000 });
    expect(check(posted, 'response.size')?.hint).toMatch(/Tomcat/);
    expect(check(verify(await signResponse(idpKeys)), 'response.size')?.status).toBe('pass');
  });
});
