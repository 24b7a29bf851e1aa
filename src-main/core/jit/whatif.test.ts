// What-if drifts (issue 16): each drift gives the outcome GitLab-, Keycloak- and Grafana-like rules would give,
// computed by the planner without writing anything.
import { describe, expect, it } from 'vitest';
import type { Attribute } from '../../contract/index.ts';
import type { DriftId, OutcomeKind } from '../../contract/jit-coverage.ts';
import { JitRules, type JitRulesInput } from '../../contract/jit-rules.ts';
import { AccountIndex } from './account-index.ts';
import { DEFAULT_RULES, PRESETS, presetById } from './presets.ts';
import { planProvision } from './provision.ts';
import { GROUPS_LINK_CLAIM, applyDrift, whatIf, type WhatIfLogin } from './whatif.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
const attr = (name: string, values: string[], friendlyName: string | null = null): Attribute => ({ name, friendlyName, nameFormat: null, values });
/** Alice as the demo IdP sends her. */
const alice: WhatIfLogin = {
  idpEntityId: 'https://idp.example',
  nameId: 'alice@example.com',
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  attributes: [attr('email', ['alice@example.com']), attr('givenName', ['Alice']), attr('sn', ['Anderson']), attr('displayName', ['Alice Anderson']), attr('groups', ['engineering', 'sso-admins'])],
};
const SP_PRESETS = ['sp-gitlab', 'sp-keycloak', 'sp-grafana'].map((id) => presetById(id)!);

function outcomes(login: WhatIfLogin = alice) {
  const scenarios = whatIf({ login, rules: DEFAULT_RULES, presets: SP_PRESETS, now: NOW });
  const table: Record<string, Record<string, OutcomeKind[]>> = {};
  for (const s of scenarios) table[s.drift] = Object.fromEntries(s.results.map((r) => [r.rulesId, r.outcome.kinds]));
  return { scenarios, table };
}

describe('each drift under GitLab-, Keycloak- and Grafana-like rules', () => {
  const { table, scenarios } = outcomes();
  it.each<[DriftId, OutcomeKind[], OutcomeKind[], OutcomeKind[]]>([
    // GitLab refuses a new NameID with a taken email; Keycloak links it; Grafana keys on the email attribute.
    ['nameid-format', ['locked-out'], ['linked'], ['unchanged']],
    // All three match usernames case-insensitively here.
    ['nameid-case', ['unchanged'], ['unchanged'], ['unchanged']],
    // An emailAddress NameID changes with the email: a second account everywhere.
    ['email-changed', ['duplicate-account'], ['duplicate-account'], ['duplicate-account']],
    // sso-admins removed: force sync drops the admin role; Keycloak's import mode keeps it.
    ['group-removed', ['roles-removed'], ['unchanged'], ['roles-removed']],
    ['group-overage', ['roles-removed', 'fields-cleared'], ['unchanged'], ['roles-removed', 'fields-cleared']],
    // GitLab's omniauth-saml names lose email and groups; Keycloak's mappers know the urn:oid names; Grafana's
    // login attribute disappears.
    ['attribute-renamed', ['roles-removed', 'fields-cleared'], ['unchanged'], ['locked-out']],
    ['scim-precreated', ['locked-out'], ['linked'], ['linked']],
  ])('%s → GitLab %j, Keycloak %j, Grafana %j', (drift, gitlab, keycloak, grafana) => {
    expect(table[drift]).toMatchObject({ 'sp-gitlab': gitlab, 'sp-keycloak': keycloak, 'sp-grafana': grafana });
    expect(scenarios.find((s) => s.drift === drift)!.applicable).toBe(true);
  });

  it('labels each outcome in one line naming what happens', () => {
    const label = (drift: DriftId, rulesId: string): string => scenarios.find((s) => s.drift === drift)!.results.find((r) => r.rulesId === rulesId)!.outcome.label;
    expect(label('nameid-format', 'sp-gitlab')).toBe('Locked out: rejected by jit.duplicate-email');
    expect(label('email-changed', 'sp-gitlab')).toBe('Duplicate account: a second account "alice.renamed@example.com" beside "alice@example.com"');
    expect(label('group-overage', 'sp-grafana')).toBe('Roles removed: Admin (granted: Viewer); 1 field cleared: groups');
    expect(label('attribute-renamed', 'sp-gitlab')).toBe('Roles removed: admin; 2 fields cleared: email, groups');
    expect(label('scim-precreated', 'sp-keycloak')).toMatch(/^Linked by email to account "scim-[0-9a-f]{12}"$/);
    expect(label('nameid-case', 'sp-keycloak')).toBe('No change: the same account, unchanged');
  });

  it('runs under the current rules and every preset by default', () => {
    const all = whatIf({ login: alice, rules: DEFAULT_RULES, presets: PRESETS, now: NOW });
    expect(all).toHaveLength(7);
    expect(all[0]!.results.map((r) => r.rulesId)).toEqual(['current', ...PRESETS.map((p) => p.id)]);
  });
});

