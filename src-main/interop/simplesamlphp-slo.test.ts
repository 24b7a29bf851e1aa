// Live Single Logout with SimpleSAMLphp 1.19 (Debian package, under `php -S` on loopback), both directions, through
// the real lab listener and a cookie-keeping loopback browser: SP-initiated (the lab's signed LogoutRequest, SimpleSAMLphp's
// LogoutResponse verified by the lab) and IdP-initiated (SimpleSAMLphp's LogoutRequest verified by the lab, the lab's
// signed LogoutResponse accepted by SimpleSAMLphp, which then goes on to its ReturnTo).
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, SloDetail, SloSummary, SpSettings } from '../contract/index.ts';
import { LoopbackBrowser, formWith, type Page } from './browser.ts';
import { explain, startInteropLab, type InteropLab } from './lab-driver.ts';
import { NAMEID, SSP_USERS, mailOf, simpleSamlPhpUnavailable, startSimpleSamlPhp, type SimpleSamlPhp } from './simplesamlphp.ts';

const unavailable = simpleSamlPhpUnavailable();
if (unavailable) console.log(`Skipping the SimpleSAMLphp Single Logout interop tests: ${unavailable}.`);

const SP = { entityId: 'urn:saml-jit-lab:interop:ssp:slo', nameIdFormat: NAMEID.email, attributeNames: 'basic' as const };
const USER = SSP_USERS[0]!;

let ssp: SimpleSamlPhp;
let lab: InteropLab;

beforeAll(async () => {
  if (unavailable) return;
  ssp = await startSimpleSamlPhp([SP]);
  lab = await startInteropLab({ idpMetadataXml: ssp.metadataXml, spEntityId: SP.entityId, nameIdFormat: SP.nameIdFormat });
  await ssp.setAcsUrl(SP.entityId, lab.acsUrl);
  const sp = await lab.call<SpSettings>('sp.get');
  await ssp.setSlo(SP.entityId, `${lab.lab.url}/saml/slo`, sp.certificatePem);
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await ssp?.close();
});

/** An SP-initiated login in `browser` (password at SimpleSAMLphp); returns the session it opened. */
async function login(browser: LoopbackBrowser): Promise<Session> {
  let page: Page = await browser.open((await lab.call<{ url: string }>('logins.start')).url);
  if (/name="AuthState"/.test(page.html)) page = await browser.submit(page, formWith(page, 'AuthState'), { username: USER.username, password: USER.password });
  const acs = await browser.submit(page, formWith(page, 'SAMLResponse'));
  expect(acs.status, explain(await lab.latestLogin())).toBe(200);
  const [session] = await lab.call<Session[]>('sessions.list', { state: 'live' });
  return session!;
}

const latestSlo = async (): Promise<SloDetail> => lab.call<SloDetail>('slo.get', { id: (await lab.call<SloSummary[]>('slo.list', { limit: 1 }))[0]!.id });
const checkIds = (x: SloDetail): string[][] => x.checks.map((c) => [c.id, c.status]);

