// The metadata parser on the shapes real IdPs publish and on the bad input people paste, with metadata this test
// writes (and signs) itself. Real vendor files are in corpus.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { makeKeyPair } from '../testing/test-idp.ts';
import { certBase64, fingerprintSha256 } from '../util/cert.ts';
import { labErrorOf, signMetadata } from './test-support.ts';
import { BINDING, decodeMetadataBytes, listEntities, overviewMetadata, parseIdpMetadata, signingCerts, ssoLocation } from './metadata.ts';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML2 = 'urn:oasis:names:tc:SAML:2.0:protocol';

let idpKeys: KeyPair;
let nextKeys: KeyPair;
let otherKeys: KeyPair;
beforeAll(async () => {
  [idpKeys, nextKeys, otherKeys] = await Promise.all([makeKeyPair('Metadata IdP'), makeKeyPair('Metadata IdP next'), makeKeyPair('Someone else')]);
});

const keyDescriptor = (keys: KeyPair, use: string | null, p = 'md:'): string =>
  `<${p}KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate>${certBase64(keys.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></${p}KeyDescriptor>`;

function entity(opts: { entityId?: string; id?: string; p?: string; keys?: string; sso?: string; extra?: string; attrs?: string } = {}): string {
  const p = opts.p ?? 'md:';
  const xmlns = p ? `xmlns:md="${MD}"` : `xmlns="${MD}"`;
  return (
    `<${p}EntityDescriptor ${xmlns} entityID="${opts.entityId ?? 'https://idp.example.org/saml'}"${opts.id ? ` ID="${opts.id}"` : ''}${opts.attrs ?? ''}>` +
    `<${p}IDPSSODescriptor protocolSupportEnumeration="${SAML2}">${opts.keys ?? keyDescriptor(idpKeys, 'signing', p)}` +
    (opts.sso ?? `<${p}SingleSignOnService Binding="${BINDING.redirect}" Location="https://idp.example.org/sso"/>`) +
    `</${p}IDPSSODescriptor>${opts.extra ?? ''}</${p}EntityDescriptor>`
  );
}


