// The JIT answers through the contract (issues 15 and 16): cleared fields on the login and its summary, the dry run's
// matched account and groups whatever the verdict, coverage on the login detail, what-if on a stored login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary, Output } from '../../contract/index.ts';
import { startTestLab, type TestLab } from '../export/export-test-support.ts';

let t: TestLab;
let first: LoginDetail;
let cleared: LoginDetail;

beforeAll(async () => {
  t = await startTestLab();
  expect(await t.login('alice')).toBe(200);
  first = await t.call<LoginDetail>('logins.get', { id: (await t.call<LoginSummary[]>('logins.list', { limit: 1 }))[0]!.id });
  // The Entra ID preset does not know the demo IdP's attribute names: force sync clears every field.
  const presets = await t.call<{ id: string; rules: unknown }[]>('rules.presets');
  await t.call('rules.update', { rules: presets.find((p) => p.id === 'entra-id')!.rules });
  expect(await t.login('alice')).toBe(200);
  cleared = await t.call<LoginDetail>('logins.get', { id: (await t.call<LoginSummary[]>('logins.list', { limit: 1 }))[0]!.id });
  await t.call('rules.update', { rules: presets.find((p) => p.id === 'generic')!.rules });
}, 60_000);

afterAll(() => t.close());

describe('cleared fields and coverage on a login', () => {
  it('the login says which fields it cleared: check, diff, summary count and coverage', async () => {
    expect(cleared.diff.kind).toBe('updated');
    expect(cleared.diff.clearedFields).toEqual(['email', 'firstName', 'lastName', 'displayName', 'groups']);
    expect(cleared.checks.find((c) => c.id === 'jit.field-cleared')).toMatchObject({ status: 'warn', received: expect.stringMatching(/^5 fields cleared: email/) });
    expect(cleared.clearedCount).toBe(5);
    expect((await t.call<LoginSummary[]>('logins.list', {})).find((l) => l.id === cleared.id)?.clearedCount).toBe(5);
    expect(cleared.coverage?.clearedFields).toEqual(cleared.diff.clearedFields);
  });

  it('the coverage of a login lists the sources that matched nothing under the current rules', () => {
    expect(first.coverage?.unmappedAttributes).toEqual([]);
    expect(first.coverage?.fields.find((f) => f.field === 'email')).toMatchObject({ source: 'email', outcome: 'mapped' });
  });
});

describe('dry run', () => {
  it('shows the matched account and the groups required next to the groups received, also when it rejects', async () => {
    const result = await t.call<Output<'rules.dryRun'>>('rules.dryRun', { loginId: first.id, rules: { ...(await t.call<{ rules: { groups: object } }>('rules.get', {})).rules, groups: { sources: ['groups'], required: ['finance'] } } });
    expect(result.verdict).toBe('rejected');
    expect(result.before?.principal).toBe('alice@example.com');
    expect(result.matchedAccountId).toBe(result.before?.id);
    expect(result.groups).toEqual({ received: ['engineering', 'sso-admins'], required: ['finance'] });
    expect(result.checks.find((c) => c.id === 'jit.required-group')).toMatchObject({ expected: 'member of one of: finance', received: 'groups: engineering, sso-admins' });
    expect(result.coverage?.unmappedAttributes).toEqual([]);
  });
});

describe('logins.whatIf', () => {
  it('runs every drift on a stored login under the current rules and each preset, writing nothing', async () => {
    expect(await t.login('bob')).toBe(200);
    const bob = (await t.call<LoginSummary[]>('logins.list', { limit: 1 }))[0]!;
    const before = await t.call<Account[]>('accounts.list');
    const out = await t.call<Output<'logins.whatIf'>>('logins.whatIf', { id: bob.id, drifts: ['nameid-format', 'group-overage'] });
    expect(out.scenarios.map((s) => s.drift)).toEqual(['nameid-format', 'group-overage']);
    const current = out.scenarios[0]!.results.find((r) => r.rulesId === 'current')!;
    expect(current.outcome.kinds).toEqual(['locked-out']);
    expect(current.failedChecks.map((c) => c.id)).toEqual(['jit.duplicate-email']);
    expect(current.before).not.toHaveProperty('key');
    expect(out.scenarios[1]!.results.find((r) => r.rulesId === 'sp-grafana')!.outcome.label).toBe('Roles removed: Editor (granted: Viewer); 1 field cleared: groups');
    expect(await t.call<Account[]>('accounts.list')).toEqual(before);
  });

  it('refuses a login that does not exist', async () => {
    await expect(t.call('logins.whatIf', { id: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('the ACS result page of a JIT rejection', () => {
  it('names the required groups and the groups received', async () => {
    const saved = (await t.call<{ rules: { groups: object } }>('rules.get', {})).rules;
    await t.call('rules.update', { rules: { ...saved, groups: { ...saved.groups, required: ['finance'] } } });
    try {
      const page = await (await fetch(`${t.lab.url}/demo-idp/initiate?user=carol`)).text();
      const samlResponse = page.match(/name="SAMLResponse" value="([^"]*)"/)![1]!.replace(/&amp;/g, '&').replace(/&#x2F;/g, '/');
      const res = await fetch(`${t.lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain('data-check-id="jit.required-group"');
      expect(html).toContain('Expected member of one of: finance; received groups: sales');
    } finally {
      await t.call('rules.update', { rules: saved });
    }
  });
});
