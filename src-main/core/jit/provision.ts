// JIT provisioning by rules: which account a login matches, what it creates or changes, which roles it grants
// or removes, and why a login is refused. Pure: computes a plan, never writes (the caller applies it), so the
// same code runs for real logins and for dry runs.
import { randomUUID } from 'node:crypto';
import type { AccountDiff, Attribute, Check, FieldChange, FieldValue } from '../../contract/index.ts';
import type { FieldCoverage, GroupsSeen, JitCoverage, UnmappedAttribute } from '../../contract/jit-coverage.ts';
import type { JitRules, Transform } from '../../contract/jit-rules.ts';
import type { StoredAccount } from '../store/schema.ts';
import { canonicalIdentity, describeLookalike, identityKey, isLookalike, safeLowerCase, safeUpperCase, trimXmlWhitespace, visible } from './identity.ts';

export interface AccountLookup {
  byKey(key: string): StoredAccount | undefined;
  /** Accounts whose email field may equal this one (case-insensitively); the planner keeps only those whose
   * identityKey equals, so a lookup that lower-cases too much (U+212A → k) cannot merge look-alikes. */
  byEmail(email: string): StoredAccount[];
  /** Accounts of this IdP whose principal (or a linked key) has this canonicalIdentity. Absent: look-alike
   * principals are not detected (replay of a single recorded account needs none). */
  byCanonicalPrincipal?(idpEntityId: string, canonical: string): StoredAccount[];
  /** Accounts whose email has this canonicalIdentity. Absent: only byEmail's candidates are compared. */
  byCanonicalEmail?(canonical: string): StoredAccount[];
}

export interface ProvisionInput {
  idpEntityId: string;
  nameId: string;
  /** The NameID's Format, for hints (a transient NameID cannot key an account). */
  nameIdFormat?: string | null;
  attributes: Attribute[];
  now: Date;
  rules: JitRules;
  accounts: AccountLookup;
}

/** The account diff of a plan; clearedFields: fields (and "groups") this login clears because no source was sent. */
export type PlanDiff = AccountDiff & { clearedFields: string[] };

export interface ProvisionPlan {
  /** jit.* checks; a failing one means the application would refuse this login. */
  checks: Check[];
  rejected: boolean;
  /** The account as it will be after this login (null when rejected). */
  account: StoredAccount | null;
  /** The account this login matched (by principal, or by email when linked), whatever the verdict. */
  before: StoredAccount | null;
  diff: PlanDiff;
  /** Which rule sources matched, which attributes nothing maps, which fields this login clears. */
  coverage: JitCoverage;
  /** The groups the login carried (after transforms) and the groups the rules require. */
  groups: GroupsSeen;
}

/** The store key of an account: IdP entity ID + the principal's identityKey (exact; case-insensitive rules lower-case
 * only characters without a compatibility form, see identity.ts). */
export function accountKey(idpEntityId: string, principal: string, caseInsensitive: boolean): string {
  return `${idpEntityId}\u0000${identityKey(principal, caseInsensitive)}`;
}

/** The key under which look-alike principals meet: IdP entity ID + canonicalIdentity(principal). */
export function canonicalPrincipalKey(idpEntityId: string, principal: string): string {
  return `${idpEntityId}\u0000${canonicalIdentity(principal)}`;
}

const LOOKALIKE_HINT =
  'The IdP should never issue identifiers that differ only by Unicode compatibility forms, case, invisible or space-like characters: fix the value at the IdP (or in its directory). Another SP would merge them into the existing account: Keycloak lower-cases usernames and emails (Java toLowerCase maps U+212A KELVIN SIGN to "k"), and most SPs trim whitespace and compare emails case-insensitively. If the two are really different people, set lookalikes to "warn" to keep them apart.';

