// Live interop with SimpleSAMLphp (Debian package, under `php -S` on loopback): SP-initiated and IdP-initiated
// logins through the real lab (SP listener, verifier, JIT store), for NameID formats emailAddress, persistent and
// transient, with basic and urn:oid attribute names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginDetail } from '../contract/index.ts';
import { LoopbackBrowser, formWith, type Page } from './browser.ts';
import { explain, startInteropLab, type InteropLab } from './lab-driver.ts';
import { NAMEID, SSP_USERS, mailOf, simpleSamlPhpUnavailable, startSimpleSamlPhp, type SimpleSamlPhp, type SspSpConfig, type SspUser } from './simplesamlphp.ts';

const unavailable = simpleSamlPhpUnavailable();
if (unavailable) console.log(`Skipping the SimpleSAMLphp interop tests: ${unavailable}.`);

interface Scenario extends SspSpConfig {
  label: string;
  user: SspUser;
  /** Key accounts on this attribute instead of the NameID (what a transient NameID needs). */
  principalAttribute?: string;
}

const MAIL_OID = 'urn:oid:0.9.2342.19200300.100.1.3';
const SCENARIOS: Scenario[] = [
  { label: 'emailAddress NameID, basic attribute names', entityId: 'urn:saml-jit-lab:interop:ssp:email', nameIdFormat: NAMEID.email, attributeNames: 'basic', user: SSP_USERS[0]! },
  { label: 'persistent NameID, urn:oid attribute names', entityId: 'urn:saml-jit-lab:interop:ssp:persistent', nameIdFormat: NAMEID.persistent, attributeNames: 'uri', user: SSP_USERS[1]! },
  { label: 'transient NameID, urn:oid names, accounts keyed on mail', entityId: 'urn:saml-jit-lab:interop:ssp:transient', nameIdFormat: NAMEID.transient, attributeNames: 'uri', user: SSP_USERS[2]!, principalAttribute: MAIL_OID },
];
/** The same transient SP with the default rules (accounts keyed on the NameID). */
const TRANSIENT_DEFAULT: Scenario = { ...SCENARIOS[2]!, label: 'transient NameID, default rules', entityId: 'urn:saml-jit-lab:interop:ssp:transient-default', principalAttribute: undefined };

let ssp: SimpleSamlPhp;
const labs = new Map<string, InteropLab>();

beforeAll(async () => {
  if (unavailable) return;
  ssp = await startSimpleSamlPhp([...SCENARIOS, TRANSIENT_DEFAULT]);
  for (const s of [...SCENARIOS, TRANSIENT_DEFAULT]) {
    const lab = await startInteropLab({ idpMetadataXml: ssp.metadataXml, spEntityId: s.entityId, nameIdFormat: s.nameIdFormat });
    labs.set(s.entityId, lab);
    await ssp.setAcsUrl(s.entityId, lab.acsUrl);
    if (s.principalAttribute) {
      const { rules } = await lab.call<{ rules: Record<string, unknown> }>('rules.get');
      await lab.call('rules.update', { rules: { ...rules, principal: { source: 'attribute', attribute: s.principalAttribute, caseInsensitive: true } } });
    }
  }
}, 60_000);

afterAll(async () => {
  for (const lab of labs.values()) await lab.close();
  await ssp?.close();
});

/** From a SimpleSAMLphp page: log in if it shows the login form, then post the SAMLResponse form to the ACS. */
async function completeAtIdp(browser: LoopbackBrowser, page: Page, user: SspUser, lab: InteropLab): Promise<{ acsPage: Page; loggedIn: boolean }> {
  let current = page;
  let loggedIn = false;
  if (/name="AuthState"/.test(current.html)) {
    current = await browser.submit(current, formWith(current, 'AuthState'), { username: user.username, password: user.password });
    loggedIn = true;
  }
  const form = formWith(current, 'SAMLResponse');
  expect(form.action).toBe(lab.acsUrl);
  return { acsPage: await browser.submit(current, form), loggedIn };
}