describe.skipIf(unavailable !== null)('Single Logout with SimpleSAMLphp 1.19 as the IdP', () => {
  it('the lab imported its SingleLogoutService; a login opens a session with its NameID and SessionIndex', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    expect(s).toMatchObject({ state: 'live', idpEntityId: ssp.entityId, nameId: mailOf(USER), nameIdFormat: NAMEID.email });
    expect(s.sessionIndex).toMatch(/^_/);
    const idp = (await lab.call<{ entityId: string; sloServices: { binding: string; location: string }[] }[]>('idps.list')).find((i) => i.entityId === ssp.entityId);
    expect(idp!.sloServices).toContainEqual({ binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: `${ssp.baseUrl}/saml2/idp/SingleLogoutService.php` });
    await lab.call('sessions.end', { id: s.id });
  });

  it('SP-initiated: SimpleSAMLphp accepts the signed LogoutRequest and its LogoutResponse passes every check; the session ends', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    const { url } = await lab.call<{ url: string }>('sessions.logout', { id: s.id });
    const page = await browser.open(url);
    expect(browser.visited.some((v) => v.startsWith(`GET ${ssp.baseUrl}/saml2/idp/SingleLogoutService.php?SAMLRequest=`))).toBe(true);
    const x = await latestSlo();
    expect(page.url.startsWith(`${lab.lab.url}/saml/slo?SAMLResponse=`), `${page.url}\n${page.html.slice(0, 600)}`).toBe(true);
    expect(x, JSON.stringify(x.checks, null, 1)).toMatchObject({ flow: 'sp-initiated', verdict: 'accepted', sessionId: s.id, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    expect(checkIds(x)).toEqual([
      ['slo.message', 'pass'],
      ['slo.issuer', 'pass'],
      ['slo.signature', 'pass'],
      ['slo.destination', 'pass'],
      ['slo.in-response-to', 'pass'],
      ['slo.status', 'pass'],
    ]);
    expect(page.html).toContain('data-testid="slo-session" data-state="ended"');
    expect((await lab.call<Session[]>('sessions.list')).find((x2) => x2.id === s.id)).toMatchObject({ state: 'ended', endedBy: 'sp-logout' });
    // SimpleSAMLphp ended its own session too: the next login asks for the password again.
    const again = await browser.open((await lab.call<{ url: string }>('logins.start')).url);
    expect(again.html).toMatch(/name="AuthState"/);
  });

  it('IdP-initiated: the lab verifies SimpleSAMLphp\'s LogoutRequest, ends the session, and SimpleSAMLphp accepts the signed answer', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    const returnTo = `${ssp.baseUrl}/saml2/idp/metadata.php?output=xml&logged-out=1`;
    const page = await browser.open(ssp.idpLogoutUrl(returnTo), undefined, 15);
    expect(browser.visited.some((v) => v.startsWith(`GET ${lab.lab.url}/saml/slo?SAMLRequest=`)), browser.visited.join('\n')).toBe(true);
    const x = await latestSlo();
    expect(x, JSON.stringify(x.checks, null, 1)).toMatchObject({ flow: 'idp-initiated', verdict: 'accepted', sessionId: s.id, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    expect(checkIds(x)).toEqual([
      ['slo.message', 'pass'],
      ['slo.issuer', 'pass'],
      ['slo.signature', 'pass'],
      ['slo.destination', 'pass'],
      ['slo.not-on-or-after', 'pass'],
      ['slo.session', 'pass'],
    ]);
    expect(x.checks.find((c) => c.id === 'slo.session')!.received).toContain(s.id);
    expect((await lab.call<Session[]>('sessions.list')).find((x2) => x2.id === s.id)).toMatchObject({ state: 'ended', endedBy: 'idp-logout' });
    // SimpleSAMLphp took the lab's LogoutResponse and finished at ReturnTo (an error would be its error page).
    expect(page.url, page.html.slice(0, 800)).toBe(returnTo);
  });

  it('SimpleSAMLphp really checks the lab\'s signature: with another SP certificate configured it refuses the LogoutRequest', async () => {
    const browser = new LoopbackBrowser();
    const s = await login(browser);
    const sp = await lab.call<SpSettings>('sp.get');
    const other = await generate([{ name: 'commonName', value: 'not the lab' }], { keySize: 2048, algorithm: 'sha256' });
    await ssp.setSlo(SP.entityId, `${lab.lab.url}/saml/slo`, other.cert);
    try {
      const page = await browser.open((await lab.call<{ url: string }>('sessions.logout', { id: s.id })).url);
      expect(page.url.startsWith(`${ssp.baseUrl}/`)).toBe(true);
      expect(browser.visited.some((v) => v.includes('/saml/slo?SAMLResponse='))).toBe(false);
      expect((await lab.call<Session[]>('sessions.list')).find((x) => x.id === s.id)!.state).toBe('live');
      expect((await lab.call<SloSummary[]>('slo.list', { sessionId: s.id }))[0]).toMatchObject({ state: 'pending' });
    } finally {
      await ssp.setSlo(SP.entityId, `${lab.lab.url}/saml/slo`, sp.certificatePem);
    }
  });
});