export function planProvision(input: ProvisionInput): ProvisionPlan {
  const { rules } = input;
  const checks: Check[] = [];
  const attrs = attributeIndex(input.attributes, rules.caseInsensitiveAttributes);
  const check = (id: string, title: string, status: Check['status'], expected: string | null, received: string | null, hint: string | null): void => {
    checks.push({ id, title, status, expected, received, hint });
  };
  const lookalikeStatus: Check['status'] = rules.lookalikes === 'warn' ? 'warn' : 'fail';

  // Fields (computed first: the coverage is reported whatever the verdict).
  const fields: Record<string, string> = {};
  const fieldCoverage: FieldCoverage[] = [];
  const missingRequired: { field: string; sources: string[] }[] = [];
  for (const rule of rules.fields) {
    let values: string[] = [];
    let source: string | null = null;
    for (const s of rule.sources) {
      const found = attrs.get(s);
      if (found && found.values.some((v) => v.trim() !== '')) {
        values = rule.take === 'first' ? found.values.slice(0, 1) : [...found.values];
        source = s;
        break;
      }
    }
    const transformed = applyTransforms(values, rule.transforms, attrs, (missing) =>
      check('jit.template', `Template for ${rule.field} names an attribute this login lacks`, 'warn', `attribute ${missing}`, 'absent', `The template for "${rule.field}" uses \${attr.${missing}}, which this login does not carry; it renders as empty. Fix the template or release the attribute.`),
    );
    const rendered = transformed.filter((v) => v !== '').join(', ');
    const value = rendered || rule.default || '';
    const hasTemplate = rule.transforms.some((t) => t.op === 'template');
    fieldCoverage.push({
      field: rule.field,
      source: rendered ? source : null,
      outcome: rendered ? (source ? 'mapped' : hasTemplate ? 'template' : 'mapped') : value ? 'default' : 'empty',
      missingSources: rule.sources.filter((s) => !attrs.get(s)),
    });
    if (value) fields[rule.field] = value;
    else if (rule.required) missingRequired.push({ field: rule.field, sources: rule.sources });
  }
  if (missingRequired.length > 0) {
    const sent = input.attributes.map((a) => a.friendlyName ?? a.name);
    check(
      'jit.required-attribute',
      'Required attributes present',
      'fail',
      `a value for: ${missingRequired.map((m) => `${m.field} (from ${m.sources.join(' | ') || 'a template'})`).join('; ')}`,
      // Read after "received" (the check tables and the ACS page say "Expected …; received …").
      `no ${missingRequired.map((m) => m.field).join(', ')} — ${missingRequired.map((m) => (m.sources.length ? `none of ${m.sources.join(', ')} was sent` : 'the template rendered empty')).join('; ')}. The login carried: ${sent.join(', ') || 'no attributes'}`,
      'The application refuses logins without these attributes. Release them in the IdP (attribute statements / claims), or make the field optional.',
    );
  }

  // Groups and roles.
  const groupSource = rules.groups.sources.find((s) => (attrs.get(s)?.values.length ?? 0) > 0) ?? null;
  const groupValues = groupSource ? (attrs.get(groupSource)?.values ?? []) : [];
  const groups = [...new Set(applyTransforms(groupValues.map((g) => trimXmlWhitespace(g)).filter(Boolean), rules.groups.transforms, attrs, () => {}))];
  fieldCoverage.push({ field: 'groups', source: groups.length > 0 ? groupSource : null, outcome: groups.length > 0 ? 'mapped' : 'empty', missingSources: rules.groups.sources.filter((s) => !attrs.get(s)) });
  const groupsSeen: GroupsSeen = { received: groups, required: [...rules.groups.required] };
  const same = (a: string, b: string): boolean => (rules.groups.caseInsensitive ? safeLowerCase(a) === safeLowerCase(b) : a === b);
  if (rules.groups.required.length > 0) {
    const member = rules.groups.required.some((r) => groups.some((g) => same(g, r)));
    const received = groups.length > 0 ? `groups: ${groups.join(', ')}` : `no groups: none of ${rules.groups.sources.join(', ')} was sent`;
    check('jit.required-group', 'Member of a required group', member ? 'pass' : 'fail', `member of one of: ${rules.groups.required.join(', ')}`, received, member ? null : 'Like GitLab required_groups: add the user to one of these groups in the IdP, or send the groups attribute.');
  }
  const roles = computeRoles(groups, rules, same);
  const coverage: JitCoverage = { fields: fieldCoverage, unmappedAttributes: unmappedAttributes(input.attributes, rules), clearedFields: [] };
  const rejected = (before: StoredAccount | null): ProvisionPlan => ({ checks, rejected: true, account: null, before, diff: rejectedDiff(), coverage, groups: groupsSeen });

  // Principal: XML whitespace around it is formatting; anything else is part of the value.
  const principal = trimXmlWhitespace(rules.principal.source === 'nameId' ? input.nameId : (attrs.get(rules.principal.attribute ?? '')?.values[0] ?? ''));
  if (canonicalIdentity(principal) === '') {
    checks.unshift({ id: 'jit.principal', title: 'Account key (principal) present', status: 'fail', expected: rules.principal.source === 'nameId' ? 'a NameID' : `attribute ${rules.principal.attribute}`, received: principal ? `only invisible or space characters: ${visible(principal)}` : 'absent', hint: 'The rules key accounts on a value this login does not carry. Release that attribute in the IdP, or key on the NameID.' });
    return rejected(null);
  }

  const transient = rules.principal.source === 'nameId' && (input.nameIdFormat ?? '').endsWith(':transient');
  const key = accountKey(input.idpEntityId, principal, rules.principal.caseInsensitive);
  let existing = input.accounts.byKey(key) ?? null;

  // A principal that only looks like an existing account's is never merged into it.
  if (!existing) {
    const canonical = canonicalIdentity(principal);
    const lookalike = (input.accounts.byCanonicalPrincipal?.(input.idpEntityId, canonical) ?? []).find((a) => a.key !== key && !(a.linkedKeys ?? []).includes(key));
    if (lookalike) {
      // Only `received` names the other account (trace export redacts it, as for jit.duplicate-email).
      check('jit.confusable-principal', 'Principal is not a look-alike of another account', lookalikeStatus, 'a principal that no existing account\'s looks like', `${visible(principal)} looks like account ${visible(lookalike.principal)} (id ${lookalike.id}): ${describeLookalike(principal, lookalike.principal)}`, LOOKALIKE_HINT);
      if (lookalikeStatus === 'fail') return rejected(null);
    }
  }
  if (checks.some((c) => c.status === 'fail')) return rejected(existing);

  // Email: the same email on another account (a duplicate), or one that only looks like it (a look-alike).
  let linkedBy: 'email' | null = null;
  const email = fields.email;
  const emailWillChange = email !== undefined && (!existing || (identityKey(email, true) !== identityKey(existing.fields.email ?? '', true) && emailTakesEffect(existing, rules)));
  if (email !== undefined && emailWillChange) {
    const others = (candidates: StoredAccount[]): StoredAccount[] => candidates.filter((a) => a !== existing && a.key !== key && a.fields.email !== undefined);
    const emailKey = identityKey(email, true);
    const canonical = canonicalIdentity(email);
    const sameEmail = others(input.accounts.byEmail(email)).filter((a) => identityKey(a.fields.email!, true) === emailKey);
    const lookalikes = others([...input.accounts.byEmail(email), ...(input.accounts.byCanonicalEmail?.(canonical) ?? [])]).filter((a) => isLookalike(email, a.fields.email!, true));
    const look = lookalikes[0];
    if (look && canonical !== '') {
      check('jit.confusable-email', 'Email is not a look-alike of another account\'s', lookalikeStatus, 'an email that no other account\'s looks like', `${visible(email)} looks like ${visible(look.fields.email!)}, the email of account ${look.principal}${look.idpEntityId !== input.idpEntityId ? ` (IdP ${look.idpEntityId})` : ''}: ${describeLookalike(email, look.fields.email!)}`, LOOKALIKE_HINT);
      if (lookalikeStatus === 'fail') return rejected(existing);
    }
    const other = sameEmail[0];
    if (other) {
      const otherIdp = other.idpEntityId !== input.idpEntityId;
      const received = `${email} belongs to account ${other.principal}${otherIdp ? ` (IdP ${other.idpEntityId})` : ''}`;
      const title = 'No second account for the same email';
      if (existing) {
        // An email CHANGE of an existing account onto another account's email: two accounts are never merged.
        if (rules.emailConflict === 'create') {
          check('jit.duplicate-email', title, 'warn', 'an email not used by another account', `${received}; account ${existing.principal} would change its email to it`, 'Two accounts now share this email (emailConflict: create). Usually the IdP reassigned the email: fix it at the IdP.');
        } else {
          check('jit.duplicate-email', title, 'fail', 'an email not used by another account', `account ${existing.principal} would change its email to ${email}, which belongs to account ${other.principal}${otherIdp ? ` (IdP ${other.idpEntityId})` : ''}`, 'The IdP now sends another account\'s email for this user (GitLab: "Email has already been taken"). Fix the email at the IdP; linking never merges two existing accounts.');
          return rejected(existing);
        }
      } else if (rules.emailConflict === 'link' && (!otherIdp || rules.linkAcrossIdps)) {
        existing = other;
        linkedBy = 'email';
        check('jit.duplicate-email', title, 'pass', `a new account for ${principal}, or a link`, `linked to ${other.principal} by email${otherIdp ? ` (IdP ${other.idpEntityId}; linkAcrossIdps is on)` : ''}`, null);
      } else if (rules.emailConflict === 'link') {
        check('jit.duplicate-email', title, 'fail', `an email not used by an account of another IdP`, received, `The account belongs to another IdP: linking it would let ${input.idpEntityId} sign in as that IdP's user. Turn on linkAcrossIdps only if both IdPs are authoritative for the same people.`);
        return rejected(null);
      } else if (rules.emailConflict === 'refuse') {
        check('jit.duplicate-email', title, 'fail', `an email not used by another account`, received, transient
          ? 'The NameID is transient: it changes at every login, so it cannot key an account. Key accounts on an attribute (e.g. mail) in the rules, or ask the IdP for a persistent NameID.'
          : 'The NameID and the email disagree with an existing account (often a NameID format change). Fix the NameID at the IdP, or link by email.');
        return rejected(null);
      } else {
        check('jit.duplicate-email', title, 'warn', `an email not used by another account`, received, 'This login creates a DUPLICATE account: same email, different principal. Usually the IdP changed the NameID format. Link by email or fix the NameID.');
      }
    }
  }
  if (!existing && !rules.allowSignUp) {
    check('jit.sign-up-disabled', 'Sign-up allowed for unknown users', 'fail', 'an existing account', `no account for ${principal}`, 'Sign-up is off (like Grafana allow_sign_up = false): create the account first, or allow sign-up.');
    return rejected(null);
  }
  if (existing?.status === 'blocked') {
    check('jit.account-status', 'Account is active', 'warn', 'active', 'blocked', 'The account exists but is blocked (pending approval): the application would refuse the sign-in until an admin unblocks it.');
  }

  const now = input.now.toISOString();
  const after: StoredAccount = existing
    ? {
        ...existing,
        fields: mergeFields(existing.fields, fields, rules),
        groups: rules.syncMode === 'force' ? groups : existing.groups,
        roles: rules.syncMode === 'force' ? roles : (existing.roles ?? []),
        linkedKeys: linkedBy ? [...new Set([...(existing.linkedKeys ?? []), key])] : existing.linkedKeys,
        lastLoginAt: now,
        loginCount: existing.loginCount + 1,
      }
    : {
        id: randomUUID(),
        key,
        principal,
        idpEntityId: input.idpEntityId,
        fields,
        groups,
        roles,
        status: rules.newAccountStatus,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: now,
        loginCount: 1,
      };
  if (!existing && rules.newAccountStatus === 'blocked') {
    check('jit.account-status', 'Account is active', 'warn', 'active', 'blocked (new accounts start blocked)', 'Like GitLab block_auto_created_users: the account was created but the user cannot sign in until an admin approves it.');
  }

  // Fields this login clears because the IdP sent none of their sources (force sync): a silent wipe otherwise.
  if (existing) {
    for (const f of fieldCoverage) {
      const had = f.field === 'groups' ? existing.groups.length > 0 : (existing.fields[f.field] ?? '') !== '';
      const has = f.field === 'groups' ? after.groups.length > 0 : (after.fields[f.field] ?? '') !== '';
      if (had && !has) coverage.clearedFields.push(f.field);
    }
    if (coverage.clearedFields.length > 0) {
      const n = coverage.clearedFields.length;
      const detail = coverage.clearedFields.map((name) => {
        const rule = name === 'groups' ? rules.groups.sources : (rules.fields.find((r) => r.field === name)?.sources ?? []);
        const tried = rule.length > 3 ? `${rule.slice(0, 3).join(', ')} or ${rule.length - 3} more` : rule.join(', ');
        return `${name} (none of ${tried || 'its template attributes'} sent)`;
      });
      check('jit.field-cleared', 'No field cleared because its attribute went missing', 'warn', `a value for ${coverage.clearedFields.join(', ')} (the account has one)`, `${n} field${n === 1 ? '' : 's'} cleared: ${detail.join('; ')}`, 'Force sync clears a field when the IdP stops sending it. If it should still be sent, fix the IdP\'s attribute release or the rule\'s source names (see the attributes nothing maps); to keep the last value, set the field\'s syncMode to "import".');
    }
  }

  const changes = diffAccounts(existing, after);
  const changed = changes.some((c) => c.change !== 'unchanged');
  if (existing && changed) after.updatedAt = now;
  const beforeRoles = existing?.roles ?? [];
  return {
    checks,
    rejected: false,
    account: after,
    before: existing,
    coverage,
    groups: groupsSeen,
    diff: {
      kind: existing ? (changed ? 'updated' : 'unchanged') : 'created',
      accountId: after.id,
      changes,
      rolesGranted: after.roles.filter((r) => !beforeRoles.includes(r)),
      rolesRemoved: beforeRoles.filter((r) => !after.roles.includes(r)),
      linkedBy,
      clearedFields: [...coverage.clearedFields],
    },
  };
}

