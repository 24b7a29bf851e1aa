// The demo IdP's encrypted assertions are usable by a real SP library: @node-saml/node-saml, given the SP key,
// decrypts each content algorithm the demo IdP offers, verifies the assertion's signature on the decrypted assertion
// alone, and reads the NameID. (An Assertion that relied on the Response's namespace declarations failed there with
// "Invalid signature from encrypted assertion".)
import { SAML } from '@node-saml/node-saml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { ACS_URL, SP_ENTITY_ID, makeKeyPair, signResponse } from '../testing/test-idp.ts';
import { CONTENT_ENCRYPTION, encryptAssertionFor, type ContentEncryption } from './assertion-encrypt.ts';

let idp: KeyPair;
let sp: KeyPair;

beforeAll(async () => {
  [idp, sp] = await Promise.all([makeKeyPair('Demo IdP'), makeKeyPair('Lab SP')]);
});

describe('encrypted demo IdP responses in node-saml', () => {
  it.each(Object.keys(CONTENT_ENCRYPTION) as ContentEncryption[])('%s: decrypted, signature verified, NameID read', async (algorithm) => {
    const xml = await signResponse(idp, { encryptFor: { certificatePem: sp.certificatePem, encrypt: (plain) => encryptAssertionFor(plain, sp.certificatePem, algorithm) } });
    expect(xml).toContain('<saml:EncryptedAssertion');
    expect(xml).not.toContain('<saml:Assertion');
    const saml = new SAML({ callbackUrl: ACS_URL, issuer: SP_ENTITY_ID, audience: SP_ENTITY_ID, idpCert: idp.certificatePem, decryptionPvk: sp.privateKeyPem, acceptedClockSkewMs: -1 });
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') });
    expect(profile?.nameID).toBe('alice@example.com');
  });
});
