// Demo users as a person edits them on the demo IdP page (curl-style form posts to the real listener): attributes
// added and removed, NameID format and case per user, reset to the shipped users; each seen in what the SP received.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary } from '../../contract/index.ts';
import type { DemoUserProfile } from '../../contract/demo.ts';
import type { Lab } from '../host.ts';
import { call, labsClosedAfterEach } from '../testing/labs.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');
const startLab = labsClosedAfterEach({ clock: () => NOW });




/** Posts the demo IdP's login form (as a script), then the SAMLResponse to the ACS; returns the recorded login. */
async function signIn(lab: Lab, fields: Record<string, string>): Promise<{ status: number; login: LoginDetail }> {
  const page = await fetch(`${lab.url}/demo-idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const html = await page.text();
  expect(page.status, html.slice(0, 500)).toBe(200);
  const samlResponse = html.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
  const acs = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
  await acs.text();
  const [latest] = await call<LoginSummary[]>(lab, 'logins.list', { limit: 1 });
  return { status: acs.status, login: await call<LoginDetail>(lab, 'logins.get', { id: latest!.id }) };
}

const shipped = async (): Promise<{ id: string; attributes: Record<string, string[]> }[]> => JSON.parse(await readFile(join(RESOURCES, 'demo-users.json'), 'utf8'));

describe('demo users', () => {
  it('an attribute added on the page is asserted and saved; one emptied is removed', async () => {
    const lab = await startLab();
    const { login } = await signIn(lab, { user: 'alice', 'attr:email': 'alice@example.com', 'attr:sn': 'Anderson', 'attr:groups': '', newAttrName: 'department', newAttrValue: 'Research,Security' });
    expect(login.verdict).toBe('accepted');
    expect(login.attributes.find((a) => a.name === 'department')?.values).toEqual(['Research', 'Security']);
    expect(login.attributes.map((a) => a.name)).not.toContain('groups');
    const alice = (await call<DemoUserProfile[]>(lab, 'demoUsers.list')).find((u) => u.id === 'alice')!;
    expect(alice.attributes).toEqual({ email: ['alice@example.com'], sn: ['Anderson'], department: ['Research', 'Security'] });
    expect(alice.edited).toBe(true);
    const page = await (await fetch(`${lab.url}/demo-idp/`)).text();
    expect(page).toContain('name="attr:department" value="Research,Security" data-testid="demo-attr-alice-department"');
  });

  it('NameID format and case per user: upper-case emailAddress, persistent (stable, opaque), transient (new each login), unspecified', async () => {
    const lab = await startLab();
    const upper = await signIn(lab, { user: 'bob', nameIdFormat: 'emailAddress', nameIdCase: 'upper' });
    expect(upper.login).toMatchObject({ nameId: 'BOB@EXAMPLE.COM', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', verdict: 'accepted' });

    const p1 = await signIn(lab, { user: 'bob', nameIdFormat: 'persistent', nameIdCase: 'as-is' });
    const p2 = await signIn(lab, { user: 'bob' });
    expect(p1.login.nameIdFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    expect(p1.login.nameId).toMatch(/^[0-9a-f]{40}$/);
    expect(p2.login.nameId).toBe(p1.login.nameId);
    const profile = (await call<DemoUserProfile[]>(lab, 'demoUsers.list')).find((u) => u.id === 'bob')!;
    expect(profile).toMatchObject({ nameIdFormat: 'persistent', nameIdCase: 'as-is', effectiveNameId: p1.login.nameId });

    const t1 = await signIn(lab, { user: 'bob', nameIdFormat: 'transient' });
    const t2 = await signIn(lab, { user: 'bob' });
    expect(t1.login.nameIdFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:transient');
    expect(t1.login.nameId).not.toBe(t2.login.nameId);

    const u = await signIn(lab, { user: 'bob', nameIdFormat: 'unspecified' });
    expect(u.login).toMatchObject({ nameId: 'bob@example.com', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified' });
  });

  it('NameID settings survive a restart; reset brings back the shipped users', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jitlab-demo-users-'));
    const first = await startLab(dir);
    await signIn(first, { user: 'carol', nameIdCase: 'upper', newAttrName: 'department', newAttrValue: 'Sales' });
    await first.close();
    const second = await startLab(dir);
    const carol = (await call<DemoUserProfile[]>(second, 'demoUsers.list')).find((u) => u.id === 'carol')!;
    expect(carol).toMatchObject({ nameIdCase: 'upper', effectiveNameId: 'CAROL@EXAMPLE.COM' });
    expect(carol.attributes.department).toEqual(['Sales']);

    const reset = await fetch(`${second.url}/demo-idp/reset`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(reset.status).toBe(200);
    const after = await call<DemoUserProfile[]>(second, 'demoUsers.list');
    expect(after.map(({ id, attributes }) => ({ id, attributes }))).toEqual((await shipped()).map(({ id, attributes }) => ({ id, attributes })));
    expect(after.every((u) => u.nameIdFormat === 'emailAddress' && u.nameIdCase === 'as-is' && !u.edited)).toBe(true);
    // Signing in from the page posts every field as shown: values equal to the shipped ones are not an edit.
    const shippedCarol = (await shipped()).find((u) => u.id === 'carol')!;
    const fields: Record<string, string> = { user: 'carol', nameIdFormat: 'emailAddress', nameIdCase: 'as-is', scenario: 'none', n: '' };
    for (const [name, values] of Object.entries(shippedCarol.attributes)) fields[`attr:${name}`] = values.join(',');
    await signIn(second, fields);
    expect((await call<DemoUserProfile[]>(second, 'demoUsers.list')).find((u) => u.id === 'carol')!.edited).toBe(false);
  });

  it('attribute names are data: __proto__ and constructor are ordinary attributes', async () => {
    const lab = await startLab();
    const { login } = await signIn(lab, { user: 'alice', 'attr:__proto__': 'p1', 'attr:email': 'alice@example.com', newAttrName: 'constructor', newAttrValue: 'c1' });
    expect(login.verdict).toBe('accepted');
    expect(login.attributes.filter((a) => ['__proto__', 'constructor'].includes(a.name)).map((a) => [a.name, a.values])).toEqual([
      ['__proto__', ['p1']],
      ['constructor', ['c1']],
    ]);
    const alice = (await call<DemoUserProfile[]>(lab, 'demoUsers.list')).find((u) => u.id === 'alice')!;
    expect(Object.keys(alice.attributes).sort()).toEqual(['__proto__', 'constructor', 'email']);
  });

  it('the page form carries a scenario and its N', async () => {
    const lab = await startLab();
    const rejected = await signIn(lab, { user: 'alice', scenario: 'wrong-audience' });
    expect(rejected.status).toBe(403);
    expect(rejected.login.failedCheckIds).toContain('audience');
    const three = await signIn(lab, { user: 'alice', scenario: 'groups', n: '3' });
    expect(three.login.attributes.find((a) => a.name === 'groups')?.values).toEqual(['engineering', 'sso-admins', 'demo-group-00001']);
    const page = await (await fetch(`${lab.url}/demo-idp/`)).text();
    expect(page).toContain('data-testid="demo-scenario-row-groups-overage"');
    expect(page).toContain('<code>groups.overage</code>');
  });

  it('hostile edits are refused and nothing is stored: control characters in names, junk formats, unknown users', async () => {
    const lab = await startLab();
    const before = await call(lab, 'demoUsers.list');
    for (const fields of <Record<string, string>[]>[
      { user: 'alice', newAttrName: 'role\nallow_sign_up = true', newAttrValue: 'x' },
      { user: 'alice', nameIdFormat: 'urn:evil' },
      { user: 'alice', nameIdCase: 'sideways' },
      { user: 'mallory', 'attr:email': 'mallory@example.com' },
    ]) {
      const res = await fetch(`${lab.url}/demo-idp/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
      const html = await res.text();
      expect([400, 404]).toContain(res.status);
      expect(html).not.toContain('SAMLResponse');
    }
    expect(await call(lab, 'demoUsers.list')).toEqual(before);
    expect(await call<Account[]>(lab, 'accounts.list')).toEqual([]);
  });
});

