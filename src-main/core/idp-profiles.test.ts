// IdP profiles: import from a URL (limits and clear errors), refresh with what changed, rename, and the
// SP-initiated login options (binding, signing, ForceAuthn, NameIDPolicy, RequestedAuthnContext, RelayState).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdpProfile } from '../contract/index.ts';
import type { Lab } from './host.ts';
import { fetchMetadata } from './net/fetch-metadata.ts';
import { parsePostAuthnRequest, parseRedirectAuthnRequest } from './saml/authn-request.ts';
import type { KeyPair } from './sp/keys.ts';
import { signMetadata } from './idp/test-support.ts';
import { idpMetadataXml, makeKeyPair } from './testing/test-idp.ts';
import { call, labsClosedAfterEach } from './testing/labs.ts';
const startLab = labsClosedAfterEach();

let keys: KeyPair;
let rotated: KeyPair;
let server: Server;
let base: string;
/** What the fake IdP web server answers, by path. */
const routes = new Map<string, { status?: number; type?: string; body?: string; location?: string; hang?: boolean }>();

beforeAll(async () => {
  [keys, rotated] = await Promise.all([makeKeyPair('IdP'), makeKeyPair('IdP next')]);
  server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (!route) {
      res.writeHead(404).end('no');
      return;
    }
    if (route.hang) return;
    res.writeHead(route.status ?? 200, { 'Content-Type': route.type ?? 'application/samlmetadata+xml', ...(route.location ? { Location: route.location } : {}) });
    res.end(route.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});




function metadataWith(k: KeyPair, opts: { redirect?: string | null; post?: string | null; wantSigned?: boolean } = {}): string {
  let xml = idpMetadataXml(k);
  const sso = [
    opts.redirect === null ? '' : `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${opts.redirect ?? 'https://idp.test.example/sso'}"/>`,
    opts.post ? `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${opts.post}"/>` : '',
  ].join('');
  xml = xml.replace(/<md:SingleSignOnService[^>]*\/>/, sso);
  if (opts.wantSigned) xml = xml.replace('<md:IDPSSODescriptor ', '<md:IDPSSODescriptor WantAuthnRequestsSigned="true" ');
  return xml;
}

describe('import from a URL', () => {
  it('imports metadata over http with a warning, following a redirect', async () => {
    routes.set('/md', { body: metadataWith(keys) });
    routes.set('/moved', { status: 302, location: '/md' });
    const lab = await startLab();
    const profile = await call<IdpProfile>(lab, 'idps.importUrl', { url: `${base}/moved`, name: 'Test IdP' });
    expect(profile).toMatchObject({ name: 'Test IdP', entityId: 'https://idp.test.example/metadata', sourceUrl: `${base}/md` });
    expect(profile.warnings.join(' ')).toContain('plain http');
  });

  it.each([
    ['an HTML login page', { type: 'text/html', body: '<!doctype html><html><body>Sign in</body></html>' }, /HTML page/],
    ['a PDF', { type: 'application/octet-stream', body: '%PDF-1.4 ...' }, /PDF/],
    ['an error status', { status: 503, body: 'down' }, /HTTP 503/],
    ['a redirect loop', { status: 302, location: '/loop' }, /redirected more than 5 times/],
    ['a non-IdP XML document', { body: '<foo/>' }, /not a SAML metadata/],
  ])('refuses %s with a clear message and imports nothing', async (_name, route, message) => {
    routes.set('/loop', route);
    const lab = await startLab();
    const r = await lab.handle('idps.importUrl', { url: `${base}/loop` });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(message);
    expect(await call<IdpProfile[]>(lab, 'idps.list', {})).toHaveLength(1);
  });

  it('refuses an unreachable host and a non-http URL', async () => {
    const lab = await startLab();
    const refused = await lab.handle('idps.importUrl', { url: 'http://127.0.0.1:1/metadata' });
    expect(!refused.ok && refused.error).toMatchObject({ code: 'fetch-failed' });
    const file = await lab.handle('idps.importUrl', { url: 'file:///etc/passwd' });
    expect(!file.ok && file.error.message).toContain('Only http and https');
  });
});

describe('inspect and pick from an aggregate', () => {
  it('lists the IdPs of an aggregate, then imports the one picked', async () => {
    const entity = (id: string, k: KeyPair): string => idpMetadataXml(k, id).replace(/^<md:EntityDescriptor xmlns:md="[^"]+" xmlns:ds="[^"]+"/, '<md:EntityDescriptor');
    const aggregate = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Name="urn:test:federation">${entity('https://a.example/idp', keys)}${entity('https://b.example/idp', rotated)}</md:EntitiesDescriptor>`;
    const lab = await startLab();
    const overview = await call<{ kind: string; idps: { entityId: string }[] }>(lab, 'idps.inspect', { xml: aggregate });
    expect(overview).toMatchObject({ kind: 'aggregate', idps: [{ entityId: 'https://a.example/idp' }, { entityId: 'https://b.example/idp' }] });
    const unpicked = await lab.handle('idps.import', { xml: aggregate });
    expect(unpicked.ok).toBe(false);
    const profile = await call<IdpProfile>(lab, 'idps.import', { xml: aggregate, entityId: 'https://b.example/idp' });
    expect(profile.entityId).toBe('https://b.example/idp');
    expect(profile.certificates[0]!.subject).toContain('IdP next');
  });
});

describe('metadata signature', () => {
  it('is verified with a trust certificate, shown unverified without one, and refused when it does not verify', async () => {
    const signed = signMetadata(metadataWith(keys).replace('<md:EntityDescriptor ', '<md:EntityDescriptor ID="_md1" '), rotated);
    const lab = await startLab();
    const unverified = await call<IdpProfile>(lab, 'idps.import', { xml: signed });
    expect(unverified.metadataSignature.status).toBe('unverified');
    const verified = await call<IdpProfile>(lab, 'idps.import', { xml: signed, trustCertPem: rotated.certificatePem });
    expect(verified.metadataSignature.status).toBe('verified');
    expect((await call<IdpProfile[]>(lab, 'idps.list', {})).find((p) => p.id === verified.id)?.metadataSignature.status).toBe('verified');
    const wrong = await lab.handle('idps.import', { xml: signed, trustCertPem: keys.certificatePem });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error.code).toBe('invalid-metadata');
  });
});

describe('fetch limits', () => {
  it('stops at the size cap, the timeout and the redirect limit', async () => {
    routes.set('/big', { body: `<md:EntityDescriptor>${'x'.repeat(5000)}</md:EntityDescriptor>` });
    routes.set('/hang', { hang: true });
    routes.set('/r1', { status: 301, location: '/r2' });
    routes.set('/r2', { status: 301, location: '/big' });
    const limits = { timeoutMs: 300, maxBytes: 1000, maxRedirects: 1 };
    await expect(fetchMetadata(`${base}/big`, limits)).rejects.toThrow(/limit is 1000|larger than 1000/);
    await expect(fetchMetadata(`${base}/hang`, limits)).rejects.toThrow(/did not answer within/);
    await expect(fetchMetadata(`${base}/r1`, limits)).rejects.toThrow(/redirected more than 1 times/);
  });
});

describe('refresh', () => {
  it('reports a key rollover: certificate added, then the old one removed', async () => {
    routes.set('/rollover', { body: metadataWith(keys) });
    const lab = await startLab();
    const profile = await call<IdpProfile>(lab, 'idps.importUrl', { url: `${base}/rollover` });
    routes.set('/rollover', { body: idpMetadataXml(keys, undefined, [rotated]) });
    // New signing certificates are never taken silently: the refresh changes nothing until the person agrees.
    const asked = await lab.handle('idps.refresh', { id: profile.id });
    expect(asked).toMatchObject({ ok: false, error: { code: 'trust-change', details: { added: [{ subject: expect.stringMatching(/IdP next/) }], removed: [] } } });
    expect((await call<IdpProfile[]>(lab, 'idps.list', {})).find((p) => p.id === profile.id)?.certificates).toHaveLength(1);
    const added = await call<{ changes: string[]; profile: IdpProfile }>(lab, 'idps.refresh', { id: profile.id, replace: true });
    expect(added.changes).toEqual([expect.stringMatching(/^Certificate added \(signing\): SHA-256 [0-9A-F:]+, CN=IdP next/)]);
    expect(added.profile.certificates).toHaveLength(2);
    routes.set('/rollover', { body: metadataWith(rotated, { redirect: 'https://idp.test.example/sso2' }) });
    const removed = await call<{ changes: string[] }>(lab, 'idps.refresh', { id: profile.id, replace: true });
    expect(removed.changes).toEqual([
      expect.stringMatching(/^Certificate removed \(signing\).*CN=IdP\b.*now rejected/),
      'SSO endpoint moved (HTTP-Redirect): https://idp.test.example/sso → https://idp.test.example/sso2.',
    ]);
  });

  it('says why a pasted profile cannot be refreshed', async () => {
    const lab = await startLab();
    const profile = await call<IdpProfile>(lab, 'idps.import', { xml: metadataWith(keys) });
    const r = await lab.handle('idps.refresh', { id: profile.id });
    expect(!r.ok && r.error.message).toContain('not imported from a URL');
  });
});

describe('SP-initiated login options', () => {
  async function setup(md: string, options: Record<string, unknown>): Promise<{ lab: Lab; res: Response; sp: { certificatePem: string } }> {
    const lab = await startLab();
    const profile = await call<IdpProfile>(lab, 'idps.import', { xml: md, name: 'Renamed later' });
    await call(lab, 'idps.update', { id: profile.id, name: 'Corp IdP', loginOptions: options });
    const start = await call<{ url: string }>(lab, 'logins.start', { idpId: profile.id });
    const res = await fetch(start.url, { redirect: 'manual' });
    const sp = await call<{ certificatePem: string }>(lab, 'sp.get', {});
    expect((await call<IdpProfile[]>(lab, 'idps.list', {})).find((p) => p.id === profile.id)?.name).toBe('Corp IdP');
    return { lab, res, sp };
  }

  it('sends a signed Redirect request with the options set, verifiable with the SP certificate', async () => {
    const { res, sp } = await setup(metadataWith(keys), {
      signRequest: 'always',
      forceAuthn: true,
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      authnContextClassRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'],
      relayState: '/after-login',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://idp.test.example/sso');
    const parsed = parseRedirectAuthnRequest(location.search, sp.certificatePem);
    expect(parsed).toMatchObject({ signature: 'valid', forceAuthn: true, nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', authnContextClassRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'] });
    expect(location.searchParams.get('RelayState')).toBe('/after-login');
    // The same check by hand, as an IdP does it: the octet string of the raw query parts.
    const raw = location.search.slice(1).split('&');
    const signed = raw.filter((p) => !p.startsWith('Signature=')).join('&');
    const signature = decodeURIComponent(raw.find((p) => p.startsWith('Signature='))!.slice('Signature='.length));
    expect(createVerify('RSA-SHA256').update(signed).verify(sp.certificatePem, signature, 'base64')).toBe(true);
    // Tampering with the request breaks it.
    expect(parseRedirectAuthnRequest(location.search.replace('RelayState=', 'RelayState=x'), sp.certificatePem).signature).toBe('invalid');
  });

  it('signs automatically when the metadata says WantAuthnRequestsSigned, and not otherwise', async () => {
    const wants = await setup(metadataWith(keys, { wantSigned: true }), {});
    expect(parseRedirectAuthnRequest(new URL(wants.res.headers.get('location')!).search, wants.sp.certificatePem).signature).toBe('valid');
    const plain = await setup(metadataWith(keys), {});
    const location = new URL(plain.res.headers.get('location')!);
    expect(location.searchParams.has('Signature')).toBe(false);
    const xml = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest')!, 'base64')).toString();
    expect(xml).not.toContain('ForceAuthn');
  });

  it('uses the POST binding when the IdP offers only POST, with an embedded signature', async () => {
    const { res, sp } = await setup(metadataWith(keys, { redirect: null, post: 'https://idp.test.example/sso-post' }), { signRequest: 'always' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('action="https://idp.test.example/sso-post"');
    expect(res.headers.get('content-security-policy')).toContain('form-action https://idp.test.example');
    const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(html)![1]!;
    expect(parsePostAuthnRequest(samlRequest, sp.certificatePem).signature).toBe('valid');
  });

  it('says which binding is missing', async () => {
    const lab = await startLab();
    const profile = await call<IdpProfile>(lab, 'idps.import', { xml: metadataWith(keys) });
    await call(lab, 'idps.update', { id: profile.id, loginOptions: { binding: 'post' } });
    const start = await call<{ url: string }>(lab, 'logins.start', { idpId: profile.id });
    const res = await fetch(start.url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('offers no HTTP-POST SingleSignOnService');
  });

  it('completes a signed POST-binding login through the demo IdP, which verifies the request', async () => {
    const lab = await startLab();
    await call(lab, 'idps.update', { id: 'demo', loginOptions: { binding: 'post', signRequest: 'always', forceAuthn: true } });
    const start = await call<{ url: string }>(lab, 'logins.start', {});
    const form = await (await fetch(start.url)).text();
    const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(form)![1]!;
    const idpPage = await (await fetch(`${lab.url}/demo-idp/sso`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLRequest: samlRequest }).toString() })).text();
    expect(idpPage).toContain('HTTP-POST binding · signed (verified) · ForceAuthn');
    const forged = Buffer.from(Buffer.from(samlRequest, 'base64').toString().replace('ForceAuthn="true"', 'ForceAuthn="false"')).toString('base64');
    const refused = await fetch(`${lab.url}/demo-idp/sso`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLRequest: forged }).toString() });
    expect(refused.status).toBe(400);
  });
});
