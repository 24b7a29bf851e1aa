// IdP mode on a real listener: the lab IdP's metadata, AuthnRequests checked like a login (signature with the SP
// metadata key, issuer, ACS URL, destination), a demo user signed in to a real SP (@node-saml/node-saml, SP-initiated
// and IdP-initiated), the registry kept in the data folder, and the contract handlers running the suite.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoUser } from '../../contract/demo-users.ts';
import { SpTestReport, type RegisteredSp, type SpTestProgress } from '../../contract/sp-test.ts';
import { loadDemoUsers } from '../demo-idp/demo-idp.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { startListener, type Listener } from '../listener/server.ts';
import { buildLogin } from '../saml/authn-request.ts';
import type { KeyPair } from '../sp/keys.ts';
import { makeKeyPair } from '../testing/test-idp.ts';
import { certBase64 } from '../util/cert.ts';
import { createSpTestFeature, createSpTestHandlers, type SpTestHandlers } from './handlers.ts';
import { CookieJar, firstForm, follow, request } from './http-client.ts';
import { LAB_IDP_ENTITY_ID, loadLabIdp, labIdpFor, type LabIdp } from './lab-idp.ts';
import { spTestIdpRoutes } from './idp-routes.ts';
import { SpRegistry, parseSpMetadata } from './sp-registry.ts';
import { startNodeSamlSp, type NodeSamlSp } from './testing/node-saml-sp.ts';

const silent = { info: () => {}, warn: () => {}, error: () => {} };
let dir: string;
let listener: Listener;
let idp: LabIdp;
let registry: SpRegistry;
let handlers: SpTestHandlers;
let users: DemoUser[];
let spKeys: KeyPair;
let signedSp: RegisteredSp;
let app: NodeSamlSp;
const progress: SpTestProgress[] = [];

const spMetadata = (entityId: string, acs: string, keys: KeyPair | null, signed: boolean): string =>
  `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">` +
  `<md:SPSSODescriptor AuthnRequestsSigned="${signed}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
  (keys ? `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBase64(keys.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` : '') +
  `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
  `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="http://127.0.0.1:9/artifact" index="0"/>` +
  `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acs}" index="1"/>` +
  `</md:SPSSODescriptor></md:EntityDescriptor>`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sptest-idp-'));
  users = await loadDemoUsers(resolve(import.meta.dirname, '../../../resources'));
  const keys = (await loadLabIdp(dir)).keys;
  spKeys = await makeKeyPair('SP under test');
  registry = new SpRegistry(dir);
  let base = '';
  const route = spTestIdpRoutes({ idp: () => labIdpFor(keys, base), registry, users: () => users, clock: () => new Date() });
  listener = await startListener(0, [route], silent);
  base = listener.url;
  idp = labIdpFor(keys, base);
  handlers = createSpTestHandlers({ dataDir: dir, registry, idpKeys: keys, listenerUrl: () => base, clock: () => new Date(), users: () => users, rules: () => DEFAULT_RULES, progress: (p) => progress.push(p) });
  signedSp = await handlers['testSps.register']({ metadataXml: spMetadata('urn:test:signing-sp', 'http://127.0.0.1:9/acs', spKeys, true) });
  app = await startNodeSamlSp({ idpCertPem: keys.certificatePem, idpSsoUrl: idp.ssoUrl, idpEntityId: idp.entityId });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await listener?.close();
  await rm(dir, { recursive: true, force: true });
});

async function sso(spec: Partial<Parameters<typeof buildLogin>[0]>): Promise<{ status: number; body: string; failed: string[] }> {
  const start = buildLogin({ spEntityId: 'urn:test:signing-sp', acsUrl: 'http://127.0.0.1:9/acs', ssoUrl: idp.ssoUrl, binding: 'redirect', nameIdFormat: null, signWith: spKeys, now: new Date(), relayState: 'rs-1', ...spec });
  if (start.binding !== 'redirect') throw new Error('redirect expected');
  // Always to this IdP, even when the request names another SSO URL as its Destination.
  const res = await fetch(`${idp.ssoUrl}?${start.url.split('?')[1]!}`);
  const body = await res.text();
  const failed = [...body.matchAll(/data-check-id="([^"]+)" data-status="fail"/g)].map((m) => m[1]!);
  return { status: res.status, body, failed };
}

