// Marked flushes (`touch` + `flush({ marked: true })`, what LoginService does): the write finds what changed without
// comparing every record, and still loses nothing — additions, removals and reassignments are found without marks,
// and an in-place change nobody marked is written by the next full compare (an unmarked flush or a compaction).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredLogin } from './schema.ts';
import { StoreService, type StoreOptions } from './store-service.ts';
import { account, login as loginRecord } from './test-records.ts';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const dirs: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-marked-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const open = async (dir: string, options?: StoreOptions) => (await StoreService.open(dir, () => NOW, options)).store;

const login = (n: number): StoredLogin => loginRecord(n, 50);

describe('marked flushes', () => {
  it('write a marked in-place change and the structural changes, and only those', async () => {
    const dir = await freshDir();
    const store = await open(dir);
    for (let i = 0; i < 2000; i++) store.unsafeMutableData.accounts.push(account(i));
    for (let i = 0; i < 5; i++) store.unsafeMutableData.logins.push(login(i));
    await store.flush();
    const before = store.sizes().journal;
    Object.assign(store.unsafeMutableData.accounts[1500]!, { loginCount: 7, fields: { email: 'changed@example.com' } });
    (store as unknown as { touch(c: string, r: object): void }).touch('accounts', store.unsafeMutableData.accounts[1500]!);
    store.unsafeMutableData.accounts.push(account(2000));
    store.unsafeMutableData.logins.splice(0, 2);
    store.unsafeMutableData.logins.push(login(9));
    store.unsafeMutableData.replay = [...store.unsafeMutableData.replay, { assertionId: '_a', idpEntityId: 'idp', expiresAt: NOW.toISOString() }];
    store.unsafeMutableData.accounts[10] = { ...account(10), loginCount: 3 };
    await store.flush({ marked: true });
    const line = store.sizes().journal - before;
    expect(line).toBeLessThan(4 * JSON.stringify(account(1)).length + JSON.stringify(login(9)).length + 200);
    const again = await open(dir);
    expect(again.data).toEqual(store.data);
    expect(again.data.accounts[1500]!.loginCount).toBe(7);
    expect(again.data.logins.map((l) => l.id)).toEqual(['login-2', 'login-3', 'login-4', 'login-9']);
  });

  it('write an unmarked in-place change at the next unmarked flush', async () => {
    const dir = await freshDir();
    const store = await open(dir);
    for (let i = 0; i < 10; i++) store.unsafeMutableData.accounts.push(account(i));
    await store.flush();
    store.unsafeMutableData.accounts[3]!.groups.push('forgotten');
    store.unsafeMutableData.logins.push(login(1));
    await store.flush({ marked: true });
    // The unmarked change is in memory and not yet on disk; the marked one is.
    expect((await open(dir)).data.logins.map((l) => l.id)).toEqual(['login-1']);
    await store.flush();
    expect((await open(dir)).data).toEqual(store.data);
  });

  it('compare everything when a marked and an unmarked flush share a write', async () => {
    const dir = await freshDir();
    const store = await open(dir);
    for (let i = 0; i < 10; i++) store.unsafeMutableData.accounts.push(account(i));
    await store.flush();
    store.unsafeMutableData.accounts[4]!.fields.displayName = 'Four';
    await Promise.all([store.flush({ marked: true }), store.flush(), store.flush({ marked: true })]);
    expect((await open(dir)).data).toEqual(store.data);
  });

  it('write an unmarked in-place change at the next compaction', async () => {
    const dir = await freshDir();
    const store = await open(dir, { compactBytes: 1000 });
    for (let i = 0; i < 5; i++) store.unsafeMutableData.accounts.push(account(i));
    await store.flush();
    store.unsafeMutableData.accounts[2]!.status = 'blocked';
    for (let i = 0; i < 40 && (await open(dir)).data.accounts[2]!.status !== 'blocked'; i++) {
      store.unsafeMutableData.logins.push(login(i));
      await store.flush({ marked: true });
    }
    expect((await open(dir)).data).toEqual(store.data);
  });

  it('compare everything after a failed write, whose marks went with it', async () => {
    const dir = await freshDir();
    const store = await open(dir);
    for (let i = 0; i < 5; i++) store.unsafeMutableData.accounts.push(account(i));
    await store.flush();
    store.unsafeMutableData.accounts[1]!.loginCount = 99;
    (store as unknown as { touch(c: string, r: object): void }).touch('accounts', store.unsafeMutableData.accounts[1]!);
    const { rename, mkdir } = await import('node:fs/promises');
    await rename(join(dir, 'store.journal'), join(dir, 'journal.bak'));
    await mkdir(join(dir, 'store.journal'));
    await expect(store.flush({ marked: true })).rejects.toThrow(/EISDIR/);
    await rm(join(dir, 'store.journal'), { recursive: true });
    await rename(join(dir, 'journal.bak'), join(dir, 'store.journal'));
    await store.flush({ marked: true });
    expect((await open(dir)).data.accounts[1]!.loginCount).toBe(99);
  });

  it('lose nothing over random marked writes (every in-place change marked): the store read back equals memory', async () => {
    const dir = await freshDir();
    const store = await open(dir, { compactBytes: 20_000 });
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let next = 0;
    for (let step = 0; step < 300; step++) {
      const d = store.unsafeMutableData;
      const op = rnd(8);
      if (op === 0 || d.accounts.length === 0) d.accounts.push(account(next++));
      else if (op === 1) {
        const a = d.accounts[rnd(d.accounts.length)]!;
        Object.assign(a, { loginCount: a.loginCount + 1, groups: [...a.groups, `g${step}`] });
        (store as unknown as { touch(c: string, r: object): void }).touch('accounts', a);
      } else if (op === 2) {
        const a = d.accounts[rnd(d.accounts.length)]!;
        a.fields.displayName = `n${step}`;
        (store as unknown as { touch(c: string, r: object): void }).touch('accounts', a);
      } else if (op === 3) d.accounts = d.accounts.filter((_, i) => i !== rnd(d.accounts.length));
      else if (op === 4) d.logins.push(login(next++));
      else if (op === 5) d.logins.splice(0, rnd(3));
      else if (op === 6) d.replay.push({ assertionId: `_${step}`, idpEntityId: 'idp', expiresAt: NOW.toISOString() });
      else d.replay = d.replay.slice(rnd(2));
      await store.flush({ marked: true });
      if (step % 50 === 49) expect((await open(dir, { compactBytes: 20_000 })).data).toEqual(store.data);
    }
    expect((await open(dir)).data).toEqual(store.data);
  });
});
