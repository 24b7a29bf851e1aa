// Live interop with the npm package saml-idp (a child process on loopback): SP-initiated and IdP-initiated logins
// through the real lab, asserting the provisioned account and the diff of each login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopbackBrowser, formWith, type Page } from './browser.ts';
import { explain, startInteropLab, type InteropLab } from './lab-driver.ts';
import { samlIdpUnavailable, startSamlIdp, type SamlIdp, type SamlIdpUser } from './saml-idp.ts';

const unavailable = samlIdpUnavailable();
if (unavailable) console.log(`Skipping the saml-idp interop tests: ${unavailable}.`);

const SP_ENTITY_ID = 'urn:saml-jit-lab:interop:saml-idp-sp';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const USER: SamlIdpUser = {
  userName: 'saml.jackson@example.com',
  nameIdFormat: EMAIL_FORMAT,
  firstName: 'Saml',
  lastName: 'Jackson',
  displayName: 'Saml Jackson',
  email: 'saml.jackson@example.com',
  groups: 'Simple IdP Users,West Coast Users',
};

let idp: SamlIdp;
let lab: InteropLab;

beforeAll(async () => {
  if (unavailable) return;
  idp = await startSamlIdp({ spEntityId: SP_ENTITY_ID, user: USER });
  lab = await startInteropLab({ idpMetadataXml: idp.metadataXml, spEntityId: SP_ENTITY_ID, nameIdFormat: EMAIL_FORMAT });
  await idp.setAcsUrl(lab.acsUrl);
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await idp?.close();
});

/** On saml-idp's user page: submit the "Sign In" form (optionally editing fields), then post the response to our ACS. */
async function signInAndPost(browser: LoopbackBrowser, page: Page, edits: Partial<SamlIdpUser> = {}): Promise<Page> {
  const responsePage = await browser.submit(page, formWith(page, 'userName'), edits);
  const form = formWith(responsePage, 'SAMLResponse');
  expect(form.action).toBe(lab.acsUrl);
  return browser.submit(responsePage, form);
}

describe.skipIf(unavailable !== null)('saml-idp (npm) as the IdP', () => {
  it('SP-initiated: creates the account; IdP-initiated: unchanged, then exactly the edited field changes', async () => {
    const idps = await lab.call<{ entityId: string; active: boolean; ssoRedirectUrl: string | null }[]>('idps.list');
    expect(idps.find((i) => i.active)).toMatchObject({ entityId: idp.entityId, ssoRedirectUrl: `${idp.baseUrl}/saml/sso` });
    const browser = new LoopbackBrowser();

    const { url } = await lab.call<{ url: string }>('logins.start');
    const userPage = await browser.open(url);
    expect(userPage.url.startsWith(`${idp.baseUrl}/saml/sso?SAMLRequest=`)).toBe(true);
    expect(formWith(userPage, 'userName').fields._authnRequest).toBeTruthy();
    expect((await signInAndPost(browser, userPage)).status).toBe(200);
    const created = await lab.latestLogin();
    expect(created.verdict, explain(created)).toBe('accepted');
    expect(created).toMatchObject({ flow: 'sp-initiated', idpEntityId: idp.entityId, nameId: USER.userName, nameIdFormat: EMAIL_FORMAT, diffKind: 'created', failedCheckIds: [] });
    expect(created.checks.find((c) => c.id === 'in-response-to')?.status).toBe('pass');
    // saml-idp signs both the Response and the Assertion.
    expect(created.checks.find((c) => c.id === 'signature.covers-assertion')?.received).toMatch(/Response and Assertion|Assertion and Response/);
    const fields = { email: USER.email, firstName: USER.firstName, lastName: USER.lastName, displayName: USER.displayName };
    for (const [field, value] of Object.entries(fields)) expect(created.diff.changes.find((c) => c.field === field), field).toMatchObject({ change: 'added', after: value });
    const [account] = await lab.accounts();
    expect(account).toMatchObject({ principal: USER.userName, fields: expect.objectContaining(fields), groups: ['Simple IdP Users', 'West Coast Users'], loginCount: 1 });

    // IdP-initiated from saml-idp's own page, nothing edited.
    expect((await signInAndPost(browser, await browser.open(idp.homeUrl))).status).toBe(200);
    const same = await lab.latestLogin();
    expect(same.verdict, explain(same)).toBe('accepted');
    expect(same).toMatchObject({ flow: 'idp-initiated', diffKind: 'unchanged', accountId: created.accountId, failedCheckIds: [] });

    // IdP-initiated with the surname edited on saml-idp's form: exactly that field changes.
    expect((await signInAndPost(browser, await browser.open(idp.homeUrl), { lastName: 'Jackson-Smith' })).status).toBe(200);
    const updated = await lab.latestLogin();
    expect(updated).toMatchObject({ verdict: 'accepted', diffKind: 'updated', accountId: created.accountId });
    expect(updated.diff.changes.filter((c) => c.change !== 'unchanged')).toEqual([{ field: 'lastName', before: 'Jackson', after: 'Jackson-Smith', change: 'changed' }]);
    expect((await lab.accounts())[0]).toMatchObject({ loginCount: 3, fields: expect.objectContaining({ lastName: 'Jackson-Smith' }) });
  });
});
