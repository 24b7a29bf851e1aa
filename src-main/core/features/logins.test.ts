// The AuthnRequest the SP sent is kept with the SP-initiated login that answered it (issue 15.9): its XML, binding
// and whether it was signed, shown on the login's "Request" tab.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoginDetail, LoginSummary } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { buildLogin } from '../saml/authn-request.ts';
import { ensureKeyPair } from '../sp/keys.ts';
import { sentRequestOf } from './logins.ts';
import { call, labsClosedAfterEach } from '../testing/labs.ts';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const startLab = labsClosedAfterEach({ clock: () => NOW, appUrl: true });




function formField(html: string, name: string): string {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} in page`);
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x2F;/g, '/');
}

const postAcs = (lab: Lab, samlResponse: string): Promise<Response> =>
  fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });

describe('the AuthnRequest kept with its login', () => {
  it('an SP-initiated login carries the request it answered; an IdP-initiated one carries none', async () => {
    const lab = await startLab();
    const start = await call<{ url: string }>(lab, 'logins.start');
    const toIdp = await fetch(start.url, { redirect: 'manual' });
    expect(toIdp.status).toBe(302);
    const loginPage = await (await fetch(toIdp.headers.get('location')!)).text();
    const requestId = loginPage.match(/data-testid="demo-user-alice"[\s\S]*?name="requestId" value="([^"]+)"/)![1]!;
    const form = new URLSearchParams({ user: 'alice', requestId });
    const autopost = await (await fetch(`${lab.url}/demo-idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() })).text();
    expect((await postAcs(lab, formField(autopost, 'SAMLResponse'))).status).toBe(200);

    const [latest] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(latest).toMatchObject({ flow: 'sp-initiated', verdict: 'accepted' });
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: latest!.id });
    expect(detail.authnRequest).toMatchObject({ binding: 'redirect', signed: false });
    expect(detail.authnRequest!.xml).toContain(`ID="${requestId}"`);
    expect(detail.authnRequest!.xml).toContain('<samlp:AuthnRequest');
    expect(detail.authnRequest!.xml).toContain(`AssertionConsumerServiceURL="${lab.url}/saml/acs"`);

    const page = await (await fetch(`${lab.url}/demo-idp/initiate?user=bob`)).text();
    expect((await postAcs(lab, formField(page, 'SAMLResponse'))).status).toBe(200);
    const [unsolicited] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(unsolicited).toMatchObject({ flow: 'idp-initiated' });
    expect((await call<LoginDetail>(lab, 'logins.get', { id: unsolicited!.id })).authnRequest).toBeNull();
  });

  it('a signed POST request is kept as sent, signature included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jitlab-req-keys-'));
    const keys = await ensureKeyPair(dir, 'sp', 'Test SP');
    await rm(dir, { recursive: true, force: true });
    const start = buildLogin({ spEntityId: 'urn:sp', acsUrl: 'http://127.0.0.1:1/saml/acs', ssoUrl: 'https://idp.example/sso', binding: 'post', nameIdFormat: null, signWith: keys, now: NOW });
    const sent = sentRequestOf(start, true);
    expect(sent).toMatchObject({ binding: 'post', signed: true });
    expect(sent.xml).toContain(`ID="${start.id}"`);
    expect(sent.xml).toContain('<ds:SignatureValue>');
  });
});
