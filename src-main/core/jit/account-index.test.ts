// The account index the planner looks accounts up by: exact keys, emails by identityKey, look-alikes by canonical
// form; remove() before an in-place change keeps it consistent.
import { describe, expect, it } from 'vitest';
import type { StoredAccount } from '../store/schema.ts';
import { AccountIndex } from './account-index.ts';
import { canonicalIdentity } from './identity.ts';
import { accountKey } from './provision.ts';

const IDP = 'https://idp.example';
const account = (principal: string, email: string, linked: string[] = []): StoredAccount => ({
  id: `id-${principal}`,
  key: accountKey(IDP, principal, true),
  principal,
  idpEntityId: IDP,
  fields: { email },
  groups: [],
  roles: [],
  linkedKeys: linked.map((p) => accountKey(IDP, p, true)),
  status: 'active',
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
  lastLoginAt: '2030-01-01T00:00:00Z',
  loginCount: 1,
});

describe('AccountIndex', () => {
  it('finds by key, linked key, email (ASCII case-insensitively, never U+212A as k) and canonical forms', () => {
    const kate = account('Kate', 'Kate@Example.com', ['kate-old']);
    const index = new AccountIndex([kate]);
    expect(index.byKey(accountKey(IDP, 'KATE', true))).toBe(kate);
    expect(index.byKey(accountKey(IDP, 'kate-old', true))).toBe(kate);
    expect(index.byKey(accountKey(IDP, '\u212Aate', true))).toBeUndefined();
    expect(index.byEmail('kate@example.COM')).toEqual([kate]);
    expect(index.byEmail('\u212Aate@example.com')).toEqual([]);
    expect(index.byCanonicalEmail(canonicalIdentity('\u212Aate@example.com\u00A0'))).toEqual([kate]);
    expect(index.byCanonicalPrincipal(IDP, canonicalIdentity('\u212Aate\u200B'))).toEqual([kate]);
    expect(index.byCanonicalPrincipal('https://other-idp.example', canonicalIdentity('kate'))).toEqual([]);
  });

  it('forgets the old email and key after remove(), then finds the changed account after add()', () => {
    const kate = account('kate', 'kate@example.com');
    const index = new AccountIndex([kate]);
    index.remove(kate);
    kate.fields = { email: 'kate.new@example.com' };
    index.add(kate);
    expect(index.byEmail('kate@example.com')).toEqual([]);
    expect(index.byCanonicalEmail('kate@example.com')).toEqual([]);
    expect(index.byEmail('kate.new@example.com')).toEqual([kate]);
    expect(index.byKey(kate.key)).toBe(kate);
  });
});
