// Live Single Logout with the npm package saml-idp (Express + samlp's logout middleware, a child process on loopback),
// both directions through the real lab listener: what it sends, what the lab's slo.* checks say about it, and that it
// does not check the SP's signature.
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, SloDetail, SloSummary } from '../contract/index.ts';
import { LoopbackBrowser, formWith } from './browser.ts';
import { logoutRequestXml } from '../core/slo/messages.ts';
import { explain, startInteropLab, type InteropLab } from './lab-driver.ts';
import { samlIdpUnavailable, startSamlIdp, type SamlIdp, type SamlIdpUser } from './saml-idp.ts';

const unavailable = samlIdpUnavailable();
if (unavailable) console.log(`Skipping the saml-idp Single Logout interop tests: ${unavailable}.`);

const SP_ENTITY_ID = 'urn:saml-jit-lab:interop:saml-idp-slo';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const USER: SamlIdpUser = { userName: 'saml.jackson@example.com', nameIdFormat: EMAIL_FORMAT, firstName: 'Saml', lastName: 'Jackson', displayName: 'Saml Jackson', email: 'saml.jackson@example.com', groups: 'Simple IdP Users' };

let idp: SamlIdp;
let lab: InteropLab;

beforeAll(async () => {
  if (unavailable) return;
  idp = await startSamlIdp({ spEntityId: SP_ENTITY_ID, user: USER, slo: true });
  lab = await startInteropLab({ idpMetadataXml: idp.metadataXml, spEntityId: SP_ENTITY_ID, nameIdFormat: EMAIL_FORMAT });
  await idp.setAcsUrl(lab.acsUrl);
  await idp.setSloUrl(`${lab.lab.url}/saml/slo`);
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await idp?.close();
});

async function login(browser: LoopbackBrowser): Promise<Session> {
  const userPage = await browser.open((await lab.call<{ url: string }>('logins.start')).url);
  const responsePage = await browser.submit(userPage, formWith(userPage, 'userName'));
  const acs = await browser.submit(responsePage, formWith(responsePage, 'SAMLResponse'));
  expect(acs.status, explain(await lab.latestLogin())).toBe(200);
  return (await lab.call<Session[]>('sessions.list', { state: 'live' }))[0]!;
}

const latestSlo = async (): Promise<SloDetail> => lab.call<SloDetail>('slo.get', { id: (await lab.call<SloSummary[]>('slo.list', { limit: 1 }))[0]!.id });

const checkIds = (x: SloDetail): string[][] => x.checks.map((c) => [c.id, c.status]);

describe.skipIf(unavailable !== null)('Single Logout with saml-idp (npm) as the IdP', () => {
  it('SP-initiated: saml-idp takes the lab\'s Redirect LogoutRequest and answers over HTTP-POST, signed; every check passes', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    expect(s.sessionIndex).toMatch(/^\d+$/); // a hash of its Express session ID
    const page = await browser.open((await lab.call<{ url: string }>('sessions.logout', { id: s.id })).url);
    expect(browser.visited.some((v) => v.startsWith(`GET ${idp.baseUrl}/saml/slo?SAMLRequest=`))).toBe(true);
    const form = formWith(page, 'SAMLResponse');
    expect(form.action).toBe(`${lab.lab.url}/saml/slo`);
    const result = await browser.submit(page, form);
    const x = await latestSlo();
    expect(result.status, JSON.stringify(x.checks, null, 1)).toBe(200);
    expect(x).toMatchObject({ flow: 'sp-initiated', verdict: 'accepted', sessionId: s.id, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    expect(checkIds(x)).toEqual([
      ['slo.message', 'pass'],
      ['slo.issuer', 'pass'],
      ['slo.signature', 'pass'],
      ['slo.destination', 'pass'],
      ['slo.in-response-to', 'pass'],
      ['slo.status', 'pass'],
    ]);
    expect(x.checks.find((c) => c.id === 'slo.message')!.received).toBe('samlp:LogoutResponse over HTTP-POST');
    expect((await lab.call<Session[]>('sessions.list')).find((y) => y.id === s.id)).toMatchObject({ state: 'ended', endedBy: 'sp-logout' });
  });

  it('IdP-initiated (/signout): a signed POST LogoutRequest without NotOnOrAfter (warns); the lab ends the session and saml-idp takes the answer', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    const page = await browser.open(`${idp.baseUrl}/signout`);
    const answer = await browser.submit(page, formWith(page, 'SAMLRequest'));
    const x = await latestSlo();
    expect(x, JSON.stringify(x.checks, null, 1)).toMatchObject({ flow: 'idp-initiated', verdict: 'accepted', sessionId: s.id, binding: 'post', status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    expect(checkIds(x)).toEqual([
      ['slo.message', 'pass'],
      ['slo.issuer', 'pass'],
      ['slo.signature', 'pass'],
      ['slo.destination', 'pass'],
      ['slo.not-on-or-after', 'warn'],
      ['slo.session', 'pass'],
    ]);
    expect((await lab.call<Session[]>('sessions.list')).find((y) => y.id === s.id)).toMatchObject({ state: 'ended', endedBy: 'idp-logout' });
    const back = formWith(answer, 'SAMLResponse');
    expect(back.action).toBe(`${idp.baseUrl}/saml/slo`);
    const end = await browser.submit(answer, back);
    expect(end.status).toBe(200);
    expect(end.html.trim()).toBe('OK');
  });

  it('saml-idp does not check the SP\'s signature: an unsigned LogoutRequest logs its session out (samlp lets it pass without an SP certificate)', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    const xml = logoutRequestXml({ id: '_unsigned-by-anyone', issuer: SP_ENTITY_ID, destination: `${idp.baseUrl}/saml/slo`, issueInstant: new Date(), notOnOrAfter: new Date(Date.now() + 60_000), nameId: USER.userName, nameIdFormat: EMAIL_FORMAT, nameQualifier: null, spNameQualifier: null, sessionIndex: s.sessionIndex });
    const page = await browser.open(`${idp.baseUrl}/saml/slo?SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`);
    const response = Buffer.from(formWith(page, 'SAMLResponse').fields.SAMLResponse!, 'base64').toString('utf8');
    expect(response).toContain('InResponseTo="_unsigned-by-anyone"');
    expect(response).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    await lab.call('sessions.end', { id: s.id });
  });
});
