// The signed HTTP-Redirect request survives IdPs that rebuild the signed string from the parsed query (pysaml2:
// urlencode, i.e. Python's quote_plus) instead of using the raw query bytes.
import { createVerify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { NOW, makeKeyPair } from '../testing/test-idp.ts';
import { buildLogin, parseRedirectAuthnRequest, queryEncode } from './authn-request.ts';

let sp: KeyPair;
beforeAll(async () => {
  sp = await makeKeyPair('Test SP');
});

/** Python's urllib.parse.quote_plus on UTF-8 bytes: only A-Z a-z 0-9 _ . - ~ stay, a space becomes "+". */
function quotePlus(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.\-~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What pysaml2's verify_redirect_signature checks: the parsed query re-encoded, in SAMLRequest, RelayState, SigAlg order. */
function pysaml2Verifies(url: string, certificatePem: string): boolean {
  const q = new URL(url).searchParams; // form decoding: "+" is a space, %XX decoded
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => q.has(k)).map((k) => `${k}=${quotePlus(q.get(k)!)}`).join('&');
  return createVerify('RSA-SHA256').update(signed).verify(certificatePem, q.get('Signature')!, 'base64');
}

const RELAY_STATES = ['plain', 'with space', "it's (really) *odd*!", '/app/next?x=1&y=two words~', 'ünïcødé ✓', '+already+plus+%20'];

describe('signed HTTP-Redirect AuthnRequest', () => {
  it.each(RELAY_STATES)('RelayState %j: the signature verifies over the raw query AND after pysaml2-style re-encoding, and decodes to the original', (relayState) => {
    const start = buildLogin({
      spEntityId: 'urn:test:sp',
      acsUrl: 'http://127.0.0.1:7820/saml/acs',
      ssoUrl: 'https://idp.example/sso',
      binding: 'redirect',
      nameIdFormat: null,
      relayState,
      signWith: sp,
      now: NOW,
    });
    if (start.binding !== 'redirect') throw new Error('expected a redirect');
    const url = new URL(start.url);
    expect(parseRedirectAuthnRequest(url.search, sp.certificatePem).signature).toBe('valid');
    expect(pysaml2Verifies(start.url, sp.certificatePem)).toBe(true);
    expect(url.searchParams.get('RelayState')).toBe(relayState);
  });

  it('encodes exactly like quote_plus, where encodeURIComponent does not', () => {
    const value = "a b!'()*~-_.Zé/+=";
    expect(queryEncode(value)).toBe(quotePlus(value));
    expect(encodeURIComponent(value)).not.toBe(quotePlus(value));
  });
});