describe('the drifts themselves', () => {
  it('rewrite a copy of the login, never the login', () => {
    const copy = structuredClone(alice);
    for (const d of ['nameid-format', 'nameid-case', 'email-changed', 'group-removed', 'group-overage', 'attribute-renamed', 'scim-precreated'] as const) applyDrift(d, alice);
    expect(alice).toEqual(copy);
  });

  it('group overage replaces the groups by the groups.link claim', () => {
    const d = applyDrift('group-overage', alice);
    expect(d.login.attributes.map((a) => a.name)).toEqual(['email', 'givenName', 'sn', 'displayName', GROUPS_LINK_CLAIM]);
  });

  it('are not applicable when the login has nothing to drift', () => {
    const bare: WhatIfLogin = { ...alice, nameId: '12345', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', attributes: [attr('urn:oid:2.5.4.42', ['Alice'])] };
    const { scenarios } = outcomes(bare);
    const applicable = Object.fromEntries(scenarios.map((s) => [s.drift, s.applicable]));
    expect(applicable).toEqual({ 'nameid-format': false, 'nameid-case': false, 'email-changed': false, 'group-removed': false, 'group-overage': false, 'attribute-renamed': false, 'scim-precreated': true });
    expect(scenarios.find((s) => s.drift === 'group-overage')!.results).toEqual([]);
  });
});

describe('under the current rules, against the real account', () => {
  const rules = (patch: Partial<JitRulesInput>): JitRules => JitRules.parse({ ...(JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput), ...patch });
  const provision = (r: JitRules) => planProvision({ idpEntityId: alice.idpEntityId, nameId: alice.nameId, attributes: alice.attributes, now: NOW, rules: r, accounts: new AccountIndex() }).account!;

  it('a removed required group locks the user out; the account and the other accounts are not touched', () => {
    const r = rules({ groups: { ...DEFAULT_RULES.groups, required: ['sso-admins'] } });
    const account = provision(r);
    const bob = planProvision({ idpEntityId: alice.idpEntityId, nameId: 'bob@example.com', attributes: [attr('email', ['bob@example.com']), attr('groups', ['sso-admins'])], now: NOW, rules: r, accounts: new AccountIndex() }).account!;
    const snapshot = structuredClone([account, bob]);
    const [scenario] = whatIf({ login: alice, account, others: [account, bob], rules: r, drifts: ['group-removed'], now: NOW });
    expect(scenario!.change).toBe('group "sso-admins" no longer sent (groups)');
    expect(scenario!.results[0]).toMatchObject({ rulesId: 'current', verdict: 'rejected', outcome: { kinds: ['locked-out'], severity: 'danger' } });
    expect(scenario!.results[0]!.failedChecks.map((c) => c.id)).toEqual(['jit.required-group']);
    expect(scenario!.results[0]!.before?.id).toBe(account.id);
    expect([account, bob]).toEqual(snapshot);
  });

  it('case-sensitive principals: a NameID case change is refused as a look-alike (no second account)', () => {
    const r = rules({ principal: { source: 'nameId', caseInsensitive: false } });
    const account = provision(r);
    const [scenario] = whatIf({ login: alice, account, others: [account], rules: r, drifts: ['nameid-case'], now: NOW });
    expect(scenario!.results[0]!.outcome.kinds).toEqual(['locked-out']);
    expect(scenario!.results[0]!.failedChecks.map((c) => c.id)).toEqual(['jit.confusable-principal']);
  });

  it('an email change onto another account\'s email is refused, not merged', () => {
    const r = rules({});
    const account = provision(r);
    const renamed = planProvision({ idpEntityId: alice.idpEntityId, nameId: 'someone-else', attributes: [attr('email', ['alice.renamed@example.com'])], now: NOW, rules: r, accounts: new AccountIndex() }).account!;
    const login = { ...alice, nameId: 'alice-persistent-id', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' };
    const mine = planProvision({ idpEntityId: alice.idpEntityId, nameId: login.nameId, attributes: alice.attributes, now: NOW, rules: r, accounts: new AccountIndex() }).account!;
    const [scenario] = whatIf({ login, account: mine, others: [account, renamed].filter((a) => a.fields.email !== 'alice@example.com'), rules: r, drifts: ['email-changed'], now: NOW });
    expect(scenario!.results[0]!.failedChecks.map((c) => c.id)).toEqual(['jit.duplicate-email']);
  });
});
