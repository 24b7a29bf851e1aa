// The in-memory indexes the planner looks accounts up by: the exact key (and linked keys), the email's identityKey,
// and the canonical forms of principals and emails (identity.ts) under which look-alikes meet. One owner, so the
// login service, dry runs and what-ifs see the same answers; add() after a create or change, remove() before a
// change or a delete.
import type { StoredAccount } from '../store/schema.ts';
import { canonicalIdentity, identityKey } from './identity.ts';
import { canonicalPrincipalKey, type AccountLookup } from './provision.ts';

export class AccountIndex implements AccountLookup {
  private readonly keys = new Map<string, StoredAccount>();
  private readonly emails = new Map<string, StoredAccount[]>();
  private readonly canonicalPrincipals = new Map<string, StoredAccount[]>();
  private readonly canonicalEmails = new Map<string, StoredAccount[]>();

  constructor(accounts: Iterable<StoredAccount> = []) {
    for (const a of accounts) this.add(a);
  }

  add(account: StoredAccount): void {
    for (const key of [account.key, ...(account.linkedKeys ?? [])]) this.keys.set(key, account);
    push(this.canonicalPrincipals, canonicalPrincipalKey(account.idpEntityId, account.principal), account);
    for (const key of account.linkedKeys ?? []) push(this.canonicalPrincipals, canonicalPrincipalKey(account.idpEntityId, principalOfKey(key)), account);
    const email = account.fields.email;
    if (email) {
      push(this.emails, identityKey(email, true), account);
      push(this.canonicalEmails, canonicalIdentity(email), account);
    }
  }

  /** Forgets the account under its current key, principal and email (call before changing them in place). */
  remove(account: StoredAccount): void {
    for (const key of [account.key, ...(account.linkedKeys ?? [])]) if (this.keys.get(key) === account) this.keys.delete(key);
    pull(this.canonicalPrincipals, canonicalPrincipalKey(account.idpEntityId, account.principal), account);
    for (const key of account.linkedKeys ?? []) pull(this.canonicalPrincipals, canonicalPrincipalKey(account.idpEntityId, principalOfKey(key)), account);
    const email = account.fields.email;
    if (email) {
      pull(this.emails, identityKey(email, true), account);
      pull(this.canonicalEmails, canonicalIdentity(email), account);
    }
  }

  byKey(key: string): StoredAccount | undefined {
    return this.keys.get(key);
  }

  byEmail(email: string): StoredAccount[] {
    return this.emails.get(identityKey(email, true)) ?? [];
  }

  byCanonicalPrincipal(idpEntityId: string, canonical: string): StoredAccount[] {
    return this.canonicalPrincipals.get(`${idpEntityId}\u0000${canonical}`) ?? [];
  }

  byCanonicalEmail(canonical: string): StoredAccount[] {
    return this.canonicalEmails.get(canonical) ?? [];
  }
}

/** The principal part of an account key (entity ID + NUL + principal). */
function principalOfKey(key: string): string {
  const i = key.indexOf('\u0000');
  return i < 0 ? key : key.slice(i + 1);
}

function push(map: Map<string, StoredAccount[]>, key: string, account: StoredAccount): void {
  const list = map.get(key);
  if (!list) map.set(key, [account]);
  else if (!list.includes(account)) list.push(account);
}

function pull(map: Map<string, StoredAccount[]>, key: string, account: StoredAccount): void {
  const list = map.get(key);
  if (!list) return;
  const rest = list.filter((a) => a !== account);
  if (rest.length > 0) map.set(key, rest);
  else map.delete(key);
}
