import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { ACS_URL, NOW, b64, makeKeyPair, signResponse, trustedIdp, verifyInput } from '../testing/test-idp.ts';
import type { TrustedIdp } from './context.ts';
import { verifyResponse } from './verify.ts';

let idpKeys: KeyPair;
let attackerKeys: KeyPair;
let idp: TrustedIdp;

beforeAll(async () => {
  [idpKeys, attackerKeys] = await Promise.all([makeKeyPair('Test IdP'), makeKeyPair('Attacker')]);
  idp = trustedIdp(idpKeys);
});

const failed = (r: ReturnType<typeof verifyResponse>): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const check = (r: ReturnType<typeof verifyResponse>, id: string) => r.checks.find((c) => c.id === id);

describe('verifyResponse: accepted responses', () => {
  it.each(['both', 'assertion', 'response'] as const)('accepts a response signed on %s and reads the signed values', async (signing) => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { signing })), [idp]));
    expect(failed(r)).toEqual([]);
    expect(r.verdict).toBe('accepted');
    expect(r.nameId).toBe('alice@example.com');
    expect(r.attributes.find((a) => a.name === 'groups')?.values).toEqual(['engineering', 'sso-admins']);
    expect(check(r, 'signature.cert-in-metadata')?.received).toContain('verified by');
    expect(check(r, 'in-response-to')?.status).toBe('warn');
  });

  it('accepts raw XML as well as base64', async () => {
    const r = verifyResponse({ ...verifyInput(await signResponse(idpKeys), [idp]), isXml: true });
    expect(r.verdict).toBe('accepted');
  });

  it('accepts an SP-initiated response whose InResponseTo is outstanding', async () => {
    const xml = await signResponse(idpKeys, { inResponseTo: '_req1' });
    const r = verifyResponse(
      verifyInput(b64(xml), [idp], {
        outstanding: { find: (id) => (id === '_req1' ? { idpEntityId: idp.entityId, expiresAt: new Date(NOW.getTime() + 60_000) } : null) },
      }),
    );
    expect(r.verdict).toBe('accepted');
    expect(check(r, 'in-response-to')).toMatchObject({ status: 'pass', received: '_req1' });
    expect(r.inResponseTo).toBe('_req1');
  });

  it('tolerates clock skew within the allowance', async () => {
    const xml = await signResponse(idpKeys, { now: new Date(NOW.getTime() + 120_000) }); // IdP clock 2 min ahead
    expect(verifyResponse(verifyInput(b64(xml), [idp])).verdict).toBe('accepted');
  });
});

describe('verifyResponse: key rollover', () => {
  it('accepts a signature by any metadata certificate and reports which one', async () => {
    const rolled: TrustedIdp = { ...idp, certificates: [...trustedIdp(attackerKeys).certificates, ...idp.certificates] };
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys)), [rolled]));
    expect(r.verdict).toBe('accepted');
    const used = idp.certificates[0]!.fingerprintSha256.slice(0, 23);
    expect(check(r, 'signature.cert-in-metadata')?.received).toBe(`verified by ${used}…`);
    expect(check(r, 'signature.cert-in-metadata')?.expected).toContain(trustedIdp(attackerKeys).certificates[0]!.fingerprintSha256.slice(0, 23));
  });
});