/** Whether the email a login sends would be written to this existing account (not in import mode). */
function emailTakesEffect(existing: StoredAccount, rules: JitRules): boolean {
  const rule = rules.fields.find((r) => r.field === 'email');
  const mode = rule?.syncMode ?? rules.syncMode;
  return !(mode === 'import' && 'email' in existing.fields);
}

function rejectedDiff(): PlanDiff {
  return { kind: 'rejected', accountId: null, changes: [], rolesGranted: [], rolesRemoved: [], linkedBy: null, clearedFields: [] };
}

/** Attributes of the login that no field source, group source, principal attribute or template names. */
export function unmappedAttributes(attributes: Attribute[], rules: JitRules): UnmappedAttribute[] {
  const norm = (s: string): string => (rules.caseInsensitiveAttributes ? s.toLowerCase() : s);
  const named = new Set<string>();
  const addTemplates = (transforms: Transform[]): void => {
    for (const t of transforms) if (t.op === 'template') for (const m of t.template.matchAll(/\$\{attr\.([^}]+)\}/g)) named.add(norm(m[1]!));
  };
  for (const r of rules.fields) {
    for (const s of r.sources) named.add(norm(s));
    addTemplates(r.transforms);
  }
  for (const s of rules.groups.sources) named.add(norm(s));
  addTemplates(rules.groups.transforms);
  if (rules.principal.source === 'attribute' && rules.principal.attribute) named.add(norm(rules.principal.attribute));
  return attributes
    .filter((a) => !named.has(norm(a.name)) && !(a.friendlyName && named.has(norm(a.friendlyName))))
    .map((a) => ({ name: a.name, friendlyName: a.friendlyName, sample: a.values.slice(0, 3).map((v) => (v.length > 200 ? `${v.slice(0, 200)}…` : v)), valueCount: a.values.length }));
}