describe('what real IdPs publish', () => {
  it('reads prefixed and default-namespace metadata alike, after a BOM, an XML declaration and comments', () => {
    const prefixed = parseIdpMetadata(`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported by the IdP -->\n<!-- twice -->\n${entity()}`);
    const unprefixed = parseIdpMetadata(entity({ p: '' }));
    for (const md of [prefixed, unprefixed]) {
      expect(md.entityId).toBe('https://idp.example.org/saml');
      expect(ssoLocation(md, BINDING.redirect)).toBe('https://idp.example.org/sso');
      expect(md.certificates.map((c) => c.fingerprintSha256)).toEqual([fingerprintSha256(idpKeys.certificatePem)]);
    }
  });

  it('keeps both signing certificates during a rollover, and the encryption cert apart', () => {
    const md = parseIdpMetadata(entity({ keys: keyDescriptor(idpKeys, 'signing') + keyDescriptor(nextKeys, 'signing') + keyDescriptor(otherKeys, 'encryption') }));
    expect(signingCerts(md).map((c) => c.fingerprintSha256)).toEqual([fingerprintSha256(idpKeys.certificatePem), fingerprintSha256(nextKeys.certificatePem)]);
    expect(md.certificates.map((c) => c.use)).toEqual(['signing', 'signing', 'encryption']);
  });

  it('takes POST-only and Redirect-only SSO, and de-duplicates repeated endpoints', () => {
    const postOnly = parseIdpMetadata(entity({ sso: `<md:SingleSignOnService Binding="${BINDING.post}" Location="https://idp/post"/>`.repeat(2) }));
    expect(postOnly.ssoServices).toEqual([{ binding: BINDING.post, location: 'https://idp/post' }]);
    expect(ssoLocation(postOnly, BINDING.redirect)).toBeNull();
    const redirectOnly = parseIdpMetadata(entity());
    expect(ssoLocation(redirectOnly, BINDING.post)).toBeNull();
  });

  it('reads SLO, NameID formats, WantAuthnRequestsSigned, validUntil, cacheDuration and the mdui display name', () => {
    const xml =
      `<md:EntityDescriptor xmlns:md="${MD}" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" entityID="https://idp" validUntil="2031-01-01T00:00:00Z" cacheDuration="PT6H">` +
      `<md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol ${SAML2}">` +
      `<md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="de">Anmeldung</mdui:DisplayName><mdui:DisplayName xml:lang="en">Example Login</mdui:DisplayName></mdui:UIInfo></md:Extensions>` +
      keyDescriptor(idpKeys, null) +
      `<md:SingleLogoutService Binding="${BINDING.redirect}" Location="https://idp/slo" ResponseLocation="https://idp/slo-return"/>` +
      `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat><md:NameIDFormat> urn:oasis:names:tc:SAML:2.0:nameid-format:transient </md:NameIDFormat>` +
      `<md:SingleSignOnService Binding="${BINDING.post}" Location="https://idp/sso"/>` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`;
    const md = parseIdpMetadata(xml);
    expect(md).toMatchObject({
      displayName: 'Example Login',
      wantAuthnRequestsSigned: true,
      validUntil: '2031-01-01T00:00:00Z',
      cacheDuration: 'PT6H',
      nameIdFormats: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'],
      sloServices: [{ binding: BINDING.redirect, location: 'https://idp/slo', responseLocation: 'https://idp/slo-return' }],
      signature: { status: 'absent' },
    });
    expect(md.certificates[0]!.use).toBe('any');
  });

  it('unwraps a double-encoded certificate (base64 of a PEM) and says so', () => {
    const doubled = Buffer.from(idpKeys.certificatePem).toString('base64');
    const md = parseIdpMetadata(entity({ keys: `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate>${doubled}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` }));
    expect(md.certificates[0]!.fingerprintSha256).toBe(fingerprintSha256(idpKeys.certificatePem));
    expect(md.warnings.map((w) => w.code)).toEqual(['cert-double-encoded']);
  });

  it('decodes UTF-16 files with a BOM (PowerShell downloads) and UTF-8 with a BOM', () => {
    const xml = `<?xml version="1.0" encoding="utf-16"?>\r\n${entity()}`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    expect(parseIdpMetadata(decodeMetadataBytes(utf16)).entityId).toBe('https://idp.example.org/saml');
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(entity())]);
    expect(parseIdpMetadata(decodeMetadataBytes(utf8)).entityId).toBe('https://idp.example.org/saml');
  });
});

describe('aggregates (EntitiesDescriptor)', () => {
  const aggregate = (): string =>
    `<md:EntitiesDescriptor xmlns:md="${MD}" Name="urn:example:federation" validUntil="2040-01-01T00:00:00Z">` +
    entity({ entityId: 'https://a.example/idp' }).replace(` xmlns:md="${MD}"`, '') +
    `<md:EntitiesDescriptor Name="nested">${entity({ entityId: 'https://b.example/idp' }).replace(` xmlns:md="${MD}"`, '')}</md:EntitiesDescriptor>` +
    `<md:EntityDescriptor entityID="https://sp.example/sp"><md:SPSSODescriptor protocolSupportEnumeration="${SAML2}"/></md:EntityDescriptor>` +
    `</md:EntitiesDescriptor>`;

  it('lists the IdPs (also nested ones), not the SPs', () => {
    expect(listEntities(aggregate())).toEqual([
      { entityId: 'https://a.example/idp', displayName: null },
      { entityId: 'https://b.example/idp', displayName: null },
    ]);
    expect(overviewMetadata(aggregate())).toMatchObject({ kind: 'aggregate', name: 'urn:example:federation', entityCount: 3 });
  });

  it('picks one IdP by entityID, and asks which one when there are several', () => {
    const md = parseIdpMetadata(aggregate(), { entityId: 'https://b.example/idp' });
    expect(md).toMatchObject({ entityId: 'https://b.example/idp', aggregate: { name: 'urn:example:federation', idpCount: 2 }, validUntil: '2040-01-01T00:00:00Z' });
    const which = labErrorOf(() => parseIdpMetadata(aggregate()));
    expect(which.message).toBe('This aggregate lists 2 IdPs (https://a.example/idp, https://b.example/idp); choose one by its entityID.');
    expect(which.details).toEqual({ idps: listEntities(aggregate()) });
    expect(labErrorOf(() => parseIdpMetadata(aggregate(), { entityId: 'https://c.example/idp' })).message).toBe(
      'The metadata has no entity with entityID "https://c.example/idp" (its IdPs include https://a.example/idp, https://b.example/idp).',
    );
  });
});

describe('bad input: a message naming what is missing', () => {
  it.each([
    ['empty', '  ', /^The metadata is empty\.$/],
    ['an HTML login page', '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>', /HTML page, not SAML metadata/],
    ['an XHTML page', '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', /HTML page, not SAML metadata/],
    ['a PDF renamed .xml', '%PDF-1.7\n%âãÏÓ\n1 0 obj', /PDF file, not XML metadata/],
    ['JSON', '{"entityID":"x"}', /^This is not XML/],
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]><md:EntityDescriptor xmlns:md="${MD}" entityID="&a;"/>`, /declares a DOCTYPE/],
    ['no namespace', '<EntityDescriptor entityID="x"><IDPSSODescriptor/></EntityDescriptor>', /<EntityDescriptor> is in no namespace, not the SAML 2.0 metadata namespace/],
    ['a SAML response', '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>', /SAML message \(<samlp:Response>\), not metadata/],
    ['another XML document', '<rss version="2.0"/>', /root element is <rss>, not a SAML metadata EntityDescriptor/],
  ])('%s', (_name, xml, message) => {
    const error = labErrorOf(() => parseIdpMetadata(xml));
    expect(error.code).toBe('invalid-metadata');
    expect(error.message).toMatch(message);
  });

  it('says a truncated document is truncated, wherever it was cut', () => {
    const xml = entity();
    for (const cut of [40, Math.floor(xml.length / 2), xml.length - 3]) {
      expect(labErrorOf(() => parseIdpMetadata(xml.slice(0, cut))).message).toMatch(/^The metadata is not well-formed XML: it ends before its root element is closed \(truncated download or copy\?\)/);
    }
  });

  it('refuses PDF, ZIP and binary bytes before reading them as text', () => {
    expect(labErrorOf(() => decodeMetadataBytes(Buffer.from('%PDF-1.4\n...'))).message).toMatch(/PDF file/);
    expect(labErrorOf(() => decodeMetadataBytes(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).message).toMatch(/ZIP archive/);
    expect(labErrorOf(() => decodeMetadataBytes(Buffer.from([0x3c, 0xc3, 0x28, 0xa0]))).message).toMatch(/not UTF-8/);
  });

  it('an SP\'s metadata, no IDPSSODescriptor, a SAML 1.1-only IdP, no SSO endpoint, no signing cert', () => {
    const sp = `<md:EntityDescriptor xmlns:md="${MD}" entityID="https://sp"><md:SPSSODescriptor protocolSupportEnumeration="${SAML2}"/></md:EntityDescriptor>`;
    expect(labErrorOf(() => parseIdpMetadata(sp)).message).toMatch(/^This is a service provider's metadata \(SPSSODescriptor\), not an IdP's: the EntityDescriptor has no IDPSSODescriptor/);
    const none = `<md:EntityDescriptor xmlns:md="${MD}" entityID="https://x"><md:AttributeAuthorityDescriptor protocolSupportEnumeration="${SAML2}"/></md:EntityDescriptor>`;
    expect(labErrorOf(() => parseIdpMetadata(none)).message).toBe('The metadata has no IDPSSODescriptor, so it does not describe an identity provider.');
    const saml1 = entity().replace(SAML2, 'urn:oasis:names:tc:SAML:1.1:protocol');
    expect(labErrorOf(() => parseIdpMetadata(saml1)).message).toMatch(/IDPSSODescriptor, but not for SAML 2\.0/);
    expect(labErrorOf(() => parseIdpMetadata(entity({ sso: '' }))).message).toMatch(/lists no SingleSignOnService endpoint/);
    expect(labErrorOf(() => parseIdpMetadata(entity({ keys: keyDescriptor(idpKeys, 'encryption') }))).message).toMatch(/has no signing certificate/);
    expect(labErrorOf(() => parseIdpMetadata(entity({ entityId: '' }))).message).toBe('The EntityDescriptor has no entityID attribute.');
  });

  it('ignores an unreadable certificate next to a good one, with a warning', () => {
    const junk = `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate>bm90IGEgY2VydA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
    const md = parseIdpMetadata(entity({ keys: junk + keyDescriptor(idpKeys, 'signing') }));
    expect(md.certificates).toHaveLength(1);
    expect(md.warnings.map((w) => w.code)).toEqual(['cert-unreadable']);
  });
});

describe('the metadata signature', () => {
  const signed = (): string => signMetadata(entity({ id: '_md1', attrs: ` validUntil="2040-01-01T00:00:00Z"` }), otherKeys);

  it('is "unverified" without a trust certificate and "verified" with the right one', () => {
    expect(parseIdpMetadata(signed()).signature).toMatchObject({ status: 'unverified', signedElement: 'EntityDescriptor', verifiedBy: null });
    expect(parseIdpMetadata(signed()).warnings.map((w) => w.code)).toEqual(['signature-unverified']);
    const md = parseIdpMetadata(signed(), { trustCerts: otherKeys.certificatePem });
    expect(md.signature).toMatchObject({ status: 'verified', verifiedBy: fingerprintSha256(otherKeys.certificatePem), whitespaceNormalized: false });
    expect(md.warnings).toEqual([]);
  });

  it('refuses metadata changed after signing, signed by another key, or unsigned when a trust cert is given', () => {
    const tampered = signed().replace('https://idp.example.org/sso', 'https://evil.example/sso');
    expect(labErrorOf(() => parseIdpMetadata(tampered, { trustCerts: otherKeys.certificatePem })).message).toMatch(/digest does not match/);
    expect(labErrorOf(() => parseIdpMetadata(signed(), { trustCerts: idpKeys.certificatePem })).message).toMatch(/signature value does not match/);
    expect(labErrorOf(() => parseIdpMetadata(entity(), { trustCerts: otherKeys.certificatePem })).message).toMatch(/not signed, so it cannot be verified/);
    expect(labErrorOf(() => parseIdpMetadata(signed(), { trustCerts: 'not a cert' })).message).toMatch(/trust certificate is not a valid X\.509/);
  });

  it('reads values from the signed bytes only: an entity smuggled next to the signed one is not used', () => {
    // A signed EntityDescriptor wrapped into an attacker's aggregate that carries its own (unsigned) entity with the
    // same entityID: the signature is on the inner entity, so only its values count.
    const inner = signed().replace(/^<\?xml[^>]*>/, '');
    const forged = entity({ entityId: 'https://idp.example.org/saml', sso: `<md:SingleSignOnService Binding="${BINDING.redirect}" Location="https://evil.example/sso"/>` }).replace(` xmlns:md="${MD}"`, '');
    const wrapped = `<md:EntitiesDescriptor xmlns:md="${MD}">${inner}</md:EntitiesDescriptor>`;
    const md = parseIdpMetadata(wrapped, { trustCerts: otherKeys.certificatePem });
    expect(md.signature.status).toBe('verified');
    expect(ssoLocation(md, BINDING.redirect)).toBe('https://idp.example.org/sso');
    const twoIds = `<md:EntitiesDescriptor xmlns:md="${MD}">${inner}${forged.replace('entityID=', 'ID="_md1" entityID=')}</md:EntitiesDescriptor>`;
    expect(labErrorOf(() => parseIdpMetadata(twoIds, { entityId: 'https://idp.example.org/saml', trustCerts: otherKeys.certificatePem })).message).toMatch(/Two elements share the ID "_md1"/);
  });
});