describe('verifyResponse: rejections name the failing check', () => {
  it('rejects a value changed after signing (signature.valid)', async () => {
    const xml = (await signResponse(idpKeys)).replace('>Anderson<', '>Mallory<');
    const r = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(r.verdict).toBe('rejected');
    expect(failed(r)).toContain('signature.valid');
    expect(r.attributes).toEqual([]);
  });

  it('rejects an unsigned response', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { signing: 'none' })), [idp]));
    expect(failed(r)).toEqual(expect.arrayContaining(['signature.valid', 'signature.covers-assertion']));
    expect(r.verdict).toBe('rejected');
  });

  it('rejects a response signed by a key not in the metadata and names both fingerprints', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(attackerKeys)), [idp]));
    expect(failed(r)).toContain('signature.cert-in-metadata');
    const c = check(r, 'signature.cert-in-metadata')!;
    expect(c.received).toMatch(/^KeyInfo: SHA-256 [0-9A-F:]+$/);
    expect(c.hint).toMatch(/rolled over .* or the response was forged/);
  });

  it('rejects the wrong audience', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { overrides: { audience: 'urn:other:sp' } })), [idp]));
    expect(failed(r)).toEqual(['audience']);
    expect(check(r, 'audience')).toMatchObject({ expected: 'urn:test:sp', received: 'urn:other:sp' });
  });

  it('rejects the wrong destination', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { overrides: { destination: 'https://evil.example/acs' } })), [idp]));
    expect(failed(r)).toEqual(['destination']);
    expect(check(r, 'destination')?.hint).toContain(ACS_URL);
  });

  it('rejects the wrong recipient', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { overrides: { recipient: 'https://evil.example/acs' } })), [idp]));
    expect(failed(r)).toEqual(['subject-confirmation.recipient']);
  });

  it('rejects an expired response', async () => {
    const xml = await signResponse(idpKeys, { now: new Date(NOW.getTime() - 3600_000) });
    const r = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(failed(r)).toEqual(expect.arrayContaining(['conditions.time-window', 'subject-confirmation.expiry']));
  });

  it('rejects a response that is not yet valid', async () => {
    const xml = await signResponse(idpKeys, { now: new Date(NOW.getTime() + 600_000) });
    expect(failed(verifyResponse(verifyInput(b64(xml), [idp])))).toContain('conditions.time-window');
  });

  it('rejects a response from an IdP that is not configured', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { idpEntityId: 'https://unknown.example' })), [idp]));
    expect(failed(r)).toContain('issuer.known');
    expect(r.verdict).toBe('rejected');
  });

  it('rejects a failure status even with a valid signature', async () => {
    const xml = await signResponse(idpKeys, { overrides: { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' } });
    const r = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(failed(r)).toEqual(['status.success']);
  });

  it('rejects a replayed assertion', async () => {
    const r = verifyResponse(verifyInput(b64(await signResponse(idpKeys)), [idp], { replay: { seen: () => true } }));
    expect(failed(r)).toEqual(['replay']);
  });

  it('rejects an InResponseTo we never sent, and unsolicited when the policy forbids it', async () => {
    const solicited = verifyResponse(verifyInput(b64(await signResponse(idpKeys, { inResponseTo: '_nope' })), [idp]));
    expect(failed(solicited)).toEqual(['in-response-to']);
    const unsolicited = verifyResponse(
      verifyInput(b64(await signResponse(idpKeys)), [idp], { policy: { clockSkewSeconds: 180, allowUnsolicited: false, maxResponseBytes: 1e6 } }),
    );
    expect(failed(unsolicited)).toEqual(['in-response-to']);
  });

  it('rejects a DOCTYPE before parsing it', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${(await signResponse(idpKeys)).replace('>alice@example.com<', '>&x;<')}`;
    const r = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(failed(r)).toEqual(['xml.doctype']);
    expect(r.nameId).toBeNull();
  });

  it('rejects garbage, truncated and non-UTF-8 input with a named check', async () => {
    expect(failed(verifyResponse(verifyInput('%%%not base64%%%', [idp])))).toEqual(['response.decode']);
    expect(failed(verifyResponse(verifyInput(Buffer.from([0xff, 0xfe, 0x3c]).toString('base64'), [idp])))).toEqual(['response.decode']);
    const truncated = (await signResponse(idpKeys)).slice(0, 900);
    expect(failed(verifyResponse(verifyInput(b64(truncated), [idp])))).toEqual(['xml.well-formed']);
  });

  it('rejects a second (unsigned) assertion next to the signed one', async () => {
    const xml = await signResponse(idpKeys, { signing: 'assertion' });
    const evil = xml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0].replace(/ID="[^"]+"/, 'ID="_evil"').replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('alice@example.com', 'admin@example.com');
    const r = verifyResponse(verifyInput(b64(xml.replace('</samlp:Response>', `${evil}</samlp:Response>`)), [idp]));
    expect(r.verdict).toBe('rejected');
    expect(failed(r)).toContain('xml.single-assertion');
  });

  it('reads a NameID with a comment inside in full, and warns (CVE-2018-7340 pattern)', async () => {
    // The attacker owns alice@example.com.evil.example at the IdP and inserts a comment after signing:
    // c14n drops comments, so the signature still verifies; a reader that stops at the comment sees alice.
    const xml = (await signResponse(idpKeys, { nameId: 'alice@example.com.evil.example' })).replace(
      '>alice@example.com.evil.example<',
      '>alice@example.com<!-- injected -->.evil.example<',
    );
    const r = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(r.nameId).toBe('alice@example.com.evil.example');
    expect(check(r, 'nameid.present')).toMatchObject({ status: 'pass', received: 'alice@example.com.evil.example' });
    expect(check(r, 'xml.comment-in-value')).toMatchObject({ status: 'warn', received: 'NameID "alice@example.com.evil.example"' });
  });

  it('rejects a comment that changes the signed NameID text', async () => {
    const xml = (await signResponse(idpKeys)).replace('>alice@example.com<', '>alice@example.com<!-- x -->.evil.example<');
    const r = verifyResponse(verifyInput(b64(xml), [idp]));
    expect(r.verdict).toBe('rejected');
    expect(failed(r)).toContain('signature.valid');
  });
});

describe('verifyResponse: values come only from signed bytes', () => {
  it('ignores the unsigned copy when the signed assertion is moved (XSW)', async () => {
    const xml = await signResponse(idpKeys, { signing: 'assertion' });
    // Wrap the original signed assertion inside an Extensions-like element and put a forged one in its place.
    const original = xml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
    const forged = original.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('alice@example.com', 'admin@example.com');
    const attacked = xml.replace(original, `${forged}<samlp:Extensions>${original}</samlp:Extensions>`);
    const r = verifyResponse(verifyInput(b64(attacked), [idp]));
    expect(r.verdict).toBe('rejected');
    expect(r.nameId).not.toBe('admin@example.com');
  });
});
