// The demo IdP's Single Logout through the real listener. The test plays the SP with the lab's own SP key pair
// (what the SP side will sign with): LogoutRequests over Redirect and POST, good and broken, answered with signed
// LogoutResponses; IdP-initiated LogoutRequests (and their broken variants) and the SP's answer to them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginDetail, LoginSummary, SpSettings } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { parseIdpMetadata } from '../idp/metadata.ts';
import { createLab } from '../lab.ts';
import { ensureKeyPair, type KeyPair } from '../sp/keys.ts';
import { newSamlId } from './response-builder.ts';
import { STATUS, logoutRequestXml, logoutResponseXml, parseLogoutRequest, parseLogoutResponse, readPost, readRedirect, redirectUrl, signEnveloped } from './slo-messages.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');

let lab: Lab;
let dir: string;
let spKeys: KeyPair;
let idpKeys: KeyPair;
let sp: SpSettings;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

/** Signs in (IdP-initiated) and returns the SessionIndex the SP received. */
async function signIn(user: string): Promise<string> {
  const html = await (await fetch(`${lab.url}/demo-idp/initiate?user=${user}`)).text();
  const samlResponse = html.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
  const acs = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
  expect(acs.status).toBe(200);
  const [latest] = await call<LoginSummary[]>('logins.list', { limit: 1 });
  const login = await call<LoginDetail>('logins.get', { id: latest!.id });
  return login.xml!.match(/SessionIndex="([^"]+)"/)![1]!;
}

function request(over: Partial<Parameters<typeof logoutRequestXml>[0]> = {}): { id: string; xml: string } {
  const id = newSamlId();
  return {
    id,
    xml: logoutRequestXml({
      id,
      issuer: sp.entityId,
      destination: `${lab.url}/demo-idp/slo`,
      nameId: 'alice@example.com',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      sessionIndex: null,
      issueInstant: NOW,
      notOnOrAfter: new Date(NOW.getTime() + 300_000),
      ...over,
    }),
  };
}

