// Single Logout on the lab's SP side, through the real listener: sessions opened by logins, SP-initiated logout with
// the demo IdP (HTTP-Redirect round trip) and with a test IdP whose metadata offers only HTTP-POST with a
// ResponseLocation, IdP-initiated logout (the demo IdP's clean and broken variants, and the test IdP's), every slo.*
// check passing and failing, and what hostile input may store.
import { createSign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, SloDetail, SloSummary, SpSettings } from '../../contract/index.ts';
import { newSamlId, responseXml } from '../demo-idp/response-builder.ts';
import { readPost, readRedirect, redirectUrl } from '../demo-idp/slo-messages.ts';
import type { Lab } from '../host.ts';
import { parseIdpMetadata } from '../idp/metadata.ts';
import { schemaProblem } from '../saml/schema.ts';
import { encryptAssertion } from '../saml/xmlenc.ts';
import { createLab } from '../lab.ts';
import { ensureKeyPair, type KeyPair } from '../sp/keys.ts';
import { migrate } from '../store/migrations.ts';
import { SLO_BOUNDS } from '../store/store-service.ts';
import { makeKeyPair } from '../testing/test-idp.ts';
import { certBase64 } from '../util/cert.ts';
import { STATUS, logoutRequestXml, logoutResponseXml, parseLogoutRequest, parseLogoutResponse, signEnveloped } from './messages.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const START = new Date('2030-06-01T12:00:00.000Z');
const T_IDP = 'https://idp.slo.test/metadata';
const T_SLO = 'https://idp.slo.test/slo';
const T_SLO_RESPONSE = 'https://idp.slo.test/slo-response';
const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const DEMO = 'urn:saml-jit-lab:demo-idp';

let now = START;
let lab: Lab;
let dir: string;
let spKeys: KeyPair;
let demoKeys: KeyPair;
let tKeys: KeyPair;
let otherKeys: KeyPair;
let sp: SpSettings;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

