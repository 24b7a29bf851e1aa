// Days left per signing certificate, which key the IdP signs with now (read from a real login's checks), and the
// rollover rehearsal: after the switch, are logins signed by the new key accepted?
import { generate } from 'selfsigned';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../contract/index.ts';
import { verifyResponse } from '../saml/verify.ts';
import type { KeyPair } from '../sp/keys.ts';
import { IDP_ENTITY_ID, b64, idpMetadataXml, signResponse, verifyInput } from '../testing/test-idp.ts';
import { parseIdpMetadata, type IdpMetadata } from './metadata.ts';
import { expiringWithin, lastSignedWith, rolloverStatus, signedWithFromChecks, signingCertExpiry } from './rollover.ts';

const DAY = 86_400_000;
const NOW = new Date('2030-06-01T12:00:00.000Z');

async function keyPair(cn: string, notAfter: Date): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256', notBeforeDate: new Date(NOW.getTime() - 365 * DAY), notAfterDate: notAfter });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}

let current: KeyPair;
let next: KeyPair;
let other: KeyPair;
let both: IdpMetadata;
let onlyCurrent: IdpMetadata;
let signedWith: string | null;
let loginChecks: Check[] = [];

beforeAll(async () => {
  [current, next, other] = await Promise.all([
    keyPair('Current IdP key', new Date(NOW.getTime() + 10 * DAY)),
    keyPair('Next IdP key', new Date(NOW.getTime() + 400 * DAY)),
    keyPair('Unannounced IdP key', new Date(NOW.getTime() + 800 * DAY)),
  ]);
  both = parseIdpMetadata(idpMetadataXml(current, IDP_ENTITY_ID, [next]));
  onlyCurrent = parseIdpMetadata(idpMetadataXml(current));
  // A real login signed with the current key, verified against the metadata listing both.
  const login = verifyResponse(verifyInput(b64(await signResponse(current)), [{ id: 'idp', name: 'IdP', entityId: IDP_ENTITY_ID, certificates: both.certificates }]));
  expect(login.verdict).toBe('accepted');
  signedWith = signedWithFromChecks(login.checks);
  loginChecks = login.checks;
}, 60_000);

describe('certificate expiry', () => {
  it('days left per signing certificate, soonest first; within N days lists the expiring one with its date', () => {
    const all = signingCertExpiry([both], NOW);
    expect(all.map((c) => [c.subject.includes('Current') ? 'current' : 'next', c.daysLeft])).toEqual([['current', 10], ['next', 400]]);
    expect(all[0]!.notAfter.slice(0, 10)).toBe('2030-06-11');
    expect(expiringWithin([both], NOW, 30).map((c) => c.notAfter.slice(0, 10))).toEqual(['2030-06-11']);
    expect(expiringWithin([both], NOW, 5)).toEqual([]);
    expect(expiringWithin([both], new Date(NOW.getTime() + 20 * DAY), 0).map((c) => c.expired)).toEqual([true]);
  });
});

describe('rollover rehearsal', () => {
  it('reads the key in use from the login, and says the new key will be accepted when the lab already trusts it', () => {
    expect(signedWith).not.toBeNull();
    const status = rolloverStatus({ trusted: both, now: NOW, signedWith });
    expect(status.current?.subject).toContain('Current IdP key');
    expect(status.next.map((c) => c.subject)).toEqual([expect.stringContaining('Next IdP key')]);
    expect(status.newKeyAccepted).toBe(true);
    expect(status.summary).toMatch(/10 days left.*will be accepted: yes/);
  });

  it('takes the key of the newest accepted login of that IdP', () => {
    const other = { idpEntityId: 'https://other.example', verdict: 'accepted', checks: [{ id: 'signature.cert-in-metadata', title: '', status: 'pass' as const, expected: null, received: 'verified by 00:11:22…', hint: null }] };
    const rejected = { idpEntityId: IDP_ENTITY_ID, verdict: 'rejected', checks: [] };
    expect(lastSignedWith([{ idpEntityId: IDP_ENTITY_ID, verdict: 'accepted', checks: loginChecks }, other, rejected], IDP_ENTITY_ID)).toBe(signedWith);
    expect(lastSignedWith([other, rejected], IDP_ENTITY_ID)).toBeNull();
  });

  it('says no when the IdP publishes a new key the lab does not trust yet', () => {
    const published = parseIdpMetadata(idpMetadataXml(current, IDP_ENTITY_ID, [other]));
    const status = rolloverStatus({ trusted: onlyCurrent, published, now: NOW, signedWith });
    expect(status.newKeyAccepted).toBe(false);
    expect(status.summary).toMatch(/will be accepted: no — the lab does not trust .* yet; refresh the metadata/);
  });

  it('without a second certificate, or without a login naming the key, it cannot say (null) and says why', () => {
    const single = rolloverStatus({ trusted: onlyCurrent, now: NOW, signedWith });
    expect(single.newKeyAccepted).toBeNull();
    expect(single.summary).toMatch(/publishes no other signing certificate/);
    const unknown = rolloverStatus({ trusted: both, now: NOW, signedWith: null });
    expect(unknown.newKeyAccepted).toBeNull();
    expect(unknown.current).toBeNull();
    expect(unknown.certificates.map((c) => c.daysLeft)).toEqual([10, 400]);
  });
});
