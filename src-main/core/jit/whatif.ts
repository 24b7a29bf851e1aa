// What-if: what a drift at the IdP (issue 16) would do to the account a stored login produced, under the current
// rules and under each preset. Pure: a drift rewrites a copy of the login (and, for SCIM, the accounts that exist
// before it), the planner computes the plan, nothing is written. The same functions serve the login's "What if"
// tab and `saml-jit-lab whatif` over a bundle.
import type { Attribute } from '../../contract/index.ts';
import { DRIFT_IDS, type DriftId, type OutcomeKind } from '../../contract/jit-coverage.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import type { StoredAccount } from '../store/schema.ts';
import { AccountIndex } from './account-index.ts';
import { opaqueId } from './identity.ts';
import type { Preset } from './presets.ts';
import { accountKey, planProvision, type PlanDiff } from './provision.ts';

export interface WhatIfLogin {
  idpEntityId: string;
  nameId: string;
  nameIdFormat: string | null;
  attributes: Attribute[];
}

export interface RuleSet {
  /** "current" or a preset id. */
  id: string;
  name: string;
  rules: JitRules;
}

export interface WhatIfInput {
  login: WhatIfLogin;
  /** The account this login left under the current rules, as it is now; absent: simulated from the login. */
  account?: StoredAccount | null;
  /** The other accounts of the lab (duplicate and look-alike checks under the current rules). */
  others?: readonly StoredAccount[];
  rules: JitRules;
  presets?: readonly Preset[];
  drifts?: readonly DriftId[];
  now: Date;
}

export interface WhatIfOutcome {
  /** Worst first. */
  kinds: OutcomeKind[];
  /** One line: "Locked out: jit.duplicate-email", "Duplicate account…", "Roles removed: admin", "2 fields cleared…". */
  label: string;
  severity: 'ok' | 'notice' | 'danger';
}

export interface WhatIfResult {
  rulesId: string;
  rulesName: string;
  /** Whether the login itself (without the drift) is accepted under these rules. */
  baseline: 'accepted' | 'rejected';
  verdict: 'accepted' | 'rejected';
  outcome: WhatIfOutcome;
  failedChecks: { id: string; received: string | null }[];
  warnings: { id: string; received: string | null }[];
  before: StoredAccount | null;
  after: StoredAccount | null;
  diff: PlanDiff;
}

export interface WhatIfScenario {
  drift: DriftId;
  title: string;
  /** What exactly changed, e.g. "NameID alice@example.com → ALICE@EXAMPLE.COM". */
  change: string;
  /** False when the login has nothing this drift could change (e.g. no groups); results are then empty. */
  applicable: boolean;
  results: WhatIfResult[];
}

export const DRIFT_TITLES: Record<DriftId, string> = {
  'nameid-format': 'NameID format changed',
  'nameid-case': 'NameID case changed',
  'email-changed': 'Email changed',
  'group-removed': 'A group removed',
  'group-overage': 'Group overage (Entra groups.link claim instead of groups)',
  'attribute-renamed': 'Attributes renamed (friendly names → URIs)',
  'scim-precreated': 'Account pre-created by SCIM with a different key',
};

