// The SP metadata describes what the SP actually does.
import { describe, expect, it } from 'vitest';
import { makeKeyPair } from '../testing/test-idp.ts';
import { parseXml } from '../util/xml.ts';
import { spMetadataXml, wantAssertionsSignedFor } from './sp-metadata.ts';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

describe('spMetadataXml', () => {
  it('says AuthnRequestsSigned and WantAssertionsSigned as given', async () => {
    const keys = await makeKeyPair('Test SP');
    const read = (authnRequestsSigned: boolean, wantAssertionsSigned: boolean) => {
      const xml = spMetadataXml({ entityId: 'urn:test:sp', acsUrl: 'http://127.0.0.1:7820/saml/acs', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', certificatePem: keys.certificatePem, authnRequestsSigned, wantAssertionsSigned });
      const sp = parseXml(xml).getElementsByTagNameNS(MD, 'SPSSODescriptor')[0]!;
      return [sp.getAttribute('AuthnRequestsSigned'), sp.getAttribute('WantAssertionsSigned')];
    };
    expect(read(true, false)).toEqual(['true', 'false']);
    expect(read(false, true)).toEqual(['false', 'true']);
  });

  it('wants the assertion signed only when the signature policy requires the Assertion signed', () => {
    expect((['either', 'response', 'assertion', 'both'] as const).map(wantAssertionsSignedFor)).toEqual([false, false, true, true]);
  });
});
