// Store growth: what one JIT login costs in the store (account update + login record + write acknowledged on disk)
// when the store holds 100 accounts vs 10,000, measured through LoginService-shaped writes on the real
// StoreService: a realistic account change plus a ~28 kB login record, flushed and awaited, one at a time. Like
// LoginService, the changed account is marked (`touch`) and the flush is `marked`; the unmarked flush (every record
// compared, what any other writer gets) is measured too.
// Baseline in the same run: lowdb's whole-file JSONFile write of the same store (what version 1 did per login).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { StoredAccount, StoredLogin, StoreData } from '../src-main/core/store/schema.ts';
import { StoreService } from '../src-main/core/store/store-service.ts';
import { fmt, header, row, tempDir } from './support.ts';

function account(n: number, now: string): StoredAccount {
  return {
    id: randomUUID(),
    key: `https://idp.example\u0000user${n}@example.com`,
    principal: `user${n}@example.com`,
    idpEntityId: 'https://idp.example',
    fields: { email: `user${n}@example.com`, firstName: 'User', lastName: `Number ${n}`, displayName: `User ${n}` },
    groups: ['engineering', 'sso-users'],
    roles: ['member'],
    status: 'active',
    createdAt: now,
    updatedAt: now,
    lastLoginAt: now,
    loginCount: 1,
  };
}

function loginRecord(a: StoredAccount, now: string): StoredLogin {
  return {
    id: randomUUID(),
    receivedAt: now,
    verdict: 'accepted',
    flow: 'idp-initiated',
    idpEntityId: a.idpEntityId,
    nameId: a.principal,
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    sessionIndex: '_s',
    accountId: a.id,
    samlResponse: 'P'.repeat(9300),
    xml: `<samlp:Response>${'x'.repeat(7000)}</samlp:Response>`,
    relayState: null,
    checks: Array.from({ length: 30 }, (_, i) => ({ id: `check.${i}`, title: 'A check title of ordinary length', status: 'pass' as const, expected: 'something expected here', received: 'something received here, a bit longer', hint: null })),
    attributes: [{ name: 'email', friendlyName: null, nameFormat: null, values: [a.principal] }],
    diff: { kind: 'updated', accountId: a.id, changes: [{ field: 'lastName', before: 'x', after: 'y', change: 'changed' }], rolesGranted: [], rolesRemoved: [], linkedBy: null },
    http: { method: 'POST', contentType: 'application/x-www-form-urlencoded', bytes: 9400, status: 200 },
  };
}

/** Mean ms per login over `samples` logins into a store already holding `accounts` accounts (and full login history). */
async function perLogin(accounts: number, samples: number, kind: 'marked' | 'unmarked' | 'lowdb'): Promise<number> {
  const dir = await tempDir(`growth-${kind}`);
  const now = new Date().toISOString();
  const { store } = await StoreService.open(dir, () => new Date());
  for (let i = 0; i < accounts; i++) store.accounts.add(account(i, now));
  for (let i = 0; i < store.data.settings.loginRetention; i++) store.logins.append(loginRecord(store.unsafeMutableData.accounts[i % accounts]!, now));
  await store.flush();
  const lowdb = new Low<StoreData>(new JSONFile<StoreData>(join(dir, 'lowdb.json')), store.unsafeMutableData);
  const one = async (i: number): Promise<void> => {
    const a = store.unsafeMutableData.accounts[(i * 7919) % accounts]!;
    const next = { ...a, fields: { ...a.fields, lastName: `Changed ${i}` }, lastLoginAt: new Date().toISOString(), loginCount: a.loginCount + 1 };
    if (kind === 'marked') {
      // What a login does: the account changed through the API (marked), the login appended, one commit.
      store.accounts.update(a, next);
      store.logins.append(loginRecord(a, now));
      await store.commit();
    } else if (kind === 'unmarked') {
      Object.assign(a, next);
      store.logins.append(loginRecord(a, now));
      await store.flush();
    } else {
      Object.assign(a, next);
      store.logins.append(loginRecord(a, now));
      await lowdb.write();
    }
  };
  for (let i = 0; i < 20; i++) await one(i);
  const start = performance.now();
  for (let i = 0; i < samples; i++) await one(i + 20);
  return (performance.now() - start) / samples;
}

export interface StoreGrowthResult {
  at100: number;
  at10k: number;
  unmarkedAt100: number;
  unmarkedAt10k: number;
  lowdbAt100: number;
  lowdbAt10k: number;
}

export async function storeGrowth(): Promise<StoreGrowthResult> {
  header('Store growth: one login (account change + ~28 kB login record, written and awaited), 1,000 logins retained');
  // Enough logins at 10,000 accounts to pass at least one compaction, so its cost is in the mean.
  const at100 = await perLogin(100, 600, 'marked');
  const at10k = await perLogin(10_000, 600, 'marked');
  const unmarkedAt100 = await perLogin(100, 300, 'unmarked');
  const unmarkedAt10k = await perLogin(10_000, 300, 'unmarked');
  const lowdbAt100 = await perLogin(100, 30, 'lowdb');
  const lowdbAt10k = await perLogin(10_000, 30, 'lowdb');
  row('store v2 (journal, marked flush), login into a store of 100 accounts', `${fmt(at100, 2)} ms`);
  row('store v2 (journal, marked flush), login into a store of 10,000 accounts', `${fmt(at10k, 2)} ms`, { value: at10k / at100, against: 'the 100-account login', goal: '≤ 1.5×', met: at10k / at100 <= 1.5 });
  row('store v2 (journal, unmarked flush: every record compared), 100 accounts', `${fmt(unmarkedAt100, 2)} ms`, { value: unmarkedAt100 / at100, against: 'the marked 100-account login' });
  row('store v2 (journal, unmarked flush: every record compared), 10,000 accounts', `${fmt(unmarkedAt10k, 2)} ms`, { value: unmarkedAt10k / unmarkedAt100, against: 'its 100-account login' });
  row('lowdb whole-file write (v1 behaviour), 100 accounts', `${fmt(lowdbAt100, 2)} ms`);
  row('lowdb whole-file write (v1 behaviour), 10,000 accounts', `${fmt(lowdbAt10k, 2)} ms`, { value: lowdbAt10k / lowdbAt100, against: 'its 100-account login' });
  return { at100, at10k, unmarkedAt100, unmarkedAt10k, lowdbAt100, lowdbAt10k };
}

if (import.meta.url === `file://${process.argv[1]}`) await storeGrowth();