function mergeFields(before: Record<string, string>, incoming: Record<string, string>, rules: JitRules): Record<string, string> {
  const out = { ...before };
  for (const rule of rules.fields) {
    const mode = rule.syncMode ?? rules.syncMode;
    if (mode === 'import' && rule.field in before) continue;
    if (rule.field in incoming) out[rule.field] = incoming[rule.field]!;
    else if (mode === 'force') delete out[rule.field];
  }
  return out;
}

function computeRoles(groups: string[], rules: JitRules, same: (a: string, b: string) => boolean): string[] {
  const matched: string[] = [];
  for (const rule of rules.groups.roles) {
    const hit =
      rule.match === 'exact'
        ? groups.some((g) => same(g, rule.value))
        : groups.some((g) => new RegExp(rule.value, rules.groups.caseInsensitive ? 'i' : '').test(g));
    if (hit && !matched.includes(rule.role)) {
      matched.push(rule.role);
      if (rules.groups.roleMode === 'highest') break;
    }
  }
  if (matched.length === 0 && rules.groups.defaultRole) matched.push(rules.groups.defaultRole);
  return matched;
}

interface IndexedAttribute {
  name: string;
  values: string[];
}

interface AttributeIndex {
  get(name: string): IndexedAttribute | undefined;
}

function attributeIndex(attributes: Attribute[], caseInsensitive: boolean): AttributeIndex {
  const norm = (s: string): string => (caseInsensitive ? s.toLowerCase() : s);
  const map = new Map<string, IndexedAttribute>();
  for (const a of attributes) {
    for (const key of [a.name, a.friendlyName]) {
      if (key && !map.has(norm(key))) map.set(norm(key), { name: a.name, values: a.values });
    }
  }
  return { get: (name) => map.get(norm(name)) };
}

