// Table-driven tests of every JIT rule and mode, on the pure planner (what a login would do).
import { describe, expect, it } from 'vitest';
import type { Attribute } from '../../contract/index.ts';
import { JitRules, type JitRulesInput } from '../../contract/jit-rules.ts';
import type { StoredAccount } from '../store/schema.ts';
import { AccountIndex } from './account-index.ts';
import { loginCoverage } from './coverage.ts';
import { DEFAULT_RULES, PRESETS, presetById } from './presets.ts';
import { accountKey, planProvision, type AccountLookup } from './provision.ts';
import { validateRules } from './validate-rules.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
const IDP = 'https://idp.example';
const attr = (name: string, values: string[], friendlyName: string | null = null): Attribute => ({ name, friendlyName, nameFormat: null, values });

const alice = (overrides: Record<string, string[]> = {}): Attribute[] =>
  Object.entries({ email: ['alice@example.com'], givenName: ['Alice'], sn: ['Anderson'], displayName: ['Alice Anderson'], groups: ['engineering', 'sso-admins'], ...overrides }).map(([n, v]) => attr(n, v));

function store(accounts: StoredAccount[] = []): AccountLookup {
  return new AccountIndex(accounts);
}

function rules(patch: Omit<Partial<JitRulesInput>, 'groups'> & { groups?: Partial<JitRulesInput['groups']> } = {}): JitRules {
  const base = JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput;
  return JitRules.parse({ ...base, ...patch, groups: { ...base.groups, ...(patch.groups ?? {}) } });
}

function login(r: JitRules, attributes: Attribute[], accounts: StoredAccount[] = [], nameId = 'alice@example.com') {
  return planProvision({ idpEntityId: IDP, nameId, attributes, now: NOW, rules: r, accounts: store(accounts) });
}

/** First login, then a second one with other attributes and/or rules. */
function twice(first: { rules: JitRules; attributes: Attribute[] }, second: { rules: JitRules; attributes: Attribute[] }) {
  const created = login(first.rules, first.attributes).account!;
  return login(second.rules, second.attributes, [created]);
}

