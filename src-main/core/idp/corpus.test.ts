// Real IdP metadata from public projects (../shared/corpus/metadata, see SOURCES.md there): each file parses and
// yields ITS entityID, SSO endpoints and certificates. The expected SHA-256 fingerprints were computed outside this
// code (Python's ElementTree to find each X509Certificate, then `openssl x509 -inform DER -fingerprint -sha256`).
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEntities, parseIdpMetadata } from './metadata.ts';
import { labErrorOf } from './test-support.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/corpus/metadata');
const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS) console.log(`Skipping the metadata corpus tests: ${CORPUS} does not exist (the shared corpus sits beside the clone).`);

const NOW = new Date('2026-01-01T00:00:00Z');
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const SOAP = 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP';
const SIMPLE_SIGN = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign';
const SHIB1 = 'urn:mace:shibboleth:1.0:profiles:AuthnRequest';

interface Expected {
  entityId: string;
  sso: [string, string][];
  /** [use, SHA-256] in document order. */
  certs: [string, string][];
}

const EXPECTED: Record<string, Expected> = {
  'adfs_federationmetadata_signed_java-saml.xml': {
    entityId: 'http://idp.adfs.example.com/adfs/services/trust',
    sso: [[REDIRECT, 'https://idp.adfs.example.com/adfs/ls/'], [POST, 'https://idp.adfs.example.com/adfs/ls/']],
    certs: [
      ['encryption', 'F4:88:D4:A5:D8:C1:80:73:D5:57:5B:F6:2A:87:51:CC:B5:D2:60:81:9A:39:A5:86:5F:ED:CB:54:4B:07:6D:02'],
      ['signing', '96:E3:1C:CC:DD:6D:F0:3E:AB:4A:E1:B9:D3:E7:2D:44:4A:64:F5:8E:D0:ED:D6:F1:90:41:88:81:3B:49:70:F3'],
    ],
  },
  'adfs_federationmetadata_sustainsys.xml': {
    entityId: 'http://adfs.server.url/adfs/services/trust',
    sso: [[REDIRECT, 'https://adfs.server.url/adfs/ls/'], [POST, 'https://adfs.server.url/adfs/ls/']],
    certs: [
      ['encryption', '0F:29:5D:5E:A0:5F:A7:5D:61:54:0C:CA:6D:0A:F0:7B:83:61:88:78:F9:C3:65:B2:D7:E8:5F:07:8C:B1:A4:7B'],
      ['signing', '56:0A:89:B3:3E:4D:23:02:C6:5B:FA:99:6F:FE:D1:A7:D6:27:3B:DA:93:55:AF:A7:75:A7:EC:DA:59:02:54:8C'],
    ],
  },
  'google-apps_idp_metadata_2016_crewjam.xml': {
    entityId: 'https://accounts.google.com/o/saml2?idpid=C02dfl1r1',
    // Listed twice in the file; POST only, no Redirect.
    sso: [[POST, 'https://accounts.google.com/o/saml2/idp?idpid=C02dfl1r1']],
    certs: [['signing', 'DF:6F:6D:4E:EC:F6:C2:D6:51:5A:64:BC:80:43:0A:87:9C:25:CF:B0:3B:66:6A:EB:1E:61:CE:4F:E0:2D:7D:A2']],
  },
  'google-workspace_idp_metadata_ssoready.xml': {
    entityId: 'https://accounts.google.com/o/saml2?idpid=C029op2ga',
    sso: [[REDIRECT, 'https://accounts.google.com/o/saml2/idp?idpid=C029op2ga'], [POST, 'https://accounts.google.com/o/saml2/idp?idpid=C029op2ga']],
    certs: [['signing', '85:EF:56:F2:38:25:54:3D:9F:12:FF:E4:B5:6A:D7:6D:60:70:DC:A8:54:3D:3E:41:36:A4:2F:A2:A9:EA:2A:D7']],
  },
  'okta-preview_idp_metadata_2020_crewjam.xml': {
    entityId: 'http://www.okta.com/exkppsa1qwuFV4D7z0h7',
    sso: [
      [POST, 'https://dev-513394.oktapreview.com/app/rstudioincdev513394_dev_1/exkppsa1qwuFV4D7z0h7/sso/saml'],
      [REDIRECT, 'https://dev-513394.oktapreview.com/app/rstudioincdev513394_dev_1/exkppsa1qwuFV4D7z0h7/sso/saml'],
    ],
    certs: [['signing', 'D4:0D:F0:1C:CE:DE:49:D2:07:CB:6D:8A:BD:15:77:0A:4B:6E:CA:14:A8:54:48:C2:95:9A:98:F8:5D:C3:1E:D4']],
  },
  'okta_idp_metadata_ssoready.xml': {
    entityId: 'http://www.okta.com/exkdoocxa1VmjpXmX697',
    sso: [
      [POST, 'https://trial-1022863.okta.com/app/trial-1022863_oktalocalhostbis_1/exkdoocxa1VmjpXmX697/sso/saml'],
      [REDIRECT, 'https://trial-1022863.okta.com/app/trial-1022863_oktalocalhostbis_1/exkdoocxa1VmjpXmX697/sso/saml'],
    ],
    certs: [['signing', '21:D5:E6:FF:D3:60:7D:88:BD:8E:EE:5F:97:9F:CB:E9:C3:A3:08:BF:E8:E4:42:A4:41:36:AB:60:B9:21:6B:CF']],
  },
  'onelogin_idp_metadata_503983_crewjam.xml': {
    entityId: 'https://app.onelogin.com/saml/metadata/503983',
    sso: [[POST, 'https://app.onelogin.com/trust/saml2/http-post/sso/503983'], [SOAP, 'https://app.onelogin.com/trust/saml2/soap/sso/503983']],
    certs: [['signing', 'E4:71:3D:80:5C:35:99:1D:E0:B6:AD:AC:86:44:AD:9C:32:F2:4A:5E:7B:F8:A0:9D:AA:56:54:89:8E:7B:2C:3E']],
  },
  'pingone_idp_metadata_ssoready.xml': {
    entityId: 'https://auth.pingone.com/3030059e-440b-4ad0-9217-44326f1757f6',
    sso: [
      [POST, 'https://auth.pingone.com/3030059e-440b-4ad0-9217-44326f1757f6/saml20/idp/sso'],
      [REDIRECT, 'https://auth.pingone.com/3030059e-440b-4ad0-9217-44326f1757f6/saml20/idp/sso'],
    ],
    certs: [['signing', 'D8:E5:94:BE:AE:EB:4A:14:25:80:2D:E0:B9:DB:81:D8:08:88:73:3D:C2:80:AB:F8:30:0B:99:16:A8:29:24:FB']],
  },
  'secureworks_idp_metadata_2017_crewjam.xml': {
    entityId: 'https://idp.secureworks.com/SAML2',
    sso: [[POST, 'https://idp.secureworks.com/SAML2/SSO/POST']],
    certs: [['signing', 'FE:44:8E:4A:CB:C0:EC:6F:4C:22:B9:34:F0:1E:5B:06:4D:6B:0C:17:61:24:3F:28:3D:5A:BA:18:DE:10:CC:51']],
  },
  'shibboleth-idp_samltest-id_metadata_crewjam.xml': {
    entityId: 'https://samltest.id/saml/idp',
    sso: [
      [SHIB1, 'https://samltest.id/idp/profile/Shibboleth/SSO'],
      [POST, 'https://samltest.id/idp/profile/SAML2/POST/SSO'],
      [SIMPLE_SIGN, 'https://samltest.id/idp/profile/SAML2/POST-SimpleSign/SSO'],
      [REDIRECT, 'https://samltest.id/idp/profile/SAML2/Redirect/SSO'],
      [SOAP, 'https://samltest.id/idp/profile/SAML2/SOAP/ECP'],
    ],
    // Two signing certs (rollover) and an encryption cert.
    certs: [
      ['signing', 'E5:E0:E6:57:8A:27:B5:3A:2C:A0:51:82:FB:0A:D2:3C:97:F3:33:49:74:69:C8:70:8B:3A:CA:61:BE:5F:A7:9E'],
      ['signing', 'CA:F2:55:F8:F4:6D:E4:24:97:BE:3C:42:AC:CC:BA:41:51:D9:8F:EB:A3:1E:73:77:AB:5C:24:33:A3:5A:20:65'],
      ['encryption', '4C:89:FB:F7:A5:69:AF:5B:C8:3C:8A:E7:1C:76:92:BA:A3:71:57:8F:2C:CF:5C:2F:78:E8:B3:00:68:89:84:03'],
    ],
  },
  'sustainsys-stubidp_metadata_signed_whitespace-sensitive.xml': {
    entityId: 'https://stubidp.sustainsys.com/Metadata',
    sso: [[REDIRECT, 'https://stubidp.sustainsys.com/'], [POST, 'https://stubidp.sustainsys.com/']],
    certs: [['any', 'B2:1E:9C:59:CC:3D:B0:2C:3E:8E:0A:C6:BF:E1:AD:F9:5C:67:92:64:B4:35:DB:24:5E:19:1D:69:E9:68:18:5D']],
  },
  'testshib_entitiesdescriptor_idp_sp_crewjam.xml': {
    entityId: 'https://idp.testshib.org/idp/shibboleth',
    sso: [
      [SHIB1, 'https://idp.testshib.org/idp/profile/Shibboleth/SSO'],
      [POST, 'https://idp.testshib.org/idp/profile/SAML2/POST/SSO'],
      [REDIRECT, 'https://idp.testshib.org/idp/profile/SAML2/Redirect/SSO'],
      [SOAP, 'https://idp.testshib.org/idp/profile/SAML2/SOAP/ECP'],
    ],
    certs: [['any', 'ED:03:FF:38:DF:C7:EA:48:52:3E:27:10:EC:64:5F:ED:ED:DB:55:68:8C:16:2C:B3:7B:48:5C:52:3E:A5:C0:22']],
  },
};

