// Encrypted assertions: decrypted with the SP key, signatures inside and outside checked, bad cases named.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { b64, makeKeyPair, signResponse, trustedIdp, verifyInput } from '../testing/test-idp.ts';
import type { TrustedIdp } from './context.ts';
import { verifyResponse } from './verify.ts';
import { ENC } from './xmlenc.ts';

let idpKeys: KeyPair;
let spKeys: KeyPair;
let otherSpKeys: KeyPair;
let idp: TrustedIdp;

beforeAll(async () => {
  [idpKeys, spKeys, otherSpKeys] = await Promise.all([makeKeyPair('IdP'), makeKeyPair('SP'), makeKeyPair('Other SP')]);
  idp = trustedIdp(idpKeys);
});

const failed = (r: ReturnType<typeof verifyResponse>): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const check = (r: ReturnType<typeof verifyResponse>, id: string) => r.checks.find((c) => c.id === id);

describe('encrypted assertions', () => {
  it.each([
    ['AES-256-GCM', ENC.aes256gcm, 'pass'],
    ['AES-128-GCM', ENC.aes128gcm, 'pass'],
    ['AES-256-CBC', ENC.aes256cbc, 'warn'],
    ['AES-128-CBC', ENC.aes128cbc, 'warn'],
  ] as const)('decrypts %s + RSA-OAEP and reads the signed assertion', async (_name, contentAlgorithm, status) => {
    const xml = await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem, contentAlgorithm } });
    expect(xml).not.toContain('alice@example.com');
    const r = verifyResponse({ ...verifyInput(b64(xml), [idp]), spPrivateKeyPem: spKeys.privateKeyPem });
    expect(failed(r)).toEqual([]);
    expect(r.verdict).toBe('accepted');
    expect(r.nameId).toBe('alice@example.com');
    expect(check(r, 'assertion.decrypt')?.status).toBe(status);
    expect(check(r, 'signature.valid')?.received).toMatch(/<Response> by .*<Assertion \(decrypted\)> by/);
    expect(r.decryptedXml).toContain('<saml:NameID');
    expect(r.decryptedXml).not.toContain('EncryptedAssertion');
  });

  it('accepts an encrypted assertion covered only by the Response signature', async () => {
    const xml = await signResponse(idpKeys, { signing: 'response', encryptFor: { certificatePem: spKeys.certificatePem } });
    const r = verifyResponse({ ...verifyInput(b64(xml), [idp]), spPrivateKeyPem: spKeys.privateKeyPem });
    expect(r.verdict).toBe('accepted');
    expect(r.attributes.find((a) => a.name === 'sn')?.values).toEqual(['Anderson']);
  });

  it('rejects an encrypted assertion that nothing signs', async () => {
    const xml = await signResponse(idpKeys, { signing: 'none', encryptFor: { certificatePem: spKeys.certificatePem } });
    const r = verifyResponse({ ...verifyInput(b64(xml), [idp]), spPrivateKeyPem: spKeys.privateKeyPem });
    expect(r.verdict).toBe('rejected');
    expect(failed(r)).toEqual(expect.arrayContaining(['signature.valid', 'signature.covers-assertion']));
  });

  it('names the problem when there is no key, the wrong key, or RSA 1.5 key transport', async () => {
    const xml = await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem } });
    const noKey = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(failed(noKey)).toContain('assertion.decrypt');
    expect(check(noKey, 'assertion.decrypt')?.received).toContain('no SP private key');

    const wrongKey = verifyResponse({ ...verifyInput(b64(xml), [idp]), spPrivateKeyPem: otherSpKeys.privateKeyPem });
    expect(failed(wrongKey)).toContain('assertion.decrypt');
    expect(check(wrongKey, 'assertion.decrypt')?.hint).toContain('encryption certificate');

    const rsa15 = await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem, keyAlgorithm: ENC.rsa15 } });
    const refused = verifyResponse({ ...verifyInput(b64(rsa15), [idp]), spPrivateKeyPem: spKeys.privateKeyPem });
    expect(failed(refused)).toContain('assertion.decrypt');
    expect(check(refused, 'assertion.decrypt')?.received).toContain('rsa-1_5');
    expect(check(refused, 'assertion.decrypt')?.hint).toContain('RSA-OAEP');
  });

  it('rejects ciphertext changed after encryption (GCM tag)', async () => {
    const xml = await signResponse(idpKeys, { signing: 'assertion', encryptFor: { certificatePem: spKeys.certificatePem } });
    const values = [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)];
    const content = values[1]![1]!;
    const flipped = Buffer.from(content, 'base64');
    flipped[40] = flipped[40]! ^ 1;
    const r = verifyResponse({ ...verifyInput(b64(xml.replace(content, flipped.toString('base64'))), [idp]), spPrivateKeyPem: spKeys.privateKeyPem });
    expect(failed(r)).toContain('assertion.decrypt');
    expect(r.verdict).toBe('rejected');
  });
});

describe('policies', () => {
  it('enforces the signature placement policy', async () => {
    const assertionOnly = b64(await signResponse(idpKeys, { signing: 'assertion' }));
    const base = verifyInput(assertionOnly, [idp]);
    expect(verifyResponse(base).verdict).toBe('accepted');
    const r = verifyResponse({ ...base, policy: { ...base.policy, signaturePolicy: 'response' } });
    expect(failed(r)).toEqual(['signature.policy']);
    expect(verifyResponse({ ...base, policy: { ...base.policy, signaturePolicy: 'both' } }).verdict).toBe('rejected');
    expect(verifyResponse({ ...base, policy: { ...base.policy, signaturePolicy: 'assertion' } }).verdict).toBe('accepted');
  });

  it('warns on RSA-SHA1 by default and rejects it when the policy says so', async () => {
    const sha1 = b64(await signResponse(idpKeys, { signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }));
    const base = verifyInput(sha1, [idp]);
    const warned = verifyResponse(base);
    expect(warned.verdict).toBe('accepted');
    expect(check(warned, 'signature.algorithm')?.status).toBe('warn');
    expect(failed(verifyResponse({ ...base, policy: { ...base.policy, sha1Policy: 'reject' } }))).toEqual(['signature.algorithm']);
  });

  it('warns when a transient NameID arrives where the SP asks for persistent', async () => {
    const xml = b64(await signResponse(idpKeys, { nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' }));
    const base = verifyInput(xml, [idp]);
    const r = verifyResponse({ ...base, policy: { ...base.policy, nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' } });
    expect(r.verdict).toBe('accepted');
    expect(check(r, 'nameid.format')).toMatchObject({ status: 'warn', received: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' });
  });
});
