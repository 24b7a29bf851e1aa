// JIT provisioning by rules: which account a login matches, what it creates or changes, which roles it grants
// or removes, and why a login is refused. Pure: computes a plan, never writes (the caller applies it), so the
// same code runs for real logins and for dry runs.
import { randomUUID } from 'node:crypto';
import type { AccountDiff, Attribute, Check, FieldChange, FieldValue } from '../../contract/index.ts';
import type { JitRules, Transform } from '../../contract/jit-rules.ts';
import type { StoredAccount } from '../store/schema.ts';

export interface AccountLookup {
  byKey(key: string): StoredAccount | undefined;
  /** Accounts whose email field equals this one (case-insensitively). */
  byEmail(email: string): StoredAccount[];
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

export interface ProvisionPlan {
  /** jit.* checks; a failing one means the application would refuse this login. */
  checks: Check[];
  rejected: boolean;
  /** The account as it will be after this login (null when rejected). */
  account: StoredAccount | null;
  /** The account before this login, if one matched. */
  before: StoredAccount | null;
  diff: AccountDiff;
}

export function accountKey(idpEntityId: string, principal: string, caseInsensitive: boolean): string {
  return `${idpEntityId}\u0000${caseInsensitive ? principal.toLowerCase() : principal}`;
}

export function planProvision(input: ProvisionInput): ProvisionPlan {
  const { rules } = input;
  const checks: Check[] = [];
  const attrs = attributeIndex(input.attributes, rules.caseInsensitiveAttributes);
  const check = (id: string, title: string, status: Check['status'], expected: string | null, received: string | null, hint: string | null): void => {
    checks.push({ id, title, status, expected, received, hint });
  };

  // Principal.
  const principal =
    rules.principal.source === 'nameId' ? input.nameId.trim() : (attrs.get(rules.principal.attribute ?? '')?.values[0] ?? '').trim();
  if (!principal) {
    check('jit.principal', 'Account key (principal) present', 'fail', rules.principal.source === 'nameId' ? 'a NameID' : `attribute ${rules.principal.attribute}`, 'absent', 'The rules key accounts on a value this login does not carry. Release that attribute in the IdP, or key on the NameID.');
    return rejectedPlan(checks);
  }

  // Fields.
  const fields: Record<string, string> = {};
  const missingRequired: string[] = [];
  for (const rule of rules.fields) {
    let values: string[] = [];
    for (const source of rule.sources) {
      const found = attrs.get(source);
      if (found && found.values.some((v) => v.trim() !== '')) {
        values = rule.take === 'first' ? found.values.slice(0, 1) : [...found.values];
        break;
      }
    }
    const transformed = applyTransforms(values, rule.transforms, attrs, (missing) =>
      check('jit.template', `Template for ${rule.field} names an attribute this login lacks`, 'warn', `attribute ${missing}`, 'absent', `The template for "${rule.field}" uses \${attr.${missing}}, which this login does not carry; it renders as empty. Fix the template or release the attribute.`),
    );
    const value = transformed.filter((v) => v !== '').join(', ') || rule.default || '';
    if (value) fields[rule.field] = value;
    else if (rule.required) missingRequired.push(`${rule.field} (${rule.sources.join(' | ') || 'template'})`);
  }
  if (missingRequired.length > 0) {
    check('jit.required-attribute', 'Required attributes present', 'fail', 'every required field has a value', `missing: ${missingRequired.join(', ')}`, 'The application refuses logins without these attributes. Release them in the IdP (attribute statements / claims), or make the field optional.');
  }

  // Groups and roles.
  const groupValues = rules.groups.sources.map((s) => attrs.get(s)).find((a) => a && a.values.length > 0)?.values ?? [];
  const groups = [...new Set(applyTransforms(groupValues.map((g) => g.trim()).filter(Boolean), rules.groups.transforms, attrs, () => {}))];
  const same = (a: string, b: string): boolean => (rules.groups.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
  if (rules.groups.required.length > 0) {
    const member = rules.groups.required.some((r) => groups.some((g) => same(g, r)));
    check('jit.required-group', 'Member of a required group', member ? 'pass' : 'fail', `one of: ${rules.groups.required.join(', ')}`, groups.join(', ') || 'no groups', member ? null : 'Like GitLab required_groups: add the user to one of these groups in the IdP, or send the groups attribute.');
  }
  const roles = computeRoles(groups, rules, same);

  if (checks.some((c) => c.status === 'fail')) return rejectedPlan(checks);

  const transient = rules.principal.source === 'nameId' && (input.nameIdFormat ?? '').endsWith(':transient');
  // Match: principal, then email.
  const key = accountKey(input.idpEntityId, principal, rules.principal.caseInsensitive);
  let existing = input.accounts.byKey(key) ?? null;
  let linkedBy: 'email' | null = null;
  const email = fields.email;
  if (!existing && email) {
    const sameEmail = input.accounts.byEmail(email).filter((a) => a.key !== key);
    if (sameEmail.length > 0) {
      const other = sameEmail[0]!;
      const received = `${email} belongs to account ${other.principal}${other.idpEntityId !== input.idpEntityId ? ` (IdP ${other.idpEntityId})` : ''}`;
      if (rules.emailConflict === 'link') {
        existing = other;
        linkedBy = 'email';
        check('jit.duplicate-email', 'No second account for the same email', 'pass', `a new account for ${principal}, or a link`, `linked to ${other.principal} by email`, null);
      } else if (rules.emailConflict === 'refuse') {
        check('jit.duplicate-email', 'No second account for the same email', 'fail', `an email not used by another account`, received, transient
          ? 'The NameID is transient: it changes at every login, so it cannot key an account. Key accounts on an attribute (e.g. mail) in the rules, or ask the IdP for a persistent NameID.'
          : 'The NameID and the email disagree with an existing account (often a NameID format change). Fix the NameID at the IdP, or link by email.');
        return rejectedPlan(checks);
      } else {
        check('jit.duplicate-email', 'No second account for the same email', 'warn', `an email not used by another account`, received, 'This login creates a DUPLICATE account: same email, different principal. Usually the IdP changed the NameID format. Link by email or fix the NameID.');
      }
    }
  }
  if (!existing && !rules.allowSignUp) {
    check('jit.sign-up-disabled', 'Sign-up allowed for unknown users', 'fail', 'an existing account', `no account for ${principal}`, 'Sign-up is off (like Grafana allow_sign_up = false): create the account first, or allow sign-up.');
    return rejectedPlan(checks);
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
  const changes = diffAccounts(existing, after);
  const changed = changes.some((c) => c.change !== 'unchanged');
  if (existing && changed) after.updatedAt = now;
  const beforeRoles = existing?.roles ?? [];
  return {
    checks,
    rejected: false,
    account: after,
    before: existing,
    diff: {
      kind: existing ? (changed ? 'updated' : 'unchanged') : 'created',
      accountId: after.id,
      changes,
      rolesGranted: after.roles.filter((r) => !beforeRoles.includes(r)),
      rolesRemoved: beforeRoles.filter((r) => !after.roles.includes(r)),
      linkedBy,
    },
  };
}

function rejectedPlan(checks: Check[]): ProvisionPlan {
  return { checks, rejected: true, account: null, before: null, diff: { kind: 'rejected', accountId: null, changes: [], rolesGranted: [], rolesRemoved: [], linkedBy: null } };
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
      case 'trim':
        out = out.map((v) => v.trim());
        break;
      case 'lowercase':
        out = out.map((v) => v.toLowerCase());
        break;
      case 'uppercase':
        out = out.map((v) => v.toUpperCase());
        break;
      case 'split':
        out = out.flatMap((v) => v.split(t.separator)).map((v) => v.trim()).filter(Boolean);
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
          }).trim(),
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