function applyTransforms(values: string[], transforms: Transform[], attrs: AttributeIndex, onMissing: (name: string) => void): string[] {
  let out = values;
  for (const t of transforms) {
    switch (t.op) {
      // Trim and case mapping never turn a look-alike into the real thing (identity.ts): only XML whitespace is
      // trimmed, and compatibility characters such as U+212A KELVIN SIGN keep their case.
      case 'trim':
        out = out.map((v) => trimXmlWhitespace(v));
        break;
      case 'lowercase':
        out = out.map((v) => safeLowerCase(v));
        break;
      case 'uppercase':
        out = out.map((v) => safeUpperCase(v));
        break;
      case 'split':
        out = out.flatMap((v) => v.split(t.separator)).map((v) => trimXmlWhitespace(v)).filter(Boolean);
        break;
      case 'join':
        out = [out.join(t.separator)];
        break;
      case 'template':
        out = [
          t.template.replace(/\$\{attr\.([^}]+)\}/g, (_m, name: string) => {
            const found = attrs.get(name);
            if (!found || found.values.length === 0) {
              onMissing(name);
              return '';
            }
            return found.values[0] ?? '';
          }).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''),
        ];
        break;
    }
  }
  return out;
}

export function diffAccounts(before: StoredAccount | null, after: StoredAccount): FieldChange[] {
  const fieldNames = [...new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after.fields)])];
  const changes: FieldChange[] = fieldNames.map((field) => change(field, before ? (before.fields[field] ?? null) : null, after.fields[field] ?? null, before === null));
  changes.push(change('groups', before ? before.groups : null, after.groups, before === null));
  // Roles and status only when they say something: any role on either side, a non-default or changed status.
  if ((before?.roles ?? []).length > 0 || after.roles.length > 0) changes.push(change('roles', before ? (before.roles ?? []) : null, after.roles, before === null));
  if (before ? before.status !== after.status : after.status !== 'active') changes.push(change('status', before ? before.status : null, after.status, before === null));
  return changes;
}

function change(field: string, before: FieldValue, after: FieldValue, created: boolean): FieldChange {
  const empty = (v: FieldValue): boolean => v === null || (Array.isArray(v) && v.length === 0);
  let kind: FieldChange['change'];
  if (created) kind = empty(after) ? 'unchanged' : 'added';
  else if (same(before, after)) kind = 'unchanged';
  else if (empty(before)) kind = 'added';
  else if (empty(after)) kind = 'removed';
  else kind = 'changed';
  return { field, before, after, change: kind };
}

function same(a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}