const changed = (plan: ReturnType<typeof login>) => plan.diff.changes.filter((c) => c.change !== 'unchanged').map((c) => [c.field, c.change, c.before, c.after]);
const failed = (plan: ReturnType<typeof login>) => plan.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('create and update', () => {
  it('creates the account with every mapped field on the first login', () => {
    const plan = login(DEFAULT_RULES, alice());
    expect(plan.diff.kind).toBe('created');
    expect(plan.account).toMatchObject({ principal: 'alice@example.com', fields: { email: 'alice@example.com', firstName: 'Alice', lastName: 'Anderson', displayName: 'Alice Anderson' }, groups: ['engineering', 'sso-admins'], status: 'active', loginCount: 1 });
    expect(plan.diff.changes.map((c) => [c.field, c.change])).toEqual([['email', 'added'], ['firstName', 'added'], ['lastName', 'added'], ['displayName', 'added'], ['groups', 'added']]);
  });

  it('updates exactly the changed field in force mode (the default)', () => {
    const plan = twice({ rules: DEFAULT_RULES, attributes: alice() }, { rules: DEFAULT_RULES, attributes: alice({ sn: ['Archer'] }) });
    expect(plan.diff.kind).toBe('updated');
    expect(changed(plan)).toEqual([['lastName', 'changed', 'Anderson', 'Archer']]);
    expect(plan.account!.loginCount).toBe(2);
  });

  it('removes a field the IdP stopped sending in force mode', () => {
    const attrs = alice().filter((a) => a.name !== 'displayName');
    expect(changed(twice({ rules: DEFAULT_RULES, attributes: alice() }, { rules: DEFAULT_RULES, attributes: attrs }))).toEqual([['displayName', 'removed', 'Alice Anderson', null]]);
  });

  it('keeps fields from the first login in import mode (Keycloak "import")', () => {
    const importRules = rules({ syncMode: 'import' });
    const plan = twice({ rules: importRules, attributes: alice() }, { rules: importRules, attributes: alice({ sn: ['Archer'], groups: ['sales'] }) });
    expect(plan.diff.kind).toBe('unchanged');
    expect(plan.account!.fields.lastName).toBe('Anderson');
    expect(plan.account!.groups).toEqual(['engineering', 'sso-admins']);
  });

  it('honours a per-field sync override (import mode, but lastName forced)', () => {
    const base = JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput;
    base.syncMode = 'import';
    base.fields = base.fields.map((f) => (f.field === 'lastName' ? { ...f, syncMode: 'force' } : f));
    const r = JitRules.parse(base);
    const plan = twice({ rules: r, attributes: alice() }, { rules: r, attributes: alice({ sn: ['Archer'], givenName: ['Alicia'] }) });
    expect(changed(plan)).toEqual([['lastName', 'changed', 'Anderson', 'Archer']]);
  });

  it('matches the principal case-insensitively by default; case-sensitive rules refuse a case variant as a look-alike', () => {
    const created = login(DEFAULT_RULES, alice()).account!;
    expect(login(DEFAULT_RULES, alice(), [created], 'ALICE@example.com').diff.kind).toBe('unchanged');
    const strict = rules({ principal: { source: 'nameId', caseInsensitive: false }, emailConflict: 'create' });
    const strictCreated = login(strict, alice()).account!;
    const variant = login(strict, alice(), [strictCreated], 'ALICE@example.com');
    expect(failed(variant)).toEqual(['jit.confusable-principal']);
    // Told to keep look-alikes apart, it creates a second account and warns.
    const apart = login(rules({ principal: { source: 'nameId', caseInsensitive: false }, emailConflict: 'create', lookalikes: 'warn' }), alice(), [strictCreated], 'ALICE@example.com');
    expect(apart.diff.kind).toBe('created');
    expect(apart.checks.filter((c) => c.status === 'warn').map((c) => c.id)).toEqual(['jit.confusable-principal', 'jit.duplicate-email']);
  });

  it('keys the account on an attribute when told (Grafana assertion_attribute_login)', () => {
    const plan = login(rules({ principal: { source: 'attribute', attribute: 'uid' } }), [...alice(), attr('uid', ['alice'])]);
    expect(plan.account!.principal).toBe('alice');
    expect(plan.account!.key).toBe(accountKey(IDP, 'alice', true));
    const missing = login(rules({ principal: { source: 'attribute', attribute: 'uid' } }), alice());
    expect(failed(missing)).toEqual(['jit.principal']);
  });
});

describe('roles from groups', () => {
  const grafana = { roleMode: 'highest' as const, roles: [{ role: 'Admin', match: 'exact' as const, value: 'sso-admins' }, { role: 'Editor', match: 'regex' as const, value: '^eng' }, { role: 'Viewer', match: 'regex' as const, value: '.*' }] };

  it.each([
    [['sso-admins', 'engineering'], ['Admin']],
    [['engineering'], ['Editor']],
    [['sales'], ['Viewer']],
  ])('highest precedence wins (Grafana role_values_*): %j → %j', (groups, expected) => {
    expect(login(rules({ groups: grafana }), alice({ groups })).account!.roles).toEqual(expected);
  });

  it('grants every matching role in "all" mode (GitLab admin/external/auditor groups)', () => {
    const gitlab = { roleMode: 'all' as const, roles: [{ role: 'admin', match: 'exact' as const, value: 'sso-admins' }, { role: 'auditor', match: 'exact' as const, value: 'engineering' }, { role: 'external', match: 'exact' as const, value: 'contractors' }] };
    expect(login(rules({ groups: gitlab }), alice()).account!.roles).toEqual(['admin', 'auditor']);
  });

  it('removes roles no longer matched in force mode, and says so loudly', () => {
    const r = rules({ groups: grafana });
    const plan = twice({ rules: r, attributes: alice() }, { rules: r, attributes: alice({ groups: ['sales'] }) });
    expect(plan.diff.rolesRemoved).toEqual(['Admin']);
    expect(plan.diff.rolesGranted).toEqual(['Viewer']);
    expect(changed(plan)).toContainEqual(['roles', 'changed', ['Admin'], ['Viewer']]);
  });

  it('keeps roles in import mode', () => {
    const r = rules({ syncMode: 'import', groups: grafana });
    const plan = twice({ rules: r, attributes: alice() }, { rules: r, attributes: alice({ groups: ['sales'] }) });
    expect(plan.account!.roles).toEqual(['Admin']);
    expect(plan.diff.rolesRemoved).toEqual([]);
  });

  it('assigns the default role when nothing matches', () => {
    expect(login(rules({ groups: { roles: [{ role: 'Admin', match: 'exact', value: 'root' }], defaultRole: 'Viewer' } }), alice()).account!.roles).toEqual(['Viewer']);
  });
});