describe('the demo API (contract/demo.ts)', () => {
  it('demoUsers.save / profiles / reset and demoScenarios.list, with hostile input refused', async () => {
    const lab = await startLab();
    const saved = await call<DemoUserProfile>(lab, 'demoUsers.save', { id: 'bob', attributes: { email: ['bob@example.com'], department: ['Ops'] }, nameIdFormat: 'persistent', nameIdCase: 'upper' });
    expect(saved).toMatchObject({ id: 'bob', nameIdFormat: 'persistent', nameIdCase: 'upper', edited: true, attributes: { email: ['bob@example.com'], department: ['Ops'] } });
    expect(saved.effectiveNameId).toMatch(/^[0-9A-F]{40}$/);
    const { login } = await signIn(lab, { user: 'bob' });
    expect(login.nameId).toBe(saved.effectiveNameId);

    const bad = await lab.handle('demoUsers.save', { id: 'bob', attributes: { 'x\ny': ['1'] } });
    expect(bad.ok).toBe(false);
    expect((await lab.handle('demoUsers.save', { id: 'nobody', nameIdCase: 'upper' })).ok).toBe(false);
    expect((await lab.handle('demoUsers.save', { id: 'bob', nameIdFormat: 'kerberos' })).ok).toBe(false);

    const reset = await call<DemoUserProfile[]>(lab, 'demoUsers.reset');
    expect(reset.find((u) => u.id === 'bob')).toMatchObject({ nameIdFormat: 'emailAddress', nameIdCase: 'as-is', effectiveNameId: 'bob@example.com', edited: false });
    expect(await call(lab, 'demoUsers.profiles')).toEqual(reset);

    const scenarios = await call<{ id: string; checks: string[] }[]>(lab, 'demoScenarios.list');
    expect(scenarios.map((s) => s.id)).toEqual(expect.arrayContaining(['expired', 'groups-overage', 'encrypted-tripledes-cbc', 'over-limit']));
    expect(scenarios.find((s) => s.id === 'groups-overage')?.checks).toEqual(['groups.overage']);
  });
});
