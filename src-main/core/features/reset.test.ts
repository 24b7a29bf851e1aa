// Issue 15.6: reset parts of the lab through the API, each removing exactly what it names (keys and IdP profiles
// stay unless asked).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Account, IdpProfile, LoginSummary, SpSettings } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { call, labsClosedAfterEach } from '../testing/labs.ts';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const startLab = labsClosedAfterEach({ clock: () => NOW, appUrl: true });
const DEMO = 'urn:saml-jit-lab:demo-idp';




async function loginAs(lab: Lab, user: string): Promise<void> {
  const page = await (await fetch(`${lab.url}/demo-idp/initiate?user=${user}`)).text();
  const samlResponse = page.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
  const res = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
  expect(res.status).toBe(200);
}

describe('reset', () => {
  it('deletes one account with its timeline; the next login of that user creates the account again', async () => {
    const lab = await startLab();
    await loginAs(lab, 'alice');
    await loginAs(lab, 'bob');
    const alice = (await call<Account[]>(lab, 'accounts.list')).find((a) => a.principal === 'alice@example.com')!;
    expect(await call(lab, 'accounts.delete', { id: alice.id })).toEqual({ deleted: true, logins: 1 });
    expect((await call<Account[]>(lab, 'accounts.list')).map((a) => a.principal)).toEqual(['bob@example.com']);
    expect((await call<LoginSummary[]>(lab, 'logins.list')).map((l) => l.nameId)).toEqual(['bob@example.com']);
    expect((await lab.handle('accounts.delete', { id: alice.id })).ok).toBe(false);

    await loginAs(lab, 'alice');
    const [latest] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(latest).toMatchObject({ nameId: 'alice@example.com', verdict: 'accepted', diffKind: 'created' });
  });

  it('clears the logins of one IdP or all, and leaves the accounts', async () => {
    const lab = await startLab();
    await loginAs(lab, 'alice');
    await loginAs(lab, 'bob');
    expect(await call(lab, 'logins.clear', { idpEntityId: 'https://other.example/idp' })).toEqual({ removed: 0 });
    expect(await call<LoginSummary[]>(lab, 'logins.list')).toHaveLength(2);
    expect(await call(lab, 'logins.clear', { idpEntityId: DEMO })).toEqual({ removed: 2 });
    expect(await call<LoginSummary[]>(lab, 'logins.list')).toEqual([]);
    expect(await call<Account[]>(lab, 'accounts.list')).toHaveLength(2);
  });

  it('starts a clean lab: accounts, logins and demo user edits gone; keys, settings and IdP profiles kept unless asked; survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jitlab-reset-'));
    const lab = await startLab(dir);
    await loginAs(lab, 'alice');
    await call(lab, 'sp.update', { entityId: 'https://sp.kept.example/' });
    const metadata = (await (await fetch(`${lab.url}/demo-idp/metadata`)).text()).replace(DEMO, 'https://other.example/idp');
    await call(lab, 'idps.import', { xml: metadata });
    const users = await call<{ id: string; attributes: Record<string, string[]> }[]>(lab, 'demoUsers.list');
    const alice = users.find((u) => u.id === 'alice')!;
    await call(lab, 'demoUsers.update', { id: 'alice', attributes: { ...alice.attributes, sn: ['Changed'] } });
    const spBefore = await call<SpSettings>(lab, 'sp.get');

    expect(await call(lab, 'lab.reset', {})).toEqual({ accounts: 1, logins: 1, idps: 0 });
    expect(await call<Account[]>(lab, 'accounts.list')).toEqual([]);
    expect(await call<LoginSummary[]>(lab, 'logins.list')).toEqual([]);
    expect((await call<IdpProfile[]>(lab, 'idps.list')).map((i) => i.entityId).sort()).toEqual([DEMO, 'https://other.example/idp'].sort());
    const usersAfter = await call<{ id: string; attributes: Record<string, string[]> }[]>(lab, 'demoUsers.list');
    expect(usersAfter.find((u) => u.id === 'alice')?.attributes.sn).toEqual(alice.attributes.sn);
    const spAfter = await call<SpSettings>(lab, 'sp.get');
    expect(spAfter.certificateFingerprintSha256).toBe(spBefore.certificateFingerprintSha256);
    expect(spAfter.entityId).toBe('https://sp.kept.example/');

    expect(await call(lab, 'lab.reset', { removeIdps: true })).toEqual({ accounts: 0, logins: 0, idps: 1 });
    const idps = await call<IdpProfile[]>(lab, 'idps.list');
    expect(idps.map((i) => i.entityId)).toEqual([DEMO]);
    expect(idps[0]!.active).toBe(true);

    // What the reset wrote is what a restart reads.
    await lab.close();
    const again = await startLab(dir);
    expect(await call<Account[]>(again, 'accounts.list')).toEqual([]);
    expect((await call<IdpProfile[]>(again, 'idps.list')).map((i) => i.entityId)).toEqual([DEMO]);
    expect((await call<SpSettings>(again, 'sp.get')).certificateFingerprintSha256).toBe(spBefore.certificateFingerprintSha256);
  });
});