describe('gates', () => {
  it('rejects a user outside the required groups (GitLab required_groups)', () => {
    const plan = login(rules({ groups: { required: ['finance', 'ops'] } }), alice());
    expect(plan.rejected).toBe(true);
    expect(failed(plan)).toEqual(['jit.required-group']);
    expect(plan.diff.kind).toBe('rejected');
    expect(login(rules({ groups: { required: ['engineering'] } }), alice()).rejected).toBe(false);
  });

  it('rejects a login missing a required attribute, naming it', () => {
    const base = JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput;
    base.fields = base.fields.map((f) => (f.field === 'email' ? { ...f, required: true } : f));
    const plan = login(JitRules.parse(base), alice().filter((a) => a.name !== 'email'));
    expect(failed(plan)).toEqual(['jit.required-attribute']);
    expect(plan.checks[0]!.received).toContain('email');
  });

  it('rejects unknown users when sign-up is off (Grafana allow_sign_up = false), but lets known ones in', () => {
    const closed = rules({ allowSignUp: false });
    expect(failed(login(closed, alice()))).toEqual(['jit.sign-up-disabled']);
    const existing = login(DEFAULT_RULES, alice()).account!;
    expect(login(closed, alice(), [existing]).rejected).toBe(false);
  });

  it('creates new accounts blocked when asked (GitLab block_auto_created_users)', () => {
    const plan = login(rules({ newAccountStatus: 'blocked' }), alice());
    expect(plan.account!.status).toBe('blocked');
    expect(plan.checks.find((c) => c.id === 'jit.account-status')?.status).toBe('warn');
    expect(changed(plan)).toContainEqual(['status', 'added', null, 'blocked']);
  });
});