const read = (name: string): string => readFileSync(resolve(CORPUS, name), 'utf8');

/** The certificate inside the metadata's own ds:Signature, checked against a fingerprint computed with openssl. */
function signatureKeyInfoCert(xml: string, expectedSha256: string): string {
  const signature = /<(?:ds:)?Signature[\s>][\s\S]*?<\/(?:ds:)?Signature>/.exec(xml)![0];
  const base64 = /<(?:ds:)?X509Certificate>([^<]+)</.exec(signature)![1]!.replace(/\s+/g, '');
  expect(new X509Certificate(Buffer.from(base64, 'base64')).fingerprint256).toBe(expectedSha256);
  return base64;
}

describe.skipIf(!HAVE_CORPUS)('metadata corpus', () => {
  it('has an expectation for every well-formed file in the corpus, and nothing else', () => {
    const files = readdirSync(CORPUS).filter((f) => !f.startsWith('malformed'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: entityID, SSO endpoints and certificate fingerprints', (file, expected) => {
    const md = parseIdpMetadata(read(file), { now: NOW });
    expect(md.entityId).toBe(expected.entityId);
    expect(md.ssoServices.map((s) => [s.binding, s.location])).toEqual(expected.sso);
    expect(md.certificates.map((c) => [c.use, c.fingerprintSha256])).toEqual(expected.certs);
    expect(listEntities(read(file))).toEqual([{ entityId: expected.entityId, displayName: md.displayName }]);
  });

  it('ADFS: takes the IDPSSODescriptor, not the WS-Fed RoleDescriptors or the SPSSODescriptor beside it', () => {
    const md = parseIdpMetadata(read('adfs_federationmetadata_sustainsys.xml'), { now: NOW });
    expect(md.otherRoles).toEqual(['RoleDescriptor (fed:ApplicationServiceType)', 'RoleDescriptor (fed:SecurityTokenServiceType)', 'SPSSODescriptor']);
    expect(md.sloServices.map((s) => s.binding)).toEqual([REDIRECT, POST]);
    expect(md.warnings.filter((w) => w.code === 'cert-expired').map((w) => w.fingerprintSha256)).toEqual(expected('adfs_federationmetadata_sustainsys.xml'));
  });

  it('ADFS (java-saml, re-signed): the metadata signature verifies with its signing cert; unverified without one', () => {
    const xml = read('adfs_federationmetadata_signed_java-saml.xml');
    expect(parseIdpMetadata(xml).signature).toMatchObject({ status: 'unverified', signedElement: 'EntityDescriptor' });
    const trust = signatureKeyInfoCert(xml, '3B:63:44:15:21:70:F5:97:44:01:04:C7:5B:99:0A:8A:88:B6:78:73:0C:98:ED:A9:C5:F1:EC:19:32:1B:0E:07');
    const md = parseIdpMetadata(xml, { trustCerts: trust });
    expect(md.signature).toMatchObject({
      status: 'verified',
      signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
      verifiedBy: '3B:63:44:15:21:70:F5:97:44:01:04:C7:5B:99:0A:8A:88:B6:78:73:0C:98:ED:A9:C5:F1:EC:19:32:1B:0E:07',
      whitespaceNormalized: false,
    });
    // Values read from the signed bytes are the same ones.
    expect(md.certificates.map((c) => c.fingerprintSha256)).toEqual(EXPECTED['adfs_federationmetadata_signed_java-saml.xml']!.certs.map((c) => c[1]));
  });

  it('ADFS (Sustainsys, anonymised after signing): refused when a trust cert is given, since the digest no longer matches', () => {
    const xml = read('adfs_federationmetadata_sustainsys.xml');
    const trust = signatureKeyInfoCert(xml, '56:0A:89:B3:3E:4D:23:02:C6:5B:FA:99:6F:FE:D1:A7:D6:27:3B:DA:93:55:AF:A7:75:A7:EC:DA:59:02:54:8C');
    const error = labErrorOf(() => parseIdpMetadata(xml, { trustCerts: trust }));
    expect(error.code).toBe('invalid-metadata');
    expect(error.message).toMatch(/does not verify with the trust certificate \(SHA-256 56:0A:89:B3.*digest does not match/);
  });

  it('Sustainsys StubIdP: verifies only with .NET whitespace semantics (re-indented after signing), and says so', () => {
    const xml = read('sustainsys-stubidp_metadata_signed_whitespace-sensitive.xml');
    const trust = signatureKeyInfoCert(xml, 'B2:1E:9C:59:CC:3D:B0:2C:3E:8E:0A:C6:BF:E1:AD:F9:5C:67:92:64:B4:35:DB:24:5E:19:1D:69:E9:68:18:5D');
    const md = parseIdpMetadata(xml, { trustCerts: trust, now: NOW });
    expect(md.signature).toMatchObject({ status: 'verified', whitespaceNormalized: true });
    expect(md.signature.detail).toMatch(/whitespace/);
    expect(md).toMatchObject({ validUntil: '2022-03-16T14:03:06Z', cacheDuration: 'PT15M' });
    expect(md.warnings.map((w) => w.code)).toEqual(['metadata-expired']);
  });

  it('Shibboleth (samltest.id): mdui display name, SLO, NameID formats, comment before the root', () => {
    const md = parseIdpMetadata(read('shibboleth-idp_samltest-id_metadata_crewjam.xml'), { now: NOW });
    expect(md.displayName).toBe('SAMLtest IdP');
    expect(md.validUntil).toBe('2100-01-01T00:00:42Z');
    expect(md.sloServices.map((s) => s.binding)).toEqual([REDIRECT, POST, SIMPLE_SIGN]);
    expect(md.signature.status).toBe('absent');
    expect(md.warnings).toEqual([]);
  });

  it('TestShib aggregate: lists the one IdP (not the SP) and picks it, with or without its entityID', () => {
    const xml = read('testshib_entitiesdescriptor_idp_sp_crewjam.xml');
    expect(listEntities(xml)).toEqual([{ entityId: 'https://idp.testshib.org/idp/shibboleth', displayName: 'TestShib Test IdP' }]);
    const md = parseIdpMetadata(xml, { entityId: 'https://idp.testshib.org/idp/shibboleth' });
    expect(md.aggregate).toEqual({ name: 'urn:mace:shibboleth:testshib:two', idpCount: 1 });
    expect(md.otherRoles).toEqual(['AttributeAuthorityDescriptor']);
    expect(parseIdpMetadata(xml).entityId).toBe(md.entityId);
    const sp = labErrorOf(() => parseIdpMetadata(xml, { entityId: 'https://sp.testshib.org/shibboleth-sp' }));
    expect(sp.message).toMatch(/service provider's metadata \(SPSSODescriptor\)/);
  });

  it('expiry warnings are relative to the given clock', () => {
    const google = read('google-workspace_idp_metadata_ssoready.xml');
    expect(parseIdpMetadata(google, { now: NOW }).warnings).toEqual([]);
    const near = parseIdpMetadata(google, { now: new Date('2028-07-01T00:00:00Z') }).warnings;
    expect(near.map((w) => w.code)).toEqual(['cert-expiring']);
    expect(near[0]!.message).toMatch(/expires on 2028-07-19T17:28:34.000Z \(in 19 days\)/);
    expect(parseIdpMetadata(read('pingone_idp_metadata_ssoready.xml'), { now: NOW }).warnings.map((w) => w.code)).toEqual(['cert-expired']);
  });

  it('the malformed samlify file (two root elements) fails with a clear message', () => {
    const error = labErrorOf(() => parseIdpMetadata(read('malformed_two-root-entitydescriptors_samlify.xml')));
    expect(error.code).toBe('invalid-metadata');
    expect(error.message).toBe('The metadata is not well-formed XML: it has more than one top-level element (two documents pasted one after the other?). Keep exactly one EntityDescriptor or EntitiesDescriptor.');
  });
});

function expected(file: string): string[] {
  return EXPECTED[file]!.certs.map((c) => c[1]);
}
