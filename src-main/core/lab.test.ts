// The JIT loop through the real listener: demo IdP → ACS → store, SP-initiated and IdP-initiated, and bad input.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary } from '../contract/index.ts';
import { LabError } from './errors.ts';
import type { Lab } from './host.ts';
import { createLab } from './lab.ts';
import { call, labsClosedAfterEach } from './testing/labs.ts';

const RESOURCES = resolve(import.meta.dirname, '../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');
const startLab = labsClosedAfterEach({ clock: () => NOW, appUrl: true });




function formField(html: string, name: string): string {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} in page`);
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x2F;/g, '/');
}

async function postAcs(lab: Lab, samlResponse: string): Promise<Response> {
  return fetch(`${lab.url}/saml/acs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: 'rs-1' }).toString(),
  });
}

async function idpInitiated(lab: Lab, user: string): Promise<string> {
  const page = await (await fetch(`${lab.url}/demo-idp/initiate?user=${user}`)).text();
  return formField(page, 'SAMLResponse');
}

describe('the JIT loop', () => {
  it('creates the account on an IdP-initiated login and records the login with its diff', async () => {
    const lab = await startLab();
    const res = await postAcs(lab, await idpInitiated(lab, 'alice'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-verdict="accepted"');
    expect(html).toContain(`href="${lab.url}/#/logins/`);

    const accounts = await call<Account[]>(lab, 'accounts.list');
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      principal: 'alice@example.com',
      idpEntityId: 'urn:saml-jit-lab:demo-idp',
      fields: { email: 'alice@example.com', firstName: 'Alice', lastName: 'Anderson', displayName: 'Alice Anderson' },
      groups: ['engineering', 'sso-admins'],
      loginCount: 1,
    });
    const [summary] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(summary).toMatchObject({ verdict: 'accepted', flow: 'idp-initiated', diffKind: 'created', nameId: 'alice@example.com', failedCheckIds: [] });
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: summary!.id });
    expect(detail.relayState).toBe('rs-1');
    expect(detail.xml).toContain('<saml:Assertion');
    expect(detail.checks.find((c) => c.id === 'in-response-to')?.status).toBe('warn');
    expect(detail.diff.changes.find((c) => c.field === 'lastName')).toMatchObject({ change: 'added', after: 'Anderson' });
  });

  it('updates exactly the edited attribute on the next login, SP-initiated through the demo IdP pages', async () => {
    const lab = await startLab();
    await postAcs(lab, await idpInitiated(lab, 'bob'));

    const start = await call<{ url: string; opened: boolean }>(lab, 'logins.start');
    expect(start.opened).toBe(false);
    const toIdp = await fetch(start.url, { redirect: 'manual' });
    expect(toIdp.status).toBe(302);
    const loginPage = await (await fetch(toIdp.headers.get('location')!)).text();
    expect(loginPage).toContain('data-testid="demo-signin-bob"');
    const requestId = loginPage.match(/data-testid="demo-user-bob"[\s\S]*?name="requestId" value="([^"]+)"/)![1]!;

    const form = new URLSearchParams({ user: 'bob', requestId, 'attr:email': 'bob@example.com', 'attr:givenName': 'Bob', 'attr:sn': 'Baker', 'attr:displayName': 'Bob Brown', 'attr:groups': 'engineering,viewers' });
    const autopost = await (await fetch(`${lab.url}/demo-idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() })).text();
    const res = await postAcs(lab, formField(autopost, 'SAMLResponse'));
    expect(res.status).toBe(200);

    const [latest] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(latest).toMatchObject({ flow: 'sp-initiated', diffKind: 'updated' });
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: latest!.id });
    expect(detail.checks.find((c) => c.id === 'in-response-to')).toMatchObject({ status: 'pass', received: requestId });
    expect(detail.diff.changes.filter((c) => c.change !== 'unchanged')).toEqual([{ field: 'lastName', before: 'Brown', after: 'Baker', change: 'changed' }]);
    const users = await call<{ id: string; attributes: Record<string, string[]> }[]>(lab, 'demoUsers.list');
    expect(users.find((u) => u.id === 'bob')?.attributes.sn).toEqual(['Baker']);

    // The request ID was consumed: the same response again is a replay and an unknown request.
    const again = await postAcs(lab, formField(autopost, 'SAMLResponse'));
    expect(again.status).toBe(403);
    const [replayed] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(replayed!.failedCheckIds).toEqual(expect.arrayContaining(['replay', 'in-response-to']));
  });

  it('keeps accounts and logins across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jitlab-'));
    const first = await startLab(dir);
    await postAcs(first, await idpInitiated(first, 'carol'));
    await first.close();
    const second = await startLab(dir);
    expect((await call<Account[]>(second, 'accounts.list')).map((a) => a.principal)).toEqual(['carol@example.com']);
    expect(await call<LoginSummary[]>(second, 'logins.list')).toHaveLength(1);
  });
});

describe('bad input at the ACS: clear rejection, recorded, nothing changes', () => {
  const accountsOf = (lab: Lab) => call<Account[]>(lab, 'accounts.list');

  it('rejects a tampered response with 403 and the failing check id', async () => {
    const lab = await startLab();
    const xml = Buffer.from(await idpInitiated(lab, 'alice'), 'base64').toString('utf8').replace('>Anderson<', '>Mallory<');
    const res = await postAcs(lab, Buffer.from(xml).toString('base64'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-check-id="signature.valid"');
    expect(await accountsOf(lab)).toEqual([]);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(login).toMatchObject({ verdict: 'rejected', diffKind: 'rejected' });
    expect(login!.failedCheckIds).toContain('signature.valid');
  });

  it.each([
    ['garbage', 'bm90IHhtbA==', 'response.decode'],
    ['truncated base64', 'PHNhbWxwOlJlc3BvbnN', 'response.decode'],
    ['truncated XML', Buffer.from('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"').toString('base64'), 'xml.well-formed'],
  ])('rejects %s with 403', async (_name, body, checkId) => {
    const lab = await startLab();
    const res = await postAcs(lab, body);
    expect(res.status).toBe(403);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(login!.failedCheckIds).toEqual([checkId]);
    expect(await accountsOf(lab)).toEqual([]);
  });

  it('answers 400 for a post without SAMLResponse or with the wrong content type, 405 for GET, 413 when too large', async () => {
    const lab = await startLab();
    const noField = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'RelayState=x' });
    expect(noField.status).toBe(400);
    const json = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    const get = await fetch(`${lab.url}/saml/acs`);
    expect(get.status).toBe(405);
    const big = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `SAMLResponse=${'A'.repeat(5 * 1024 * 1024)}` });
    expect(big.status).toBe(413);
    const logins = await call<LoginSummary[]>(lab, 'logins.list');
    expect(logins.map((l) => l.failedCheckIds[0])).toEqual(['request.body-size', 'request.method', 'request.content-type', 'request.saml-response']);
    // Still serving.
    expect((await postAcs(lab, await idpInitiated(lab, 'alice'))).status).toBe(200);
    expect(await accountsOf(lab)).toHaveLength(1);
  });

  it('refuses a cross-site sign-in at the demo IdP (no account provisioned with values a page chose)', async () => {
    const lab = await startLab();
    const form = new URLSearchParams({ user: 'alice', 'attr:email': 'attacker@evil.example', 'attr:groups': 'superadmin' });
    const res = await fetch(`${lab.url}/demo-idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' }, body: form.toString() });
    expect(res.status).toBe(403);
    const initiate = await fetch(`${lab.url}/demo-idp/initiate?user=alice`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(initiate.status).toBe(403);
    const users = await call<{ id: string; attributes: Record<string, string[]> }[]>(lab, 'demoUsers.list');
    expect(users.find((u) => u.id === 'alice')?.attributes.email).toEqual(['alice@example.com']);
    // The demo IdP's own page (same origin) still works.
    const own = await fetch(`${lab.url}/demo-idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: lab.url }, body: new URLSearchParams({ user: 'alice' }).toString() });
    expect(own.status).toBe(200);
  });

  it('keeps only the first 64 kB of a large rejected post as evidence', async () => {
    const lab = await startLab();
    const padded = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><!--${'x'.repeat(3_000_000)}--></samlp:Response>`;
    const res = await postAcs(lab, Buffer.from(padded).toString('base64'));
    expect(res.status).toBe(403);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: login!.id });
    expect(detail.samlResponse!.length).toBeLessThan(70 * 1024);
    expect(detail.samlResponse).toContain('more characters not kept');
    // Refused by its size before it was decoded (limits.response-bytes): no XML kept at all.
    expect(detail.xml === null || detail.xml.length < 70 * 1024).toBe(true);
  });

  it('rejects a response from an IdP that is not configured', async () => {
    const lab = await startLab();
    const xml = Buffer.from(await idpInitiated(lab, 'alice'), 'base64').toString('utf8').replaceAll('urn:saml-jit-lab:demo-idp', 'https://rogue.example/idp');
    const res = await postAcs(lab, Buffer.from(xml).toString('base64'));
    expect(res.status).toBe(403);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(login!.failedCheckIds).toContain('issuer.known');
  });
});