describe.skipIf(unavailable !== null)('SimpleSAMLphp 1.19 as the IdP', () => {
  it('publishes metadata the lab imports as the active IdP', async () => {
    const lab = labs.get(SCENARIOS[0]!.entityId)!;
    const idps = await lab.call<{ entityId: string; active: boolean; ssoRedirectUrl: string | null; certificates: unknown[] }[]>('idps.list');
    expect(idps.find((i) => i.active)).toMatchObject({ entityId: ssp.entityId, ssoRedirectUrl: `${ssp.baseUrl}/saml2/idp/SSOService.php` });
  });

  it.each(SCENARIOS)('$label: SP-initiated login creates the account; an IdP-initiated one changes nothing', async (s) => {
    const lab = labs.get(s.entityId)!;
    const browser = new LoopbackBrowser();

    // SP-initiated: the lab's login URL → 302 to SimpleSAMLphp → login form → auto-post form → our ACS.
    const { url } = await lab.call<{ url: string }>('logins.start');
    const loginPage = await browser.open(url);
    expect(loginPage.url.startsWith(`${ssp.baseUrl}/`)).toBe(true);
    const first = await completeAtIdp(browser, loginPage, s.user, lab);
    expect(first.loggedIn).toBe(true);
    expect(first.acsPage.status, first.acsPage.html.slice(0, 500)).toBe(200);

    const created = await lab.latestLogin();
    expect(created.verdict, explain(created)).toBe('accepted');
    expect(created).toMatchObject({ flow: 'sp-initiated', idpEntityId: ssp.entityId, nameIdFormat: s.nameIdFormat, diffKind: 'created', failedCheckIds: [] });
    expect(created.checks.find((c) => c.id === 'in-response-to')?.status).toBe('pass');
    expectAttributeNames(created, s);
    const expectedFields = { email: mailOf(s.user), firstName: s.user.givenName, lastName: s.user.sn };
    for (const [field, value] of Object.entries(expectedFields)) {
      expect(created.diff.changes.find((c) => c.field === field), field).toMatchObject({ change: 'added', before: null, after: value });
    }
    const [account] = await lab.accounts();
    expect(account).toMatchObject({ principal: s.principalAttribute ? mailOf(s.user) : created.nameId, idpEntityId: ssp.entityId, fields: expect.objectContaining(expectedFields), loginCount: 1 });
    if (s.nameIdFormat === NAMEID.email) expect(created.nameId).toBe(mailOf(s.user));
    else expect(created.nameId).toMatch(/^[A-Za-z0-9_+/=-]{20,}$/);

    // IdP-initiated, same IdP session (no second password prompt).
    const unsolicited = await browser.open(ssp.idpInitiatedUrl(s.entityId, 'from-idp'));
    const second = await completeAtIdp(browser, unsolicited, s.user, lab);
    expect(second.loggedIn).toBe(false);
    expect(second.acsPage.status, explain(await lab.latestLogin())).toBe(200);
    const again = await lab.latestLogin();
    expect(again.verdict, explain(again)).toBe('accepted');
    expect(again).toMatchObject({ flow: 'idp-initiated', relayState: 'from-idp', failedCheckIds: [] });
    expect(again.checks.find((c) => c.id === 'in-response-to')?.status).toBe('warn');

    if (s.nameIdFormat === NAMEID.transient) expect(again.nameId).not.toBe(created.nameId);
    else expect(again.nameId).toBe(created.nameId);
    expect(again).toMatchObject({ diffKind: 'unchanged', accountId: created.accountId });
    expect(again.diff.changes.filter((c) => c.change !== 'unchanged')).toEqual([]);
    expect(await lab.accounts()).toEqual([expect.objectContaining({ principal: account!.principal, loginCount: 2, fields: expect.objectContaining(expectedFields) })]);
  });

  it('transient NameID with the default rules (accounts keyed on the NameID): the second login is refused by JIT, not by SAML', async () => {
    // A new transient NameID is a new principal whose email belongs to the first account: the default
    // emailConflict "refuse" rejects it (jit.duplicate-email) instead of silently creating a duplicate account.
    const s = TRANSIENT_DEFAULT;
    const lab = labs.get(s.entityId)!;
    const browser = new LoopbackBrowser();
    const first = await completeAtIdp(browser, await browser.open((await lab.call<{ url: string }>('logins.start')).url), s.user, lab);
    expect(first.acsPage.status).toBe(200);
    const created = await lab.latestLogin();
    expect(created).toMatchObject({ verdict: 'accepted', diffKind: 'created', nameIdFormat: NAMEID.transient });

    const second = await completeAtIdp(browser, await browser.open(ssp.idpInitiatedUrl(s.entityId)), s.user, lab);
    expect(second.acsPage.status).toBe(403);
    const refused = await lab.latestLogin();
    expect(refused).toMatchObject({ verdict: 'rejected', diffKind: 'rejected', failedCheckIds: ['jit.duplicate-email'] });
    expect(refused.nameId).not.toBe(created.nameId);
    expect(await lab.accounts()).toEqual([expect.objectContaining({ principal: created.nameId, loginCount: 1 })]);
  });
});

function expectAttributeNames(login: LoginDetail, s: Scenario): void {
  const names = login.attributes.map((a) => a.name);
  if (s.attributeNames === 'uri') {
    expect(names).toEqual(expect.arrayContaining(['urn:oid:0.9.2342.19200300.100.1.3', 'urn:oid:2.5.4.42', 'urn:oid:2.5.4.4']));
    expect(login.attributes.every((a) => a.nameFormat === 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri')).toBe(true);
  } else {
    expect(names).toEqual(expect.arrayContaining(['mail', 'givenName', 'sn']));
    expect(login.attributes.every((a) => a.nameFormat === 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic')).toBe(true);
  }
}