describe('email conflicts: duplicate accounts', () => {
  const existing = (): StoredAccount => login(DEFAULT_RULES, alice(), [], 'alice-old-id').account!;

  it('refuses by default (GitLab: "Email has already been taken")', () => {
    const plan = login(DEFAULT_RULES, alice(), [existing()]);
    expect(failed(plan)).toEqual(['jit.duplicate-email']);
    expect(plan.checks[0]!.received).toContain('alice-old-id');
  });

  it('says why when the NameID is transient', () => {
    const plan = planProvision({ idpEntityId: IDP, nameId: '_a81f', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', attributes: alice(), now: NOW, rules: DEFAULT_RULES, accounts: store([existing()]) });
    expect(failed(plan)).toEqual(['jit.duplicate-email']);
    expect(plan.checks[0]!.hint).toContain('transient');
  });

  it('links to the existing account by email (GitLab auto_link_saml_user)', () => {
    const old = existing();
    const plan = login(rules({ emailConflict: 'link' }), alice({ sn: ['Archer'] }), [old]);
    expect(plan.diff.linkedBy).toBe('email');
    expect(plan.account!.id).toBe(old.id);
    expect(plan.account!.linkedKeys).toEqual([accountKey(IDP, 'alice@example.com', true)]);
    expect(changed(plan)).toEqual([['lastName', 'changed', 'Anderson', 'Archer']]);
  });

  it('creates a duplicate with a warning when told to', () => {
    const plan = login(rules({ emailConflict: 'create' }), alice(), [existing()]);
    expect(plan.diff.kind).toBe('created');
    expect(plan.checks.find((c) => c.id === 'jit.duplicate-email')?.status).toBe('warn');
  });
});

describe('transforms and templates', () => {
  const withFields = (fields: JitRulesInput['fields']): JitRules => rules({ fields });

  it('applies trim, lowercase, split and join', () => {
    const plan = login(withFields([{ field: 'email', sources: ['email'], transforms: [{ op: 'trim' }, { op: 'lowercase' }] }, { field: 'teams', sources: ['teams'], take: 'all', transforms: [{ op: 'split', separator: ';' }, { op: 'join', separator: ' | ' }] }]), [attr('email', ['  Alice@Example.COM ']), attr('teams', ['a;b', 'c'])]);
    expect(plan.account!.fields).toEqual({ email: 'alice@example.com', teams: 'a | b | c' });
  });

  it('renders templates, and warns when a template names a missing attribute', () => {
    const r = withFields([{ field: 'displayName', sources: [], transforms: [{ op: 'template', template: '${attr.givenName} ${attr.sn}' }] }]);
    expect(login(r, alice()).account!.fields.displayName).toBe('Alice Anderson');
    const plan = login(r, alice().filter((a) => a.name !== 'sn'));
    expect(plan.account!.fields.displayName).toBe('Alice');
    expect(plan.checks.find((c) => c.id === 'jit.template')).toMatchObject({ status: 'warn', expected: 'attribute sn' });
  });

  it('uses default values', () => {
    expect(login(withFields([{ field: 'locale', sources: ['locale'], default: 'en' }]), alice()).account!.fields.locale).toBe('en');
  });
});

describe('presets', () => {
  it.each([
    ['entra-id', [attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', ['a@corp.example']), attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', ['Ann']), attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', ['Lee']), attr('http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', ['g-1'])]],
    ['okta', [attr('email', ['a@corp.example']), attr('firstName', ['Ann']), attr('lastName', ['Lee']), attr('groups', ['g-1'])]],
    ['shibboleth', [attr('urn:oid:0.9.2342.19200300.100.1.3', ['a@corp.example'], 'mail'), attr('urn:oid:2.5.4.42', ['Ann']), attr('urn:oid:2.5.4.4', ['Lee']), attr('urn:oid:1.3.6.1.4.1.5923.1.5.1.1', ['g-1'])]],
    ['simplesamlphp', [attr('mail', ['a@corp.example']), attr('givenName', ['Ann']), attr('sn', ['Lee']), attr('groups', ['g-1'])]],
    ['keycloak', [attr('urn:oid:1.2.840.113549.1.9.1', ['a@corp.example'], 'email'), attr('urn:oid:2.5.4.42', ['Ann'], 'givenName'), attr('urn:oid:2.5.4.4', ['Lee'], 'surname'), attr('member', ['g-1'])]],
    ['generic', [attr('urn:oid:0.9.2342.19200300.100.1.3', ['a@corp.example']), attr('FirstName', ['Ann']), attr('LASTNAME', ['Lee']), attr('memberof', ['g-1'])]],
  ])('%s maps its IdP\'s names without editing', (id, attributes) => {
    const plan = login(presetById(id)!.rules, attributes, [], 'ann');
    expect(plan.account).toMatchObject({ fields: { email: 'a@corp.example', firstName: 'Ann', lastName: 'Lee' }, groups: ['g-1'] });
  });

  it('every preset is valid rules', () => {
    for (const p of PRESETS) expect(validateRules(p.rules).problems).toEqual([]);
  });
});

describe('validateRules', () => {
  it('names the path of a schema error', () => {
    const bad = { ...DEFAULT_RULES, syncMode: 'sometimes' };
    const result = validateRules(bad);
    expect(result.rules).toBeNull();
    expect(result.problems[0]!.path).toBe('syncMode');
  });

  it('rejects a regex that does not compile, at its place', () => {
    const bad = { ...DEFAULT_RULES, groups: { ...DEFAULT_RULES.groups, roles: [{ role: 'Admin', match: 'regex', value: '(unclosed' }] } };
    expect(validateRules(bad).problems).toEqual([{ path: 'groups.roles.0.value', message: expect.stringContaining('does not compile') }]);
  });

  it('rejects rules from a newer version with a clear message', () => {
    expect(validateRules({ ...DEFAULT_RULES, version: 2 }).problems[0]).toMatchObject({ path: 'version', message: expect.stringContaining('newer') });
  });

  it('rejects a malformed template placeholder', () => {
    const bad = { ...DEFAULT_RULES, fields: [{ field: 'x', sources: [], transforms: [{ op: 'template', template: '${givenName}' }] }] };
    expect(validateRules(bad).problems[0]!.path).toBe('fields.0.transforms.0.template');
  });
});

describe('email changes and links across IdPs', () => {
  const bob = (): StoredAccount => login(DEFAULT_RULES, alice({ email: ['bob@example.com'], givenName: ['Bob'] }), [], 'bob@example.com').account!;

  it.each(['refuse', 'link'] as const)('refuses an existing account changing its email to another account\'s (emailConflict %s)', (emailConflict) => {
    const a = login(DEFAULT_RULES, alice()).account!;
    const b = bob();
    const snapshot = structuredClone([a, b]);
    const plan = login(rules({ emailConflict }), alice({ email: ['Bob@Example.com'] }), [a, b]);
    expect(failed(plan)).toEqual(['jit.duplicate-email']);
    expect(plan.checks.find((c) => c.id === 'jit.duplicate-email')!.received).toContain('account alice@example.com would change its email to bob@example.com, which belongs to account bob@example.com');
    expect(plan.before?.id).toBe(a.id);
    expect(plan.account).toBeNull();
    expect([a, b]).toEqual(snapshot);
  });

  it('warns when emailConflict is create and two accounts end up sharing an email', () => {
    const a = login(DEFAULT_RULES, alice()).account!;
    const plan = login(rules({ emailConflict: 'create' }), alice({ email: ['bob@example.com'] }), [a, bob()]);
    expect(plan.diff.kind).toBe('updated');
    expect(plan.checks.find((c) => c.id === 'jit.duplicate-email')?.status).toBe('warn');
  });

  it('links only within the same IdP unless linkAcrossIdps is on', () => {
    const other = planProvision({ idpEntityId: 'https://idp-a.example', nameId: 'alice-a', attributes: alice(), now: NOW, rules: DEFAULT_RULES, accounts: store() }).account!;
    const snapshot = structuredClone(other);
    const refused = login(rules({ emailConflict: 'link' }), alice(), [other]);
    expect(failed(refused)).toEqual(['jit.duplicate-email']);
    expect(refused.checks[0]!.received).toContain('(IdP https://idp-a.example)');
    expect(refused.checks[0]!.hint).toContain('linkAcrossIdps');
    expect(other).toEqual(snapshot);
    const linked = login(rules({ emailConflict: 'link', linkAcrossIdps: true }), alice(), [other]);
    expect(linked.diff.linkedBy).toBe('email');
    expect(linked.account!.id).toBe(other.id);
  });
});

describe('attribute coverage and cleared fields', () => {
  it('warns jit.field-cleared naming every non-empty field a force-sync login clears, and counts them in the diff', () => {
    const plan = twice({ rules: DEFAULT_RULES, attributes: alice() }, { rules: DEFAULT_RULES, attributes: alice().filter((a) => a.name === 'givenName') });
    expect(plan.diff.kind).toBe('updated');
    expect(plan.diff.clearedFields).toEqual(['email', 'lastName', 'displayName', 'groups']);
    const cleared = plan.checks.find((c) => c.id === 'jit.field-cleared')!;
    expect(cleared.status).toBe('warn');
    expect(cleared.received).toMatch(/^4 fields cleared: email \(none of email, mail/);
    expect(cleared.received).toContain('groups (none of groups, group, memberOf');
    expect(plan.coverage.clearedFields).toEqual(plan.diff.clearedFields);
  });

  it('clears nothing (and says nothing) in import mode, or when the value only changed', () => {
    const importRules = rules({ syncMode: 'import' });
    const kept = twice({ rules: importRules, attributes: alice() }, { rules: importRules, attributes: [] });
    expect(kept.diff.clearedFields).toEqual([]);
    expect(kept.checks.map((c) => c.id)).not.toContain('jit.field-cleared');
    const changedOnly = twice({ rules: DEFAULT_RULES, attributes: alice() }, { rules: DEFAULT_RULES, attributes: alice({ sn: ['Archer'] }) });
    expect(changedOnly.diff.clearedFields).toEqual([]);
  });

  it('lists the sources that matched nothing and the attributes nothing maps', () => {
    const plan = login(DEFAULT_RULES, [...alice(), attr('urn:oid:2.16.840.1.113730.3.1.3', ['E-42'], 'employeeNumber'), attr('department', ['R&D'])]);
    expect(plan.coverage.unmappedAttributes).toEqual([
      { name: 'urn:oid:2.16.840.1.113730.3.1.3', friendlyName: 'employeeNumber', sample: ['E-42'], valueCount: 1 },
      { name: 'department', friendlyName: null, sample: ['R&D'], valueCount: 1 },
    ]);
    const email = plan.coverage.fields.find((f) => f.field === 'email')!;
    expect(email).toMatchObject({ source: 'email', outcome: 'mapped' });
    expect(email.missingSources).toContain('urn:oid:0.9.2342.19200300.100.1.3');
    expect(email.missingSources).not.toContain('email');
    expect(plan.coverage.fields.find((f) => f.field === 'groups')).toMatchObject({ source: 'groups', outcome: 'mapped' });
  });

  it('reports coverage on a rejected login too, with the groups required next to the groups received', () => {
    const plan = login(rules({ groups: { required: ['finance'] } }), alice({ department: ['R&D'] }));
    expect(plan.rejected).toBe(true);
    expect(plan.groups).toEqual({ received: ['engineering', 'sso-admins'], required: ['finance'] });
    expect(plan.coverage.unmappedAttributes.map((a) => a.name)).toEqual(['department']);
  });
});

describe('rejections say what is missing and keep the matched account', () => {
  it('jit.required-group names the required groups and the groups received; before is the existing account', () => {
    const existing = login(DEFAULT_RULES, alice()).account!;
    const plan = login(rules({ groups: { required: ['finance', 'ops'] } }), alice(), [existing]);
    expect(plan.checks.find((c) => c.id === 'jit.required-group')).toMatchObject({ status: 'fail', expected: 'member of one of: finance, ops', received: 'groups: engineering, sso-admins' });
    expect(plan.before?.id).toBe(existing.id);
    const none = login(rules({ groups: { required: ['finance'] } }), alice().filter((a) => a.name !== 'groups'));
    expect(none.checks.find((c) => c.id === 'jit.required-group')!.received).toMatch(/^no groups: none of groups, group, memberOf/);
  });

  it('jit.required-attribute names each missing field, its sources and what the login carried', () => {
    const base = JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput;
    base.fields = base.fields.map((f) => (f.field === 'email' || f.field === 'lastName' ? { ...f, required: true } : f));
    const plan = login(JitRules.parse(base), alice().filter((a) => a.name !== 'email' && a.name !== 'sn'));
    const c = plan.checks.find((x) => x.id === 'jit.required-attribute')!;
    expect(c.expected).toMatch(/^a value for: email \(from email \| mail/);
    expect(c.received).toMatch(/^no email, lastName — none of email, mail/);
    expect(c.received).toContain('The login carried: givenName, displayName, groups');
  });
});

describe('loginCoverage (a stored login, under the rules as they are now)', () => {
  it('reports the sources and unmapped attributes, and the cleared fields recorded in the diff', () => {
    const cleared = twice({ rules: DEFAULT_RULES, attributes: alice() }, { rules: DEFAULT_RULES, attributes: [attr('givenName', ['Alice']), attr('department', ['R&D'])] });
    const coverage = loginCoverage({ idpEntityId: IDP, nameId: 'alice@example.com', nameIdFormat: null, attributes: [attr('givenName', ['Alice']), attr('department', ['R&D'])], diff: cleared.diff }, DEFAULT_RULES, NOW);
    expect(coverage.clearedFields).toEqual(['email', 'lastName', 'displayName', 'groups']);
    expect(coverage.unmappedAttributes.map((a) => a.name)).toEqual(['department']);
    expect(coverage.fields.filter((f) => f.outcome === 'empty').map((f) => f.field)).toEqual(['email', 'lastName', 'displayName', 'groups']);
  });
});