describe('start-up and settings', () => {
  it('refuses a port in use with one clear line', async () => {
    const lab = await startLab();
    const port = Number(new URL(lab.url).port);
    const error = await createLab({ mode: 'browser', dataDir: await mkdtemp(join(tmpdir(), 'jitlab-')), resourcesDir: RESOURCES, port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('port-in-use');
    expect((error as LabError).message).toMatch(new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use[^\\n]*$`));
  });

  it('keeps the SP private key in the data dir with mode 0600 and serves SP metadata without it', async () => {
    const lab = await startLab();
    const keyFile = join(lab.dataDir, 'keys', 'sp-key.pem');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const md = await (await fetch(`${lab.url}/saml/metadata`)).text();
    expect(md).toContain('entityID="urn:saml-jit-lab:sp"');
    expect(md).toContain(`Location="${lab.url}/saml/acs"`);
    expect(md).not.toContain('PRIVATE KEY');
    expect(await readFile(keyFile, 'utf8')).toContain('PRIVATE KEY');
  });

  it('moves a corrupt store aside, says so, and starts empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jitlab-'));
    await writeFile(join(dir, 'store.json'), '{"version":1,"accounts":[tru');
    const lab = await startLab(dir);
    const info = await call<{ storeNotice: string | null }>(lab, 'app.info');
    expect(info.storeNotice).toMatch(/could not be read .* moved to .*store\.json\.corrupt-/);
    expect(await call<Account[]>(lab, 'accounts.list')).toEqual([]);
  });

  it('imports IdP metadata, makes it active, and rejects non-metadata with a clear message', async () => {
    const lab = await startLab();
    const bad = await lab.handle('idps.import', { xml: '<html><body>Sign in</body></html>' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-metadata' } });
    expect(!bad.ok && bad.error.message).toContain('HTML page');
    const xml = await readFile(resolve(import.meta.dirname, '../../../shared/corpus/metadata/okta_idp_metadata_ssoready.xml'), 'utf8').catch(() => null);
    const metadata = xml ?? (await (await fetch(`${lab.url}/demo-idp/metadata`)).text()).replace('urn:saml-jit-lab:demo-idp', 'https://other.example/idp');
    const profile = await call<{ id: string; entityId: string }>(lab, 'idps.import', { xml: metadata, name: 'Okta test' });
    await call(lab, 'idps.activate', { id: profile.id });
    const list = await call<{ id: string; active: boolean }[]>(lab, 'idps.list');
    expect(list.find((p) => p.id === profile.id)?.active).toBe(true);
    expect(list).toHaveLength(2);
  });

  it('validates contract input and never throws across the boundary', async () => {
    const lab = await startLab();
    expect(await lab.handle('logins.get', { id: 42 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await lab.handle('nope.nothing', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await lab.handle('logins.get', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
