// JIT provisioning: create the account on first login, update it on later ones, and say exactly what changed.
import { randomUUID } from 'node:crypto';
import type { AccountDiff, Attribute, FieldChange, FieldValue } from '../../contract/index.ts';
import type { StoredAccount } from '../store/schema.ts';
import { mapAttributes } from './mapping.ts';

export interface ProvisionInput {
  idpEntityId: string;
  principal: string;
  attributes: Attribute[];
  now: Date;
}

export interface ProvisionPlan {
  /** The account as it will be after this login. */
  account: StoredAccount;
  /** The account before (null when created). */
  before: StoredAccount | null;
  diff: AccountDiff;
}

export function accountKey(idpEntityId: string, principal: string): string {
  return `${idpEntityId}\u0000${principal}`;
}

/** Computes what this login does to the account, without changing anything. */
export function planProvision(existing: StoredAccount | null, input: ProvisionInput): ProvisionPlan {
  const mapped = mapAttributes(input.attributes);
  const now = input.now.toISOString();
  const account: StoredAccount = existing
    ? {
        ...existing,
        fields: { ...mapped.fields },
        groups: mapped.groups,
        lastLoginAt: now,
        loginCount: existing.loginCount + 1,
      }
    : {
        id: randomUUID(),
        key: accountKey(input.idpEntityId, input.principal),
        principal: input.principal,
        idpEntityId: input.idpEntityId,
        fields: { ...mapped.fields },
        groups: mapped.groups,
        status: 'active',
        createdAt: now,
        updatedAt: now,
        lastLoginAt: now,
        loginCount: 1,
      };
  const changes = diffAccounts(existing, account);
  const changed = changes.some((c) => c.change !== 'unchanged');
  if (existing && changed) account.updatedAt = now;
  return {
    account,
    before: existing,
    diff: { kind: existing ? (changed ? 'updated' : 'unchanged') : 'created', accountId: account.id, changes },
  };
}

export function diffAccounts(before: StoredAccount | null, after: StoredAccount): FieldChange[] {
  const fieldNames = [...new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after.fields)])];
  const changes: FieldChange[] = fieldNames.map((field) =>
    change(field, before ? (before.fields[field] ?? null) : null, after.fields[field] ?? null, before === null),
  );
  changes.push(change('groups', before ? before.groups : null, after.groups, before === null));
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
