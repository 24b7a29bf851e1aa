// Live interop with the npm package samlp (Auth0's IdP middleware, in-process on loopback): SP-initiated and
// IdP-initiated logins through the real lab; WS-Fed claim URIs must map to the account fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopbackBrowser, formWith, type Page } from './browser.ts';
import { explain, startInteropLab, type InteropLab } from './lab-driver.ts';
import { PERSISTENT, samlpUnavailable, startSamlpIdp, type SamlpIdp, type SamlpUser } from './samlp-idp.ts';

const unavailable = samlpUnavailable();
if (unavailable) console.log(`Skipping the samlp interop tests: ${unavailable}.`);

const SP_ENTITY_ID = 'urn:saml-jit-lab:interop:samlp-sp';
const USERS: SamlpUser[] = [
  { username: 'alice', password: 'alicepass', id: 'samlp|3f2a9c-alice', givenName: 'Alice', familyName: 'Anderson', email: 'alice@example.net' },
  { username: 'bob', password: 'bobpass', id: 'samlp|8d41e0-bob', givenName: 'Bob', familyName: 'Brown', email: 'bob@example.net' },
  { username: 'carol', password: 'carolpass', id: 'samlp|c0ffee-carol', givenName: 'Carol', familyName: 'Clark', email: 'carol@example.net' },
];

let idp: SamlpIdp;
let lab: InteropLab;

beforeAll(async () => {
  if (unavailable) return;
  idp = await startSamlpIdp(USERS);
  lab = await startInteropLab({ idpMetadataXml: idp.metadataXml, spEntityId: SP_ENTITY_ID, nameIdFormat: PERSISTENT });
  idp.registerSp(SP_ENTITY_ID, lab.acsUrl);
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await idp?.close();
});

async function logInAndPost(browser: LoopbackBrowser, loginPage: Page, user: SamlpUser): Promise<Page> {
  const responsePage = await browser.submit(loginPage, formWith(loginPage, 'username'), { username: user.username, password: user.password });
  const form = formWith(responsePage, 'SAMLResponse');
  expect(form.action).toBe(lab.acsUrl);
  return browser.submit(responsePage, form);
}

const fieldsOf = (u: SamlpUser) => ({ email: u.email, firstName: u.givenName, lastName: u.familyName, displayName: `${u.givenName} ${u.familyName}` });

describe.skipIf(unavailable !== null)('samlp (npm) as the IdP', () => {
  it('SP-initiated: creates the account from WS-Fed claim URIs; IdP-initiated: unchanged; another user: a second account', async () => {
    const [alice, bob] = USERS as [SamlpUser, SamlpUser];
    const browser = new LoopbackBrowser();
    const { url } = await lab.call<{ url: string }>('logins.start');
    const loginPage = await browser.open(url);
    expect(loginPage.url.startsWith(`${idp.baseUrl}/sso?SAMLRequest=`)).toBe(true);
    expect((await logInAndPost(browser, loginPage, alice)).status).toBe(200);

    const created = await lab.latestLogin();
    expect(created.verdict, explain(created)).toBe('accepted');
    expect(created).toMatchObject({ flow: 'sp-initiated', idpEntityId: idp.entityId, nameId: alice.id, nameIdFormat: PERSISTENT, diffKind: 'created', failedCheckIds: [] });
    expect(created.checks.find((c) => c.id === 'in-response-to')?.status).toBe('pass');
    expect(created.attributes.map((a) => a.name)).toEqual(expect.arrayContaining([
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
    ]));
    for (const [field, value] of Object.entries(fieldsOf(alice))) expect(created.diff.changes.find((c) => c.field === field), field).toMatchObject({ change: 'added', after: value });

    const again = await logInAndPost(browser, await browser.open(idp.idpInitiatedUrl), alice);
    expect(again.status).toBe(200);
    const same = await lab.latestLogin();
    expect(same.verdict, explain(same)).toBe('accepted');
    expect(same).toMatchObject({ flow: 'idp-initiated', nameId: alice.id, diffKind: 'unchanged', accountId: created.accountId, failedCheckIds: [] });

    expect((await logInAndPost(browser, await browser.open(idp.idpInitiatedUrl), bob)).status).toBe(200);
    const second = await lab.latestLogin();
    expect(second).toMatchObject({ verdict: 'accepted', nameId: bob.id, diffKind: 'created' });
    const accounts = await lab.accounts();
    expect(accounts.map((a) => [a.principal, a.fields.email, a.loginCount])).toEqual([[alice.id, alice.email, 2], [bob.id, bob.email, 1]]);
    expect(accounts[1]!.fields).toMatchObject(fieldsOf(bob));
  });

  it('a wrong password stays at the IdP: nothing reaches the lab', async () => {
    const before = await lab.loginCount();
    const browser = new LoopbackBrowser();
    const page = await browser.open(idp.idpInitiatedUrl);
    const refused = await browser.submit(page, formWith(page, 'username'), { username: 'carol', password: 'wrong' });
    expect(refused.status).toBe(401);
    expect(refused.html).not.toContain('SAMLResponse');
    expect(await lab.loginCount()).toBe(before);
  });
});