/** Sends a LogoutRequest by HTTP-Redirect; returns the IdP's LogoutResponse as the SP would read it. */
async function sendRedirect(xml: string, keys: KeyPair | null, relayState: string | null = null): Promise<{ location: string; signature: string; response: ReturnType<typeof parseLogoutResponse> }> {
  const res = await fetch(redirectUrl(`${lab.url}/demo-idp/slo`, 'SAMLRequest', xml, relayState, keys), { redirect: 'manual' });
  expect(res.status, await res.clone().text()).toBe(302);
  const location = res.headers.get('location')!;
  const received = readRedirect(new URL(location).search, idpKeys.certificatePem);
  expect(received.param).toBe('SAMLResponse');
  return { location, signature: received.signature, response: parseLogoutResponse(received.xml) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-slo-'));
  lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, clock: () => NOW });
  spKeys = await ensureKeyPair(dir, 'sp', 'unused');
  idpKeys = await ensureKeyPair(dir, 'demo-idp', 'unused');
  sp = await call<SpSettings>('sp.get');
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('demo IdP Single Logout, SP-initiated', () => {
  it('the metadata lists SingleLogoutService for HTTP-Redirect and HTTP-POST', async () => {
    const md = parseIdpMetadata(await (await fetch(`${lab.url}/demo-idp/metadata`)).text());
    expect(md.sloServices).toEqual([
      { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: `${lab.url}/demo-idp/slo`, responseLocation: null },
      { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', location: `${lab.url}/demo-idp/slo`, responseLocation: null },
    ]);
  });

  it('a signed LogoutRequest for a live session (Redirect): Success, signed, to the SP SLO URL, RelayState kept; the session is gone after', async () => {
    const sessionIndex = await signIn('alice');
    const { id, xml } = request({ sessionIndex });
    const out = await sendRedirect(xml, spKeys, 'back-to/app');
    expect(out.location.startsWith(`${lab.url}/saml/slo?SAMLResponse=`)).toBe(true);
    expect(new URL(out.location).searchParams.get('RelayState')).toBe('back-to/app');
    expect(out.signature).toBe('valid');
    expect(out.response).toMatchObject({ inResponseTo: id, issuer: 'urn:saml-jit-lab:demo-idp', destination: `${lab.url}/saml/slo`, status: STATUS.success });
    expect(out.response.message).toContain(sessionIndex);

    const again = await sendRedirect(request({ sessionIndex }).xml, spKeys);
    expect(again.response).toMatchObject({ status: STATUS.requester, subStatus: STATUS.unknownPrincipal });
    expect(again.response.message).toContain(`No session with SessionIndex ${sessionIndex}`);
  });

  it('broken LogoutRequests are denied with the reason, and leave the session alive', async () => {
    const sessionIndex = await signIn('alice');
    const demoKeyIsNotTheSp = idpKeys;
    const cases: { name: string; xml: string; keys: KeyPair | null; sub: string; says: string }[] = [
      { name: 'unsigned', xml: request({ sessionIndex }).xml, keys: null, sub: STATUS.requestDenied, says: 'not signed' },
      { name: 'signed by another key', xml: request({ sessionIndex }).xml, keys: demoKeyIsNotTheSp, sub: STATUS.requestDenied, says: 'signature is invalid' },
      { name: 'wrong issuer', xml: request({ sessionIndex, issuer: 'https://other-sp.example' }).xml, keys: spKeys, sub: STATUS.requestDenied, says: 'not from the SP' },
      { name: 'wrong destination', xml: request({ sessionIndex, destination: 'https://idp.elsewhere.example/slo' }).xml, keys: spKeys, sub: STATUS.requestDenied, says: 'is addressed to https://idp.elsewhere.example/slo' },
      { name: 'expired', xml: request({ sessionIndex, notOnOrAfter: new Date(NOW.getTime() - 3_600_000) }).xml, keys: spKeys, sub: STATUS.requestDenied, says: 'expired' },
      { name: 'wrong SessionIndex', xml: request({ sessionIndex: '_not-a-session' }).xml, keys: spKeys, sub: STATUS.unknownPrincipal, says: 'No session with SessionIndex _not-a-session' },
      { name: 'wrong NameID', xml: request({ sessionIndex, nameId: 'bob@example.com' }).xml, keys: spKeys, sub: STATUS.unknownPrincipal, says: 'belongs to NameID alice@example.com, not bob@example.com' },
    ];
    for (const c of cases) {
      const out = await sendRedirect(c.xml, c.keys);
      expect(out.signature, c.name).toBe('valid');
      expect(out.response.status, c.name).toBe(STATUS.requester);
      expect(out.response.subStatus, c.name).toBe(c.sub);
      expect(out.response.message, c.name).toContain(c.says);
    }
    // Still alive: the right request ends it.
    expect((await sendRedirect(request({ sessionIndex }).xml, spKeys)).response.status).toBe(STATUS.success);
  });

  it('HTTP-POST: an enveloped-signed LogoutRequest gets an auto-posted, signed LogoutResponse', async () => {
    const sessionIndex = await signIn('carol');
    const { id, xml } = request({ sessionIndex, nameId: 'carol@example.com' });
    const res = await fetch(`${lab.url}/demo-idp/slo`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLRequest: Buffer.from(signEnveloped(xml, spKeys)).toString('base64'), RelayState: 'rs' }).toString() });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`action="${lab.url}/saml/slo"`);
    const field = (name: string): string => html.match(new RegExp(`name="${name}" value="([^"]*)"`))![1]!;
    const received = readPost(new URLSearchParams({ SAMLResponse: field('SAMLResponse'), RelayState: field('RelayState') }), idpKeys.certificatePem);
    expect(received.signature).toBe('valid');
    expect(received.relayState).toBe('rs');
    expect(parseLogoutResponse(received.xml)).toMatchObject({ inResponseTo: id, status: STATUS.success });
    // The same body with the NameID swapped after signing no longer verifies.
    const tampered = signEnveloped(request({ sessionIndex, nameId: 'carol@example.com' }).xml, spKeys).replace('carol@example.com', 'alice@example.com');
    const bad = await fetch(`${lab.url}/demo-idp/slo`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLRequest: Buffer.from(tampered).toString('base64') }).toString() });
    const badHtml = await bad.text();
    const badResponse = parseLogoutResponse(readPost(new URLSearchParams({ SAMLResponse: badHtml.match(/name="SAMLResponse" value="([^"]*)"/)![1]! }), idpKeys.certificatePem).xml);
    expect(badResponse).toMatchObject({ status: STATUS.requester, subStatus: STATUS.requestDenied });
  });

  it('unreadable messages are refused with a page, not a crash', async () => {
    const res = await fetch(`${lab.url}/demo-idp/slo?SAMLRequest=not-deflate`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Unreadable logout message');
    const doctype = await fetch(`${lab.url}/demo-idp/slo`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLRequest: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>').toString('base64') }).toString() });
    expect(doctype.status).toBe(400);
  });
});

describe('demo IdP Single Logout, IdP-initiated', () => {
  async function startLogout(query: string): Promise<{ location: string; signature: string; request: ReturnType<typeof parseLogoutRequest> }> {
    const res = await fetch(`${lab.url}/demo-idp/logout?${query}`, { redirect: 'manual' });
    expect(res.status, await res.clone().text()).toBe(302);
    const location = res.headers.get('location')!;
    const received = readRedirect(new URL(location).search, idpKeys.certificatePem);
    return { location, signature: received.signature, request: parseLogoutRequest(received.xml) };
  }

  it('sends a signed LogoutRequest for the latest session, and checks the SP\'s LogoutResponse against it', async () => {
    const sessionIndex = await signIn('bob');
    const out = await startLogout('user=bob');
    expect(out.location.startsWith(`${lab.url}/saml/slo?SAMLRequest=`)).toBe(true);
    expect(out.signature).toBe('valid');
    expect(out.request).toMatchObject({ issuer: 'urn:saml-jit-lab:demo-idp', destination: `${lab.url}/saml/slo`, nameId: 'bob@example.com', sessionIndexes: [sessionIndex] });

    const answer = (inResponseTo: string, status: string = STATUS.success): string =>
      logoutResponseXml({ id: newSamlId(), inResponseTo, issuer: sp.entityId, destination: `${lab.url}/demo-idp/slo`, issueInstant: NOW, status });
    const good = await (await fetch(redirectUrl(`${lab.url}/demo-idp/slo`, 'SAMLResponse', answer(out.request.id), null, spKeys))).text();
    expect(good).toContain('data-testid="slo-result" data-ok="true"');
    // Answered once: the same InResponseTo again is not a request this IdP is waiting for.
    const replayed = await (await fetch(redirectUrl(`${lab.url}/demo-idp/slo`, 'SAMLResponse', answer(out.request.id), null, spKeys))).text();
    expect(replayed).toMatch(/data-testid="slo-check-in-response-to" data-status="fail"/);
    const unsigned = await (await fetch(redirectUrl(`${lab.url}/demo-idp/slo`, 'SAMLResponse', answer('_never-sent', STATUS.responder), null, null))).text();
    expect(unsigned).toContain('data-ok="false"');
    expect(unsigned).toMatch(/data-testid="slo-check-signature" data-status="fail"/);
    expect(unsigned).toMatch(/data-testid="slo-check-status" data-status="fail"/);
  });

  it('broken variants: unsigned, another key, wrong SessionIndex, wrong NameID, expired, wrong Destination; POST binding', async () => {
    const sessionIndex = await signIn('alice');
    const unsigned = await startLogout('user=alice&variant=unsigned');
    expect(unsigned.signature).toBe('none');
    expect(new URL(unsigned.location).searchParams.has('Signature')).toBe(false);
    expect((await startLogout('user=alice&variant=other-key')).signature).toBe('invalid');
    const wrongIndex = await startLogout('user=alice&variant=wrong-session-index');
    expect(wrongIndex.request.sessionIndexes).toHaveLength(1);
    expect(wrongIndex.request.sessionIndexes[0]).not.toBe(sessionIndex);
    expect(wrongIndex.request.nameId).toBe('alice@example.com');
    const wrongName = await startLogout('user=alice&variant=wrong-nameid');
    expect(wrongName.request).toMatchObject({ nameId: 'someone-else@example.com', sessionIndexes: [sessionIndex] });
    expect(Date.parse((await startLogout('user=alice&variant=expired')).request.notOnOrAfter!)).toBeLessThan(NOW.getTime());
    expect((await startLogout('user=alice&variant=wrong-destination')).request.destination).toBe('https://another-sp.example/saml/slo');

    // The broken ones left the session: a clean POST logout still names it, signed.
    const res = await fetch(`${lab.url}/demo-idp/logout?user=alice&binding=post`);
    const html = await res.text();
    const received = readPost(new URLSearchParams({ SAMLRequest: html.match(/name="SAMLRequest" value="([^"]*)"/)![1]! }), idpKeys.certificatePem);
    expect(received.signature).toBe('valid');
    expect(parseLogoutRequest(received.xml).sessionIndexes).toEqual([sessionIndex]);
  });

  it('the demo IdP page lists its sessions with a logout form that sends the variant picked', async () => {
    const sessionIndex = await signIn('bob');
    const page = await (await fetch(`${lab.url}/demo-idp/`)).text();
    expect(page).toContain(`data-testid="demo-session-${sessionIndex}"`);
    expect(page).toContain('<option value="wrong-nameid">Wrong NameID</option>');
    const out = await startLogout(`user=bob&sessionIndex=${sessionIndex}&variant=wrong-nameid&binding=redirect`);
    expect(out.request).toMatchObject({ nameId: 'someone-else@example.com', sessionIndexes: [sessionIndex] });
  });

  it('a logout for a user without a session says so; the front door applies', async () => {
    const none = await fetch(`${lab.url}/demo-idp/logout?user=carol`);
    expect(none.status).toBe(409);
    expect(await none.text()).toContain('no session for carol');
    const unknown = await fetch(`${lab.url}/demo-idp/logout?user=carol&variant=nonsense`);
    expect(unknown.status).toBe(400);
    const crossSite = await fetch(`${lab.url}/demo-idp/logout?user=alice`, { headers: { Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site' }, redirect: 'manual' });
    expect(crossSite.status).toBe(403);
  });
});