const form = (fields: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
const field = (html: string, name: string): string => html.match(new RegExp(`name="${name}" value="([^"]*)"`))![1]!;
const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

function testIdpMetadata(): string {
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${T_IDP}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBase64(tKeys.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${T_SLO}" ResponseLocation="${T_SLO_RESPONSE}"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.slo.test/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

/** Logs in from the test IdP: persistent NameID with qualifiers, SessionIndex, SessionNotOnOrAfter an hour ahead. */
async function loginAtTestIdp(sessionIndex: string, nameId = 'p-4711'): Promise<Session> {
  let xml = responseXml({ idpEntityId: T_IDP, idpKeys: tKeys, spEntityId: sp.entityId, acsUrl: sp.acsUrl, nameId, nameIdFormat: PERSISTENT, attributes: { email: [`${nameId}@example.org`] }, now, sessionIndex });
  xml = xml
    .replace(`<saml:NameID Format=`, `<saml:NameID NameQualifier="${T_IDP}" SPNameQualifier="${sp.entityId}" Format=`)
    .replace(`SessionIndex="${sessionIndex}"`, `SessionIndex="${sessionIndex}" SessionNotOnOrAfter="${new Date(now.getTime() + 3600_000).toISOString()}"`);
  const res = await fetch(`${lab.url}/saml/acs`, form({ SAMLResponse: b64(signEnveloped(xml, tKeys)) }));
  expect(res.status, await res.text()).toBe(200);
  return (await call<Session[]>('sessions.list', { state: 'live' })).find((s) => s.sessionIndex === sessionIndex)!;
}

/** Logs in at the demo IdP (IdP-initiated) and returns the session it opened. */
async function loginAtDemo(user: string): Promise<Session> {
  const html = await (await fetch(`${lab.url}/demo-idp/initiate?user=${user}`)).text();
  const acs = await fetch(`${lab.url}/saml/acs`, form({ SAMLResponse: field(html, 'SAMLResponse') }));
  expect(acs.status).toBe(200);
  return (await call<Session[]>('sessions.list', { state: 'live' }))[0]!;
}

const session = async (id: string): Promise<Session> => (await call<Session[]>('sessions.list')).find((s) => s.id === id)!;
const latestSlo = async (): Promise<SloDetail> => call<SloDetail>('slo.get', { id: (await call<SloSummary[]>('slo.list', { limit: 1 }))[0]!.id });
const statusOf = (x: SloDetail, id: string): string | undefined => x.checks.find((c) => c.id === id)?.status;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sp-slo-'));
  lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, clock: () => now, appUrl: (base) => `${base}/` });
  spKeys = await ensureKeyPair(dir, 'sp', 'unused');
  demoKeys = await ensureKeyPair(dir, 'demo-idp', 'unused');
  [tKeys, otherKeys] = await Promise.all([makeKeyPair('SLO test IdP'), makeKeyPair('Not in any metadata')]);
  sp = await call<SpSettings>('sp.get');
  await call('idps.import', { xml: testIdpMetadata() });
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sessions', () => {
  it('an accepted login opens a session with the NameID (Format, qualifiers), SessionIndex and SessionNotOnOrAfter; it expires then', async () => {
    const s = await loginAtTestIdp('_idx-expiry');
    expect(s).toMatchObject({ state: 'live', idpEntityId: T_IDP, nameId: 'p-4711', nameIdFormat: PERSISTENT, nameQualifier: T_IDP, spNameQualifier: sp.entityId, sessionIndex: '_idx-expiry', notOnOrAfter: '2030-06-01T13:00:00.000Z', endedBy: null });
    expect((await call<{ account: { id: string } }>('accounts.get', { id: s.accountId })).account.id).toBe(s.accountId);
    now = new Date(START.getTime() + 3600_000);
    try {
      expect(await session(s.id)).toMatchObject({ state: 'ended', endedBy: 'expiry', endedAt: '2030-06-01T13:00:00.000Z' });
      expect((await fetch(`${lab.url}/saml/logout?session=${s.id}`)).status).toBe(400);
    } finally {
      now = START;
    }
  });

  it('a rejected login opens none; a session ends by hand', async () => {
    const before = (await call<Session[]>('sessions.list')).length;
    const bad = await fetch(`${lab.url}/saml/acs`, form({ SAMLResponse: b64(responseXml({ idpEntityId: T_IDP, idpKeys: tKeys, spEntityId: sp.entityId, acsUrl: sp.acsUrl, nameId: 'x', nameIdFormat: EMAIL, attributes: {}, now })) }));
    expect(bad.status).toBe(403);
    expect((await call<Session[]>('sessions.list')).length).toBe(before);
    const s = await loginAtDemo('carol');
    expect(await call<Session>('sessions.end', { id: s.id })).toMatchObject({ state: 'ended', endedBy: 'hand' });
    expect((await call<Session[]>('sessions.list', { state: 'live' })).some((x) => x.id === s.id)).toBe(false);
  });

  it('the SP metadata lists SingleLogoutService for HTTP-Redirect and HTTP-POST', async () => {
    const xml = await (await fetch(`${lab.url}/saml/metadata`)).text();
    expect(xml).toContain(`<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${lab.url}/saml/slo"/>`);
    expect(xml).toContain(`<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${lab.url}/saml/slo"/>`);
  });

  it('a version 2 store migrates with no sessions and no exchanges', () => {
    const { data } = migrate({ version: 2, sp: {}, activeIdpId: 'demo', idps: [], demoUsers: {}, accounts: [], logins: [], outstanding: [], replay: [], settings: { loginRetention: 5 } });
    expect(data).toMatchObject({ version: 3, sessions: [], sloExchanges: [] });
  });
});