const FORMAT = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
};
const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';
export const GROUPS_LINK_CLAIM = 'http://schemas.microsoft.com/claims/groups.link';
const EMAIL_NAMES = ['email', 'mail', 'emailaddress', 'user.email', `${CLAIMS}emailaddress`, 'urn:oid:0.9.2342.19200300.100.1.3'];
const GROUP_NAMES = ['groups', 'group', 'memberof', 'ismemberof', 'role', 'roles', 'member', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1'];
/** The URI an IdP sends instead of a friendly name (MACE-Dir / X.500 urn:oid names; others get a lab URN). */
const URI_OF: Record<string, string> = {
  email: 'urn:oid:0.9.2342.19200300.100.1.3',
  mail: 'urn:oid:0.9.2342.19200300.100.1.3',
  givenname: 'urn:oid:2.5.4.42',
  firstname: 'urn:oid:2.5.4.42',
  sn: 'urn:oid:2.5.4.4',
  surname: 'urn:oid:2.5.4.4',
  lastname: 'urn:oid:2.5.4.4',
  displayname: 'urn:oid:2.16.840.1.113730.3.1.241',
  cn: 'urn:oid:2.5.4.3',
  uid: 'urn:oid:0.9.2342.19200300.100.1.1',
  groups: 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
  ismemberof: 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
  memberof: 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
  edupersonaffiliation: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1',
  edupersonprincipalname: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6',
  employeenumber: 'urn:oid:2.16.840.1.113730.3.1.3',
  department: 'urn:oid:2.5.4.11',
};

interface Drifted {
  applicable: boolean;
  change: string;
  login: WhatIfLogin;
  /** SCIM: the account that exists instead of the login's own (its email, another key). */
  scimAccount?: (ruleSet: JitRules) => StoredAccount;
}

const isUri = (name: string): boolean => name.includes(':') || name.includes('/');
const findAttr = (attrs: Attribute[], names: string[]): Attribute | undefined => attrs.find((a) => names.includes(a.name.toLowerCase()) || (a.friendlyName !== null && names.includes(a.friendlyName.toLowerCase())));
const clone = (login: WhatIfLogin): WhatIfLogin => ({ ...login, attributes: login.attributes.map((a) => ({ ...a, values: [...a.values] })) });

/** The login's email: from an email attribute, else the NameID when it looks like one. */
function emailOf(login: WhatIfLogin): string | null {
  const a = findAttr(login.attributes, EMAIL_NAMES)?.values[0];
  if (a) return a;
  return /^[^@\s]+@[^@\s]+$/.test(login.nameId) ? login.nameId : null;
}

/** Applies one drift to a copy of the login. `weight` ranks groups by how much they matter to the rules (required,
 * or granting a high role): the group-removed drift removes the heaviest. */
export function applyDrift(drift: DriftId, original: WhatIfLogin, weight: (group: string) => number = () => 0): Drifted {
  const login = clone(original);
  switch (drift) {
    case 'nameid-format': {
      const wasPersistent = (login.nameIdFormat ?? '').endsWith(':persistent') || !/@/.test(login.nameId);
      const email = emailOf(original);
      if (wasPersistent && !email) return { applicable: false, change: 'the NameID is persistent and the login carries no email to switch it to', login };
      if (wasPersistent && email) {
        login.nameIdFormat = FORMAT.email;
        login.nameId = email;
      } else {
        login.nameIdFormat = FORMAT.persistent;
        login.nameId = opaqueId(`persistent:${original.nameId}`);
      }
      if (login.nameId === original.nameId) return { applicable: false, change: 'the login has no other identifier to switch the NameID to', login };
      return { applicable: true, change: `NameID format ${short(original.nameIdFormat)} → ${short(login.nameIdFormat)}: NameID ${original.nameId} → ${login.nameId}`, login };
    }
    case 'nameid-case': {
      const upper = /[a-z]/.test(login.nameId) ? login.nameId.replace(/[a-z]+/g, (s) => s.toUpperCase()) : login.nameId.replace(/[A-Z]+/g, (s) => s.toLowerCase());
      login.nameId = upper;
      if (upper === original.nameId) return { applicable: false, change: 'the NameID has no letters whose case could change', login };
      return { applicable: true, change: `NameID ${original.nameId} → ${upper}`, login };
    }
    case 'email-changed': {
      const attr = findAttr(login.attributes, EMAIL_NAMES);
      const old = attr?.values[0];
      if (!attr || !old) return { applicable: false, change: 'the login carries no email attribute', login };
      const at = old.lastIndexOf('@');
      const renamed = at > 0 ? `${old.slice(0, at)}.renamed${old.slice(at)}` : `${old}.renamed`;
      attr.values = [renamed, ...attr.values.slice(1)];
      // An emailAddress NameID is the email: it changes with it (the classic "user renamed" duplicate).
      const nameIdToo = login.nameId.toLowerCase() === old.toLowerCase();
      if (nameIdToo) login.nameId = renamed;
      return { applicable: true, change: `email ${old} → ${renamed}${nameIdToo ? ' (and the NameID, which is the email)' : ''}`, login };
    }
    case 'group-removed': {
      const attr = findAttr(login.attributes, GROUP_NAMES);
      if (!attr || attr.values.length === 0) return { applicable: false, change: 'the login carries no groups', login };
      const victim = attr.values.reduce((best, g) => (weight(g) > weight(best) ? g : best), attr.values[0]!);
      attr.values = attr.values.filter((g) => g !== victim);
      return { applicable: true, change: `group "${victim}" no longer sent (${attr.friendlyName ?? attr.name})`, login };
    }
    case 'group-overage': {
      const groups = login.attributes.filter((a) => GROUP_NAMES.includes(a.name.toLowerCase()) || (a.friendlyName !== null && GROUP_NAMES.includes(a.friendlyName.toLowerCase())));
      if (groups.length === 0) return { applicable: false, change: 'the login carries no groups', login };
      const count = groups.reduce((n, a) => n + a.values.length, 0);
      login.attributes = login.attributes.filter((a) => !groups.includes(a));
      login.attributes.push({ name: GROUPS_LINK_CLAIM, friendlyName: null, nameFormat: null, values: [`https://graph.microsoft.com/v1.0/users/${opaqueId(original.nameId)}/getMemberObjects`] });
      return { applicable: true, change: `${count} group value${count === 1 ? '' : 's'} replaced by the ${GROUPS_LINK_CLAIM} claim (Entra ID sends it above 150 groups)`, login };
    }
    case 'attribute-renamed': {
      const renamed: string[] = [];
      login.attributes = login.attributes.map((a) => {
        if (isUri(a.name)) return a.friendlyName ? { ...a, friendlyName: null } : a;
        const uri = URI_OF[a.name.toLowerCase()] ?? `urn:x-saml-jit-lab:attribute:${a.name}`;
        renamed.push(`${a.name} → ${uri}`);
        return { ...a, name: uri, friendlyName: null, nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri' };
      });
      const droppedFriendly = original.attributes.filter((a) => isUri(a.name) && a.friendlyName).map((a) => `${a.friendlyName} (FriendlyName dropped)`);
      if (renamed.length === 0 && droppedFriendly.length === 0) return { applicable: false, change: 'every attribute already has a URI name and no FriendlyName', login };
      return { applicable: true, change: [...renamed, ...droppedFriendly].join(', '), login };
    }
    case 'scim-precreated': {
      const email = emailOf(original);
      // SCIM provisioned the user before the first SAML login, under its own userName / externalId.
      const scimName = email && email.toLowerCase() !== original.nameId.toLowerCase() ? email : `scim-${opaqueId(`scim:${original.nameId}`).slice(0, 12)}`;
      const fields: Record<string, string> = {};
      if (email) fields.email = email.toLowerCase();
      return {
        applicable: true,
        change: `an account "${scimName}"${email ? ` with email ${email}` : ' without email'} exists before this login (SCIM), keyed differently from ${original.nameId}`,
        login,
        scimAccount: (rules) => ({
          id: `scim-${opaqueId(scimName).slice(0, 16)}`,
          key: accountKey(original.idpEntityId, scimName, rules.principal.caseInsensitive),
          principal: scimName,
          idpEntityId: original.idpEntityId,
          fields: { ...fields },
          groups: [],
          roles: [],
          status: 'active',
          createdAt: '1970-01-01T00:00:00.000Z',
          updatedAt: '1970-01-01T00:00:00.000Z',
          lastLoginAt: '1970-01-01T00:00:00.000Z',
          loginCount: 0,
        }),
      };
    }
  }
}

function short(format: string | null): string {
  return format ? (format.split(':').pop() ?? format) : 'none';
}

/** Runs every drift (or the given ones) under the current rules and each preset. Writes nothing. */
export function whatIf(input: WhatIfInput): WhatIfScenario[] {
  const ruleSets: RuleSet[] = [{ id: 'current', name: 'Current rules', rules: input.rules }, ...(input.presets ?? []).map((p) => ({ id: p.id, name: p.name, rules: p.rules }))];
  // A required group weighs most; a role rule weighs more the earlier it comes (Grafana's precedence).
  const weight = (g: string): number =>
    ruleSets.reduce((sum, { rules }) => {
      const roles = rules.groups.roles;
      const required = rules.groups.required.includes(g) ? 1000 : 0;
      return sum + required + roles.reduce((n, r, i) => n + ((r.match === 'exact' ? r.value === g : safeRegex(r.value, g)) ? roles.length - i : 0), 0);
    }, 0);
  const drifts = input.drifts ?? DRIFT_IDS;
  return drifts.map((drift) => {
    const d = applyDrift(drift, input.login, weight);
    return { drift, title: DRIFT_TITLES[drift], change: d.change, applicable: d.applicable, results: d.applicable ? ruleSets.map((rs) => evaluate(rs, d, input)) : [] };
  });
}

function safeRegex(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

function evaluate(rs: RuleSet, drifted: Drifted, input: WhatIfInput): WhatIfResult {
  const current = rs.id === 'current';
  const others = current ? (input.others ?? []).filter((a) => a.id !== input.account?.id).map((a) => structuredClone(a)) : [];
  const plan = (login: WhatIfLogin, accounts: StoredAccount[]) =>
    planProvision({ idpEntityId: login.idpEntityId, nameId: login.nameId, nameIdFormat: login.nameIdFormat, attributes: login.attributes, now: input.now, rules: rs.rules, accounts: new AccountIndex(accounts) });
  // The account before the drift: the real one for the current rules, else what these rules made of the login.
  let baselineAccount: StoredAccount | null;
  let baseline: 'accepted' | 'rejected';
  if (drifted.scimAccount) {
    baselineAccount = drifted.scimAccount(rs.rules);
    baseline = plan(input.login, [...others]).rejected ? 'rejected' : 'accepted';
  } else if (current && input.account) {
    baselineAccount = structuredClone(input.account);
    baseline = 'accepted';
  } else {
    const first = plan(input.login, [...others]);
    baselineAccount = first.account;
    baseline = first.rejected ? 'rejected' : 'accepted';
  }
  const result = plan(drifted.login, baselineAccount ? [...others, baselineAccount] : others);
  return {
    rulesId: rs.id,
    rulesName: rs.name,
    baseline,
    verdict: result.rejected ? 'rejected' : 'accepted',
    outcome: classify(result, baselineAccount, baseline, !!drifted.scimAccount),
    failedChecks: result.checks.filter((c) => c.status === 'fail').map((c) => ({ id: c.id, received: c.received })),
    warnings: result.checks.filter((c) => c.status === 'warn').map((c) => ({ id: c.id, received: c.received })),
    before: result.before ?? baselineAccount,
    after: result.account,
    diff: result.diff,
  };
}

function classify(plan: ReturnType<typeof planProvision>, baselineAccount: StoredAccount | null, baseline: 'accepted' | 'rejected', scim: boolean): WhatIfOutcome {
  const failed = plan.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  if (plan.rejected) {
    if (baseline === 'rejected' && !scim) return { kinds: ['locked-out'], label: `Rejected, as it is without the drift (${failed.join(', ')})`, severity: 'notice' };
    return { kinds: ['locked-out'], label: `Locked out: rejected by ${failed.join(', ')}`, severity: 'danger' };
  }
  const kinds: OutcomeKind[] = [];
  const parts: string[] = [];
  const { diff } = plan;
  if (diff.kind === 'created' && baselineAccount) {
    kinds.push('duplicate-account');
    parts.push(`Duplicate account: a second account "${plan.account?.principal ?? '?'}" beside "${baselineAccount.principal}"`);
  } else if (diff.kind === 'created') {
    kinds.push('created');
    parts.push(`Account "${plan.account?.principal ?? '?'}" created`);
  }
  if (diff.rolesRemoved.length > 0) {
    kinds.push('roles-removed');
    parts.push(`Roles removed: ${diff.rolesRemoved.join(', ')}${diff.rolesGranted.length ? ` (granted: ${diff.rolesGranted.join(', ')})` : ''}`);
  }
  if (diff.clearedFields.length > 0) {
    kinds.push('fields-cleared');
    parts.push(`${diff.clearedFields.length} field${diff.clearedFields.length === 1 ? '' : 's'} cleared: ${diff.clearedFields.join(', ')}`);
  }
  if (diff.linkedBy === 'email') {
    kinds.push('linked');
    parts.push(`Linked by email to account "${plan.before?.principal ?? '?'}"`);
  }
  if (diff.kind === 'updated' && kinds.length === 0) {
    kinds.push('updated');
    parts.push(`Updated: ${diff.changes.filter((c) => c.change !== 'unchanged').map((c) => `${c.field} ${c.change}`).join(', ')}`);
  }
  if (kinds.length === 0 && diff.kind !== 'created') {
    kinds.push('unchanged');
    parts.push('No change: the same account, unchanged');
  }
  if (baseline === 'rejected') parts.push('(rejected without the drift)');
  const danger = kinds.some((k) => k === 'duplicate-account' || k === 'roles-removed' || k === 'fields-cleared');
  return { kinds, label: parts.join('; '), severity: danger ? 'danger' : kinds.includes('unchanged') ? 'ok' : 'notice' };
}