describe('the lab IdP', () => {
  it('serves its metadata with the key pair kept in the data folder', async () => {
    const res = await fetch(`${listener.url}/idp/metadata`);
    const xml = await res.text();
    expect(res.status).toBe(200);
    expect(xml).toContain(`entityID="${LAB_IDP_ENTITY_ID}"`);
    expect(xml).toContain(`Location="${listener.url}/idp/sso"`);
    expect(xml).toContain(certBase64(await readFile(join(dir, 'keys', 'lab-idp-cert.pem'), 'utf8')));
  });

  it('checks a signed HTTP-Redirect AuthnRequest with the SP metadata key, then offers the demo users', async () => {
    const ok = await sso({});
    expect(ok.status).toBe(200);
    expect(ok.failed).toEqual([]);
    expect(ok.body).toContain('data-check-id="request.signature" data-status="pass"');
    expect(ok.body).toContain('data-testid="idp-signin-alice"');
    expect(ok.body).toContain('name="RelayState" value="rs-1"');
  });

  it('refuses a request whose signature does not verify, an unsigned one when the SP signs, an unknown SP and a foreign ACS URL', async () => {
    const other = await makeKeyPair('Not the SP');
    expect(await sso({ signWith: other })).toMatchObject({ status: 400, failed: ['request.signature'] });
    expect(await sso({ signWith: null })).toMatchObject({ status: 400, failed: ['request.signature'] });
    expect(await sso({ spEntityId: 'urn:test:nobody', signWith: null })).toMatchObject({ status: 400, failed: ['request.issuer'] });
    expect(await sso({ acsUrl: 'http://127.0.0.1:9/elsewhere' })).toMatchObject({ status: 400, failed: ['request.acs-url'] });
    expect(await sso({ ssoUrl: 'http://127.0.0.1:1/other-idp/sso' })).toMatchObject({ status: 400, failed: ['request.destination'] });
  });

  it('signs in a demo user to a real SP (node-saml), SP-initiated, and IdP-initiated', async () => {
    const sp = await handlers['testSps.register']({ metadataXml: app.metadataXml, startUrl: app.startUrl, whoamiUrl: app.whoamiUrl });
    const jar = new CookieJar();
    const { page: atIdp } = await follow(jar, await request(jar, app.startUrl));
    expect(atIdp.status).toBe(200);
    expect(atIdp.url).toMatch(new RegExp(`^${listener.url}/idp/sso\\?SAMLRequest=`));
    const bob = [...atIdp.body.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => firstForm(m[0], atIdp.url)!).find((f) => f.fields.user === 'bob')!;
    const autopost = await request(jar, bob.action, { method: 'POST', form: bob.fields });
    const toAcs = firstForm(autopost.body, autopost.url)!;
    expect(toAcs.action).toBe(app.acsUrl);
    const xml = Buffer.from(toAcs.fields.SAMLResponse!, 'base64').toString('utf8');
    expect(xml).toContain(`InResponseTo="${bob.fields.requestId}"`);
    expect((await request(jar, toAcs.action, { method: 'POST', form: toAcs.fields })).status).toBe(302);
    expect(JSON.parse((await request(jar, app.whoamiUrl)).body)).toMatchObject({ nameID: 'bob@example.com', lastName: 'Brown' });

    const jar2 = new CookieJar();
    const unsolicited = await request(jar2, `${listener.url}/idp/initiate?sp=${sp.id}&user=carol`);
    const form = firstForm(unsolicited.body, unsolicited.url)!;
    expect(Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8')).not.toContain('InResponseTo');
    await request(jar2, form.action, { method: 'POST', form: form.fields });
    expect(JSON.parse((await request(jar2, app.whoamiUrl)).body)).toMatchObject({ nameID: 'carol@example.com' });
  });

  it('never posts to an ACS URL the SP did not register, and refuses cross-site sign-ins', async () => {
    const bad = await fetch(`${listener.url}/idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ sp: signedSp.id, user: 'alice', acs: 'http://127.0.0.1:9/steal' }) });
    expect(bad.status).toBe(400);
    const cross = await fetch(`${listener.url}/idp/initiate?sp=${signedSp.id}&user=alice`, { headers: { Origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
  });
});

describe('the SP registry', () => {
  it('reads entityID, the HTTP-POST ACS, the signing key, WantAssertionsSigned and AuthnRequestsSigned', () => {
    expect(signedSp).toMatchObject({
      entityId: 'urn:test:signing-sp',
      acsUrl: 'http://127.0.0.1:9/acs',
      acsUrls: ['http://127.0.0.1:9/artifact', 'http://127.0.0.1:9/acs'],
      signingCertificates: [certBase64(spKeys.certificatePem)],
      wantAssertionsSigned: true,
      authnRequestsSigned: true,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
  });

  it('keeps the SPs in sp-test/sps.json across restarts; re-registering an entity ID updates it', async () => {
    const again = await handlers['testSps.register']({ metadataXml: spMetadata('urn:test:signing-sp', 'http://127.0.0.1:9/acs2', null, false) });
    expect(again.id).toBe(signedSp.id);
    const reread = await new SpRegistry(dir).list();
    expect(reread.find((s) => s.id === signedSp.id)).toMatchObject({ acsUrl: 'http://127.0.0.1:9/acs2', authnRequestsSigned: false });
    // Restore for the other tests.
    await handlers['testSps.register']({ metadataXml: spMetadata('urn:test:signing-sp', 'http://127.0.0.1:9/acs', spKeys, true) });
  });

  it('registers by entity ID + ACS URL, and refuses IdP metadata and ACS URLs off 127.0.0.1', async () => {
    const manual = await handlers['testSps.register']({ entityId: 'urn:test:manual', acsUrl: 'http://127.0.0.1:9/m/acs', successRule: 'status=302' });
    expect(manual).toMatchObject({ entityId: 'urn:test:manual', acsUrls: ['http://127.0.0.1:9/m/acs'], signingCertificates: [], successRule: 'status=302' });
    expect(() => parseSpMetadata(idp.metadataXml)).toThrow(/This is an IdP's metadata/);
    const mixed = await handlers['testSps.register']({ metadataXml: spMetadata('urn:test:mixed', 'http://127.0.0.1:9/x/acs', null, false).replace('http://127.0.0.1:9/artifact', 'https://app.example/acs') });
    expect(mixed.acsUrls).toEqual(['http://127.0.0.1:9/x/acs']);
    await handlers['testSps.remove']({ id: mixed.id });
    await expect(handlers['testSps.register']({ entityId: 'urn:x', acsUrl: 'https://app.example/acs' })).rejects.toThrow(/must be on 127\.0\.0\.1/);
    expect((await handlers['testSps.remove']({ id: manual.id })).removed).toBe(true);
  });
});

describe('the contract handlers', () => {
  it('run the suite with progress and keep the last report in the data folder', async () => {
    const sp = (await handlers['testSps.list']({})).find((s) => s.entityId === app.entityId)!;
    const report = await handlers['testSps.run']({ id: sp.id, cases: ['wrong-issuer', 'expired'] });
    expect(report.cases.map((c) => [c.id, c.verdict])).toEqual([['valid', 'safe'], ['expired', 'safe'], ['wrong-issuer', 'VULNERABLE']]);
    expect(SpTestReport.safeParse(report).success).toBe(true);
    expect(progress.map((p) => p.done)).toEqual([0, 1, 2, 3]);
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3, caseId: null });
    const fresh = createSpTestHandlers({ dataDir: dir, registry, idpKeys: idp.keys, listenerUrl: () => listener.url, clock: () => new Date(), users: () => users, rules: () => DEFAULT_RULES });
    expect((await fresh['testSps.lastReport']({ id: sp.id }))?.summary).toEqual(report.summary);
    expect((await fresh['testSps.idpMetadata']({})).ssoUrl).toBe(`${listener.url}/idp/sso`);
  }, 60_000);
});

describe('createSpTestFeature (what the composition root calls)', () => {
  it('shares one registry between the handlers and the route, with the IdP key of the data folder', async () => {
    let url = '';
    const feature = await createSpTestFeature({ dataDir: dir, listenerUrl: () => url, clock: () => new Date(), users: () => users, rules: () => DEFAULT_RULES });
    const own = await startListener(0, [feature.route], silent);
    url = own.url;
    try {
      const registered = await feature.handlers['testSps.register']({ metadataXml: spMetadata('urn:test:feature-sp', 'http://127.0.0.1:9/f/acs', null, false) });
      const page = await fetch(`${own.url}/idp/initiate?sp=${registered.id}&user=alice`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('action="http://127.0.0.1:9/f/acs"');
      const md = await (await fetch(`${own.url}/idp/metadata`)).text();
      expect(md).toContain(certBase64(idp.keys.certificatePem));
      expect((await feature.handlers['testSps.idpMetadata']({})).metadataUrl).toBe(`${own.url}/idp/metadata`);
      const unknownSp = buildLogin({ spEntityId: 'urn:test:stranger', acsUrl: 'http://127.0.0.1:9/s/acs', ssoUrl: `${own.url}/idp/sso`, binding: 'redirect', nameIdFormat: null, now: new Date() });
      expect((await fetch(unknownSp.url)).status).toBe(400);
      const [latest] = await feature.handlers['testSps.requests']({});
      expect(latest).toMatchObject({ binding: 'redirect', spEntityId: null, requestId: unknownSp.id });
      expect(latest!.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['request.issuer']);
    } finally {
      await own.close();
    }
  });
});