describe('SP-initiated Single Logout', () => {
  it('with the demo IdP over HTTP-Redirect: signed LogoutRequest, verified LogoutResponse, session ended', async () => {
    const s = await loginAtDemo('alice');
    const { url } = await call<{ url: string }>('sessions.logout', { id: s.id });
    const out = await fetch(url, { redirect: 'manual' });
    expect(out.status).toBe(302);
    const toIdp = out.headers.get('location')!;
    expect(toIdp.startsWith(`${lab.url}/demo-idp/slo?SAMLRequest=`)).toBe(true);
    const sent = readRedirect(new URL(toIdp).search, spKeys.certificatePem);
    expect(sent.signature).toBe('valid');
    expect(parseLogoutRequest(sent.xml)).toMatchObject({ issuer: sp.entityId, destination: `${lab.url}/demo-idp/slo`, nameId: 'alice@example.com', nameIdFormat: EMAIL, sessionIndexes: [s.sessionIndex] });
    const pending = await latestSlo();
    expect(pending).toMatchObject({ state: 'pending', flow: 'sp-initiated', sessionId: s.id, binding: 'redirect' });

    const back = await fetch(toIdp, { redirect: 'manual' });
    const toSp = back.headers.get('location')!;
    expect(toSp.startsWith(`${lab.url}/saml/slo?SAMLResponse=`)).toBe(true);
    const page = await fetch(toSp);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('data-verdict="accepted"');
    expect(html).toContain('data-testid="slo-session" data-state="ended"');
    const done = await call<SloDetail>('slo.get', { id: pending.id });
    expect(done).toMatchObject({ state: 'completed', verdict: 'accepted', status: STATUS.success, failedCheckIds: [] });
    expect(done.checks.map((c) => [c.id, c.status])).toEqual([
      ['slo.message', 'pass'],
      ['slo.issuer', 'pass'],
      ['slo.signature', 'pass'],
      ['slo.destination', 'pass'],
      ['slo.in-response-to', 'pass'],
      ['slo.status', 'pass'],
    ]);
    expect(await session(s.id)).toMatchObject({ state: 'ended', endedBy: 'sp-logout', sloId: pending.id });
    // Replayed: the request is answered already; nothing changes.
    const replay = await fetch(toSp);
    expect(replay.status).toBe(403);
    const again = await latestSlo();
    expect(again.failedCheckIds).toEqual(['slo.in-response-to']);
    expect(again.checks.find((c) => c.id === 'slo.in-response-to')!.received).toContain('already answered');
  });

  it('the demo IdP refusing (a SessionIndex it does not know): slo.status fails with its reason, the session stays live', async () => {
    const s = await loginAtDemo('bob');
    const out = (await fetch(`${lab.url}/saml/logout?session=${s.id}`, { redirect: 'manual' })).headers.get('location')!;
    // The lab's request, its SessionIndex swapped and re-signed with the SP key (the demo IdP checks the signature):
    // the IdP answers the lab's request ID with Requester/UnknownPrincipal.
    const sent = parseLogoutRequest(readRedirect(new URL(out).search, spKeys.certificatePem).xml);
    const wrong = logoutRequestXml({ id: sent.id, issuer: sp.entityId, destination: sent.destination!, issueInstant: now, notOnOrAfter: new Date(now.getTime() + 60_000), nameId: sent.nameId!, nameIdFormat: sent.nameIdFormat, nameQualifier: null, spNameQualifier: null, sessionIndex: '_unknown-to-the-idp' });
    const answer = (await fetch(redirectUrl(`${lab.url}/demo-idp/slo`, 'SAMLRequest', wrong, null, spKeys), { redirect: 'manual' })).headers.get('location')!;
    const refused = await fetch(answer);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('data-testid="slo-session" data-state="live"');
    const x = await latestSlo();
    expect(x.failedCheckIds).toEqual(['slo.status']);
    expect(x.checks.find((c) => c.id === 'slo.status')!.received).toContain('No session with SessionIndex _unknown-to-the-idp');
    expect((await session(s.id)).state).toBe('live');
    await call('sessions.end', { id: s.id });
  });

  describe('with an IdP that offers only HTTP-POST with a ResponseLocation', () => {
    let s: Session;
    let requestId: string;

    /** Starts a logout for `s` and returns the LogoutRequest ID the lab sent. */
    async function start(): Promise<string> {
      const res = await fetch(`${lab.url}/saml/logout?session=${s.id}`, { redirect: 'manual' });
      const html = await res.text();
      expect(html).toContain(`action="${T_SLO}"`);
      const received = readPost(new URLSearchParams({ SAMLRequest: field(html, 'SAMLRequest') }), spKeys.certificatePem);
      expect(received.signature).toBe('valid');
      expect(schemaProblem(received.xml)).toBeNull();
      const r = parseLogoutRequest(received.xml);
      expect(received.xml).toContain(`NameQualifier="${T_IDP}" SPNameQualifier="${sp.entityId}" Format="${PERSISTENT}">p-4711</saml:NameID>`);
      expect(r).toMatchObject({ destination: T_SLO, sessionIndexes: ['_idx-post'] });
      return r.id;
    }

    function response(over: Partial<Parameters<typeof logoutResponseXml>[0]> = {}, keys: KeyPair | null = tKeys): string {
      const xml = logoutResponseXml({ id: newSamlId(), inResponseTo: requestId, issuer: T_IDP, destination: `${lab.url}/saml/slo`, issueInstant: now, status: STATUS.success, ...over });
      return b64(keys ? signEnveloped(xml, keys) : xml);
    }

    async function answer(samlResponse: string): Promise<{ status: number; x: SloDetail }> {
      const res = await fetch(`${lab.url}/saml/slo`, form({ SAMLResponse: samlResponse }));
      const id = (await res.text()).match(/data-slo-id="([^"]+)"/)![1]!;
      return { status: res.status, x: await call<SloDetail>('slo.get', { id }) };
    }

    beforeAll(async () => {
      s = await loginAtTestIdp('_idx-post');
    });

    it('slo.signature: unsigned, another key, or edited after signing fail and leave the request outstanding', async () => {
      requestId = await start();
      const unsigned = await answer(response({}, null));
      expect(unsigned.status).toBe(403);
      expect(unsigned.x.checks.find((c) => c.id === 'slo.signature')).toMatchObject({ status: 'fail', received: expect.stringContaining('unsigned') });
      const other = await answer(response({}, otherKeys));
      expect(other.x.failedCheckIds).toEqual(['slo.signature']);
      const edited = b64(Buffer.from(response(), 'base64').toString('utf8').replace(STATUS.success, STATUS.requester));
      expect((await answer(edited)).x.failedCheckIds).toContain('slo.signature');
      expect((await session(s.id)).state).toBe('live');
      expect((await call<SloSummary[]>('slo.list', { sessionId: s.id }))[0]).toMatchObject({ state: 'pending' });
    });

    it('slo.signature: an RSA-SHA1 query signature verifies but warns', async () => {
      const sha1 = (xml: string): string => {
        const parts = [`SAMLResponse=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`, `SigAlg=${encodeURIComponent('http://www.w3.org/2000/09/xmldsig#rsa-sha1')}`];
        return `${lab.url}/saml/slo?${parts.join('&')}&Signature=${encodeURIComponent(createSign('RSA-SHA1').update(parts.join('&')).sign(tKeys.privateKeyPem, 'base64'))}`;
      };
      const res = await fetch(sha1(logoutResponseXml({ id: newSamlId(), inResponseTo: '_sha1-never-sent', issuer: T_IDP, destination: `${lab.url}/saml/slo`, issueInstant: now, status: STATUS.success })));
      const x = await call<SloDetail>('slo.get', { id: (await res.text()).match(/data-slo-id="([^"]+)"/)![1]! });
      expect(x.checks.find((c) => c.id === 'slo.signature')).toMatchObject({ status: 'warn', received: expect.stringContaining('RSA-SHA1') });
    });

    it('slo.issuer: a response from another IdP than the one asked fails', async () => {
      const wrong = b64(signEnveloped(logoutResponseXml({ id: newSamlId(), inResponseTo: requestId, issuer: DEMO, destination: `${lab.url}/saml/slo`, issueInstant: now, status: STATUS.success }), demoKeys));
      const { x } = await answer(wrong);
      expect(x.checks.find((c) => c.id === 'slo.issuer')).toMatchObject({ status: 'fail', expected: T_IDP, received: DEMO });
      expect(statusOf(x, 'slo.signature')).toBe('pass');
      const unknown = await answer(b64(signEnveloped(logoutResponseXml({ id: newSamlId(), inResponseTo: requestId, issuer: 'https://nobody.example', destination: `${lab.url}/saml/slo`, issueInstant: now, status: STATUS.success }), tKeys)));
      expect(unknown.x.failedCheckIds).toEqual(expect.arrayContaining(['slo.issuer', 'slo.signature']));
    });

    it('slo.destination: another endpoint fails; slo.in-response-to: an ID the lab never sent fails', async () => {
      const { x } = await answer(response({ destination: 'https://another-sp.example/slo' }));
      expect(x.checks.find((c) => c.id === 'slo.destination')).toMatchObject({ status: 'fail', received: 'https://another-sp.example/slo' });
      requestId = await start();
      const never = await answer(response({ inResponseTo: '_never-sent' }));
      expect(never.x.failedCheckIds).toEqual(['slo.in-response-to']);
      expect(never.x.checks.find((c) => c.id === 'slo.in-response-to')!.received).toContain('not a LogoutRequest this SP sent');
    });

    it('slo.in-response-to: an answer after the request expired fails', async () => {
      requestId = await start();
      now = new Date(START.getTime() + 11 * 60_000);
      try {
        const late = await answer(response());
        expect(late.x.failedCheckIds).toEqual(['slo.in-response-to']);
        expect(late.x.checks.find((c) => c.id === 'slo.in-response-to')!.received).toContain('after it expired');
        expect((await session(s.id)).state).toBe('live');
      } finally {
        now = START;
      }
    });

    it('slo.status: Requester fails and the session stays live; Success/PartialLogout warns and ends it', async () => {
      requestId = await start();
      const refused = await answer(response({ status: STATUS.requester, subStatus: STATUS.unknownPrincipal, message: 'no such session' }));
      expect(refused.x.checks.find((c) => c.id === 'slo.status')).toMatchObject({ status: 'fail', received: expect.stringContaining('no such session') });
      expect((await session(s.id)).state).toBe('live');
      requestId = await start();
      const partial = await answer(response({ subStatus: STATUS.partialLogout }));
      expect(partial.status).toBe(200);
      expect(partial.x).toMatchObject({ verdict: 'accepted', failedCheckIds: [] });
      expect(statusOf(partial.x, 'slo.status')).toBe('warn');
      expect(await session(s.id)).toMatchObject({ state: 'ended', endedBy: 'sp-logout' });
    });
  });

  it('an IdP without SingleLogoutService, or an unknown session, cannot be logged out: the page says why', async () => {
    const res = await fetch(`${lab.url}/saml/logout?session=nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('There is no session');
  });
});

describe('IdP-initiated Single Logout', () => {
  /** Has the demo IdP send a LogoutRequest; the lab answers; returns the lab's LogoutResponse and the exchange. */
  async function idpLogout(query: string): Promise<{ response: ReturnType<typeof parseLogoutResponse>; signature: string; x: SloDetail; location: string }> {
    const toSp = (await fetch(`${lab.url}/demo-idp/logout?${query}`, { redirect: 'manual' })).headers.get('location')!;
    expect(toSp.startsWith(`${lab.url}/saml/slo?SAMLRequest=`)).toBe(true);
    const res = await fetch(toSp, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    const received = readRedirect(new URL(location).search, spKeys.certificatePem);
    return { response: parseLogoutResponse(received.xml), signature: received.signature, x: await latestSlo(), location };
  }

  it('a clean request (Redirect) ends the session and gets a signed Success; the IdP accepts the answer', async () => {
    const s = await loginAtDemo('alice');
    const announced: unknown[] = [];
    const off = lab.on('slo.completed', (x) => announced.push(x));
    const out = await idpLogout('user=alice');
    off();
    expect(announced).toEqual([expect.objectContaining({ id: out.x.id, verdict: 'accepted', flow: 'idp-initiated' })]);
    expect(out.location.startsWith(`${lab.url}/demo-idp/slo?SAMLResponse=`)).toBe(true);
    expect(out.signature).toBe('valid');
    expect(out.response).toMatchObject({ status: STATUS.success, issuer: sp.entityId, destination: `${lab.url}/demo-idp/slo` });
    expect(out.x).toMatchObject({ flow: 'idp-initiated', verdict: 'accepted', sessionId: s.id, failedCheckIds: [] });
    expect(out.x.checks.map((c) => [c.id, c.status])).toEqual([
      ['slo.message', 'pass'],
      ['slo.issuer', 'pass'],
      ['slo.signature', 'pass'],
      ['slo.destination', 'pass'],
      ['slo.not-on-or-after', 'pass'],
      ['slo.session', 'pass'],
    ]);
    expect(out.x.checks.find((c) => c.id === 'slo.session')!.received).toContain(s.id);
    expect(await session(s.id)).toMatchObject({ state: 'ended', endedBy: 'idp-logout', sloId: out.x.id });
    expect(await (await fetch(out.location)).text()).toContain('data-testid="slo-result" data-ok="true"');
  });

  it('HTTP-POST: the answer is an auto-posted, signed LogoutResponse', async () => {
    const s = await loginAtDemo('bob');
    const html = await (await fetch(`${lab.url}/demo-idp/logout?user=bob&binding=post`)).text();
    const answer = await (await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: field(html, 'SAMLRequest'), RelayState: 'rs-1' }))).text();
    expect(answer).toContain(`action="${lab.url}/demo-idp/slo"`);
    const received = readPost(new URLSearchParams({ SAMLResponse: field(answer, 'SAMLResponse') }), spKeys.certificatePem);
    expect(received.signature).toBe('valid');
    expect(field(answer, 'RelayState')).toBe('rs-1');
    expect(parseLogoutResponse(received.xml).status).toBe(STATUS.success);
    expect((await session(s.id)).endedBy).toBe('idp-logout');
  });

  it.each([
    ['unsigned', 'slo.signature', STATUS.requestDenied, 'unsigned'],
    ['other-key', 'slo.signature', STATUS.requestDenied, 'does not verify'],
    ['expired', 'slo.not-on-or-after', STATUS.requestDenied, 'T11:'],
    ['wrong-destination', 'slo.destination', STATUS.requestDenied, 'https://another-sp.example/saml/slo'],
    ['wrong-session-index', 'slo.session', STATUS.unknownPrincipal, 'no session has SessionIndex'],
    ['wrong-nameid', 'slo.session', STATUS.unknownPrincipal, 'its NameID is carol@example.com, not someone-else@example.com'],
  ])('variant %s: %s fails, the session stays live, the answer is Requester/%s with the reason', async (variant, failing, sub, says) => {
    const s = await loginAtDemo('carol');
    const out = await idpLogout(`user=carol&variant=${variant}`);
    expect(out.x.verdict).toBe('rejected');
    expect(out.x.failedCheckIds).toContain(failing);
    expect(out.x.checks.find((c) => c.id === failing)!.received).toContain(says);
    expect(out.signature).toBe('valid');
    expect(out.response).toMatchObject({ status: STATUS.requester, subStatus: sub });
    expect(out.response.message).toContain(failing === 'slo.session' ? says : failing);
    expect((await session(s.id)).state).toBe('live');
    await call('sessions.end', { id: s.id });
  });

  it('from an IdP with only HTTP-POST: answered to its ResponseLocation; two SessionIndexes of which one is live: PartialLogout; no NotOnOrAfter warns', async () => {
    const s = await loginAtTestIdp('_idx-idp-1', 'p-9');
    const xml = logoutRequestXml({ id: newSamlId(), issuer: T_IDP, destination: `${lab.url}/saml/slo`, issueInstant: now, notOnOrAfter: now, nameId: 'p-9', nameIdFormat: PERSISTENT, nameQualifier: T_IDP, spNameQualifier: null, sessionIndex: '_idx-idp-1' })
      .replace(/ NotOnOrAfter="[^"]+"/, '')
      .replace('</samlp:LogoutRequest>', '<samlp:SessionIndex>_idx-gone</samlp:SessionIndex></samlp:LogoutRequest>');
    const html = await (await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: b64(signEnveloped(xml, tKeys)) }))).text();
    expect(html).toContain(`action="${T_SLO_RESPONSE}"`);
    const received = readPost(new URLSearchParams({ SAMLResponse: field(html, 'SAMLResponse') }), spKeys.certificatePem);
    expect(received.signature).toBe('valid');
    expect(parseLogoutResponse(received.xml)).toMatchObject({ status: STATUS.success, subStatus: STATUS.partialLogout, destination: T_SLO_RESPONSE });
    expect(schemaProblem(received.xml)).toBeNull();
    const x = await latestSlo();
    expect(statusOf(x, 'slo.not-on-or-after')).toBe('warn');
    expect(x.checks.find((c) => c.id === 'slo.session')).toMatchObject({ status: 'warn', received: expect.stringContaining('no session has SessionIndex _idx-gone') });
    expect((await session(s.id)).endedBy).toBe('idp-logout');
  });

  it('an EncryptedID is decrypted with the SP key and matched like a NameID', async () => {
    const s = await loginAtTestIdp('_idx-enc', 'p-11');
    const nameIdXml = `<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Format="${PERSISTENT}">p-11</saml:NameID>`;
    const encryptedId = encryptAssertion(nameIdXml, sp.certificatePem).replace(/saml:EncryptedAssertion/g, 'saml:EncryptedID');
    const xml = logoutRequestXml({ id: newSamlId(), issuer: T_IDP, destination: `${lab.url}/saml/slo`, issueInstant: now, notOnOrAfter: new Date(now.getTime() + 60_000), nameId: 'x', nameIdFormat: null, nameQualifier: null, spNameQualifier: null, sessionIndex: '_idx-enc' }).replace(/<saml:NameID>x<\/saml:NameID>/, encryptedId);
    expect(xml).toContain('EncryptedID');
    const html = await (await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: b64(signEnveloped(xml, tKeys)) }))).text();
    const r = parseLogoutResponse(readPost(new URLSearchParams({ SAMLResponse: field(html, 'SAMLResponse') }), spKeys.certificatePem).xml);
    expect(r.status).toBe(STATUS.success);
    expect(await session(s.id)).toMatchObject({ state: 'ended', endedBy: 'idp-logout' });
    // Encrypted for another key: slo.encrypted-id fails with the reason, nothing ends.
    const t = await loginAtTestIdp('_idx-enc2', 'p-12');
    const wrong = encryptAssertion(nameIdXml.replace('p-11', 'p-12'), tKeys.certificatePem).replace(/saml:EncryptedAssertion/g, 'saml:EncryptedID');
    const xml2 = logoutRequestXml({ id: newSamlId(), issuer: T_IDP, destination: `${lab.url}/saml/slo`, issueInstant: now, notOnOrAfter: new Date(now.getTime() + 60_000), nameId: 'x', nameIdFormat: null, nameQualifier: null, spNameQualifier: null, sessionIndex: '_idx-enc2' }).replace(/<saml:NameID>x<\/saml:NameID>/, wrong);
    await (await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: b64(signEnveloped(xml2, tKeys)) }))).text();
    const x = await latestSlo();
    expect(x.checks.find((c) => c.id === 'slo.encrypted-id')).toMatchObject({ status: 'fail', received: expect.stringContaining('another SP certificate') });
    expect((await session(t.id)).state).toBe('live');
  });

  it('a NameID with another Format does not match the session', async () => {
    const s = await loginAtTestIdp('_idx-fmt', 'p-10');
    const xml = logoutRequestXml({ id: newSamlId(), issuer: T_IDP, destination: `${lab.url}/saml/slo`, issueInstant: now, notOnOrAfter: new Date(now.getTime() + 60_000), nameId: 'p-10', nameIdFormat: EMAIL, nameQualifier: null, spNameQualifier: null, sessionIndex: null });
    const html = await (await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: b64(signEnveloped(xml, tKeys)) }))).text();
    const r = parseLogoutResponse(readPost(new URLSearchParams({ SAMLResponse: field(html, 'SAMLResponse') }), spKeys.certificatePem).xml);
    expect(r).toMatchObject({ status: STATUS.requester, subStatus: STATUS.unknownPrincipal });
    expect(r.message).toContain('its NameID Format is persistent, not emailAddress');
    expect((await session(s.id)).state).toBe('live');
  });
});

describe('hostile input at /saml/slo', () => {
  it('unreadable messages fail slo.message with a page; an unknown Issuer cannot be answered', async () => {
    const notDeflate = await fetch(`${lab.url}/saml/slo?SAMLRequest=bm90LWRlZmxhdGU%3D`);
    expect(notDeflate.status).toBe(400);
    expect(await notDeflate.text()).toContain('data-check-id="slo.message" data-status="fail"');
    const doctype = await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: b64('<!DOCTYPE x [<!ENTITY a "b">]><x/>') }));
    expect(doctype.status).toBe(400);
    expect((await latestSlo()).checks[0]!.received).toContain('DOCTYPE');
    const wrongRoot = await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: b64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>') }));
    expect(wrongRoot.status).toBe(400);
    expect((await fetch(`${lab.url}/saml/slo`, { method: 'PUT' })).status).toBe(405);
    const big = await fetch(`${lab.url}/saml/slo`, form({ SAMLRequest: 'A'.repeat(300 * 1024) }));
    expect(big.status).toBe(413);
    const stranger = logoutRequestXml({ id: newSamlId(), issuer: 'https://stranger.example', destination: `${lab.url}/saml/slo`, issueInstant: now, notOnOrAfter: new Date(now.getTime() + 60_000), nameId: 'alice@example.com', nameIdFormat: EMAIL, nameQualifier: null, spNameQualifier: null, sessionIndex: null });
    const unknown = await fetch(redirectUrl(`${lab.url}/saml/slo`, 'SAMLRequest', stranger, null, otherKeys), { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    const x = await latestSlo();
    expect(x.failedCheckIds).toEqual(expect.arrayContaining(['slo.issuer', 'slo.signature', 'slo.session', 'slo.response-location']));
  });

  it('posts nobody signed are kept capped, within a fixed budget', async () => {
    const huge = 'x'.repeat(50_000);
    for (let i = 0; i < SLO_BOUNDS.untrustedCount + 20; i++) {
      const xml = logoutResponseXml({ id: newSamlId(), inResponseTo: `_${i}`, issuer: huge, destination: huge, issueInstant: now, status: STATUS.success });
      const res = await fetch(`${lab.url}/saml/slo`, form({ SAMLResponse: b64(xml) }));
      expect(res.status).toBe(403);
      await res.text();
    }
    const all = await call<SloSummary[]>('slo.list');
    const junk = all.filter((x) => x.idpEntityId?.startsWith('xxx'));
    expect(junk.length).toBeLessThanOrEqual(SLO_BOUNDS.untrustedCount);
    const one = await call<SloDetail>('slo.get', { id: junk[0]!.id });
    expect(one.idpEntityId!.length).toBeLessThan(1200);
    expect(one.responseXml!.length).toBeLessThan(17 * 1024);
    // The trusted exchanges from the tests above are still there.
    expect(all.some((x) => x.verdict === 'accepted' && x.flow === 'idp-initiated')).toBe(true);
  }, 60_000);

  it('the demo IdP metadata the lab sends logouts to lists its SLO endpoints', async () => {
    const md = parseIdpMetadata(await (await fetch(`${lab.url}/demo-idp/metadata`)).text());
    expect(md.sloServices.map((x) => x.location)).toEqual([`${lab.url}/demo-idp/slo`, `${lab.url}/demo-idp/slo`]);
  });
});

describe('persistence', () => {
  it('sessions and logout exchanges survive a restart (journaled, then compacted)', async () => {
    const own = await mkdtemp(join(tmpdir(), 'jitlab-slo-restart-'));
    try {
      let l = await createLab({ mode: 'browser', dataDir: own, resourcesDir: RESOURCES, port: 0, clock: () => START });
      const html = await (await fetch(`${l.url}/demo-idp/initiate?user=alice`)).text();
      expect((await fetch(`${l.url}/saml/acs`, form({ SAMLResponse: field(html, 'SAMLResponse') }))).status).toBe(200);
      const listOf = async (x: Lab): Promise<Session[]> => ((await x.handle('sessions.list', {})) as { value: Session[] }).value;
      const [s] = await listOf(l);
      const toIdp = (await fetch(`${l.url}/saml/logout?session=${s!.id}`, { redirect: 'manual' })).headers.get('location')!;
      await (await fetch((await fetch(toIdp, { redirect: 'manual' })).headers.get('location')!)).text();
      await l.close();
      l = await createLab({ mode: 'browser', dataDir: own, resourcesDir: RESOURCES, port: 0, clock: () => START });
      try {
        const [again] = await listOf(l);
        expect(again).toMatchObject({ id: s!.id, state: 'ended', endedBy: 'sp-logout' });
        const exchanges = ((await l.handle('slo.list', {})) as { value: SloSummary[] }).value;
        expect(exchanges).toEqual([expect.objectContaining({ id: again!.sloId, state: 'completed', verdict: 'accepted' })]);
      } finally {
        await l.close();
      }
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('behind a public base URL', () => {
  it('the SP metadata, the Destination the lab expects and the demo IdP\'s logout messages use the public SLO URL', async () => {
    const own = await mkdtemp(join(tmpdir(), 'jitlab-slo-public-'));
    const l = await createLab({ mode: 'browser', dataDir: own, resourcesDir: RESOURCES, port: 0, clock: () => START });
    try {
      const update = await l.handle('sp.update', { publicBaseUrl: 'https://lab.example/sso' });
      expect(update.ok, JSON.stringify(update)).toBe(true);
      expect(await (await fetch(`${l.url}/saml/metadata`)).text()).toContain('Location="https://lab.example/sso/saml/slo"');
      const html = await (await fetch(`${l.url}/demo-idp/initiate?user=bob`)).text();
      expect((await fetch(`${l.url}/saml/acs`, form({ SAMLResponse: field(html, 'SAMLResponse') }))).status).toBe(200);
      const toSp = (await fetch(`${l.url}/demo-idp/logout?user=bob`, { redirect: 'manual' })).headers.get('location')!;
      expect(toSp.startsWith('https://lab.example/sso/saml/slo?SAMLRequest=')).toBe(true);
      // What the reverse proxy would forward: the same query at the listener.
      const answer = await fetch(`${l.url}/saml/slo${toSp.slice(toSp.indexOf('?'))}`, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      const x = ((await l.handle('slo.list', { limit: 1 })) as { value: SloSummary[] }).value[0]!;
      expect(x).toMatchObject({ verdict: 'accepted', failedCheckIds: [] });
    } finally {
      await l.close();
      await rm(own, { recursive: true, force: true });
    }
  }, 60_000);
});
