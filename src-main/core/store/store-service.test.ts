// The store as the rest of the core uses it: change `data`, flush, and find it all again after a restart — whether
// the change went to the journal or into a compacted snapshot, after a crash cut the journal short, after a
// failed write, and when the store on disk was written by version 1.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabError } from '../errors.ts';
import { DEFAULT_LOGIN_RETENTION, STORE_VERSION } from './schema.ts';
import { StoreService, type StoreOptions } from './store-service.ts';
import { account, login } from './test-records.ts';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const dirs: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const open = async (dir: string, options?: StoreOptions) => StoreService.open(dir, () => NOW, options);


describe('StoreService', () => {
  it('persists every kind of change through the journal and reads it back', async () => {
    const dir = await freshDir();
    const { store } = await open(dir);
    for (let i = 0; i < 5; i++) store.unsafeMutableData.accounts.push(account(i));
    store.unsafeMutableData.logins.push(login(0));
    await store.flush();
    // In place, the ways the core changes things: Object.assign, a nested push, a nested field, a filtered array.
    Object.assign(store.unsafeMutableData.accounts[1]!, { loginCount: 2, fields: { email: 'new@example.com' } });
    store.unsafeMutableData.accounts[2]!.groups.push('b');
    store.unsafeMutableData.accounts[3]!.fields.displayName = 'Three';
    store.unsafeMutableData.accounts = store.unsafeMutableData.accounts.filter((a) => a.id !== 'acc-4');
    store.unsafeMutableData.sp.clockSkewSeconds = 42;
    store.unsafeMutableData.replay.push({ assertionId: '_a', idpEntityId: 'idp', expiresAt: NOW.toISOString() });
    await store.flush();
    expect(store.sizes().journal).toBeGreaterThan(0);
    expect(store.sizes().journal).toBeLessThan(4000);

    const again = (await open(dir)).store;
    expect(again.data).toEqual(store.data);
    expect(again.data.accounts.map((a) => a.id)).toEqual(['acc-0', 'acc-1', 'acc-2', 'acc-3']);
  });

  it('writes only what changed: the journal grows by the new records, not by the store size', async () => {
    const dir = await freshDir();
    const { store } = await open(dir);
    for (let i = 0; i < 2000; i++) store.unsafeMutableData.accounts.push(account(i));
    await store.flush();
    const before = store.sizes().journal;
    store.unsafeMutableData.accounts[1500]!.loginCount++;
    store.unsafeMutableData.logins.push(login(1));
    await store.flush();
    const line = store.sizes().journal - before;
    expect(line).toBeLessThan(JSON.stringify(account(1)).length + JSON.stringify(login(1)).length + 100);
  });

  it('compacts into store.json once the journal outgrows it, and reads the same store back', async () => {
    const dir = await freshDir();
    const { store } = await open(dir, { compactBytes: 2000 });
    for (let i = 0; i < 60; i++) {
      store.unsafeMutableData.accounts.push(account(i));
      store.unsafeMutableData.logins.push(login(i));
      await store.flush();
    }
    expect(store.sizes().journal).toBeLessThan(Math.max(2000, store.sizes().snapshot) + 2000);
    const snapshot = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as { accounts: unknown[] };
    expect(snapshot.accounts.length).toBeGreaterThan(10);
    expect((await open(dir)).store.data).toEqual(store.data);
  });

  it('keeps only the newest logins (retention setting)', async () => {
    const dir = await freshDir();
    const { store } = await open(dir);
    expect(store.unsafeMutableData.settings.loginRetention).toBe(DEFAULT_LOGIN_RETENTION);
    store.unsafeMutableData.settings.loginRetention = 3;
    for (let i = 0; i < 7; i++) store.unsafeMutableData.logins.push(login(i));
    await store.flush();
    expect(store.unsafeMutableData.logins.map((l) => l.id)).toEqual(['login-4', 'login-5', 'login-6']);
    expect((await open(dir)).store.unsafeMutableData.logins.map((l) => l.id)).toEqual(['login-4', 'login-5', 'login-6']);
  });

  it('drops a journal line cut short by a crash, and appends cleanly after it', async () => {
    const dir = await freshDir();
    const { store } = await open(dir);
    store.unsafeMutableData.accounts.push(account(1));
    await store.flush();
    await writeFile(join(dir, 'store.journal'), '{"put":{"accounts":[{"id":"acc-2","ke', { flag: 'a' });
    const { store: reopened, notice } = await open(dir);
    expect(notice).toBeNull();
    expect(reopened.data.accounts.map((a) => a.id)).toEqual(['acc-1']);
    reopened.unsafeMutableData.accounts.push(account(3));
    await reopened.flush();
    expect((await open(dir)).store.unsafeMutableData.accounts.map((a) => a.id)).toEqual(['acc-1', 'acc-3']);
  });

  it('moves a store with a damaged journal aside, says so, and starts empty', async () => {
    const dir = await freshDir();
    const { store } = await open(dir);
    store.unsafeMutableData.accounts.push(account(1));
    await store.flush();
    await writeFile(join(dir, 'store.journal'), 'garbage\n{"set":{}}\n', { flag: 'a' });
    const { store: reopened, notice } = await open(dir);
    expect(notice).toMatch(/could not be read \(store\.journal line 2 is damaged\)\. It was moved to .*store\.json\.corrupt-2030-06-01T12-00-00-000Z/);
    expect(reopened.data.accounts).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-')).sort()).toEqual(['store.journal.corrupt-2030-06-01T12-00-00-000Z', 'store.json.corrupt-2030-06-01T12-00-00-000Z']);
  });

  it.each([
    ['truncated JSON', '{"version":2,"accounts":[tru'],
    ['an empty file', ''],
    ['JSON that is not a store', '{"hello":"world"}'],
    ['a store from a newer version', JSON.stringify({ version: 99, sp: {}, idps: [], accounts: [], logins: [] })],
  ])('moves %s aside with a timestamp and starts empty', async (_name, content) => {
    const dir = await freshDir();
    await writeFile(join(dir, 'store.json'), content);
    const { store, notice } = await open(dir);
    expect(notice).toMatch(/^The store could not be read \(.+\)\. It was moved to .*store\.json\.corrupt-2030-06-01T12-00-00-000Z and the app started empty\.$/);
    expect(store.unsafeMutableData.accounts).toEqual([]);
    expect(await readFile(join(dir, 'store.json.corrupt-2030-06-01T12-00-00-000Z'), 'utf8')).toBe(content);
    if (content.includes('"version":99')) expect(notice).toContain('written by a newer version (store version 99');
  });

  it('reports a failed write as store-unwritable, keeps the change in memory, and writes it once it can', async () => {
    const dir = await freshDir();
    const { store } = await open(dir);
    store.unsafeMutableData.accounts.push(account(1));
    await store.flush();
    // Root ignores permissions, so make the journal unwritable by putting a directory in its place.
    await rename(join(dir, 'store.journal'), join(dir, 'journal.bak'));
    await mkdir(join(dir, 'store.journal'));
    store.unsafeMutableData.accounts.push(account(2));
    const error = await store.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('store-unwritable');
    expect((error as LabError).message).toMatch(/^Could not write the store at .*store\.json: EISDIR/);
    await rm(join(dir, 'store.journal'), { recursive: true });
    await rename(join(dir, 'journal.bak'), join(dir, 'store.journal'));
    await store.flush();
    expect((await open(dir)).store.unsafeMutableData.accounts.map((a) => a.id)).toEqual(['acc-1', 'acc-2']);
  });
});

describe('migrations', () => {
  it(`reads a version 1 store (fixture) as version ${STORE_VERSION}, keeping every record`, async () => {
    const dir = await freshDir();
    await copyFile(resolve(import.meta.dirname, 'fixtures/store-v1.json'), join(dir, 'store.json'));
    const v1 = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as Record<string, unknown>;
    const { store, notice } = await open(dir);
    expect(notice).toBeNull();
    expect(store.unsafeMutableData.version).toBe(STORE_VERSION);
    expect(store.unsafeMutableData.settings).toEqual({ loginRetention: DEFAULT_LOGIN_RETENTION });
    expect(store.unsafeMutableData.sp).toEqual(v1.sp);
    expect(store.unsafeMutableData.idps).toEqual(v1.idps);
    expect(store.unsafeMutableData.demoUsers).toEqual(v1.demoUsers);
    expect(store.unsafeMutableData.logins).toEqual(v1.logins);
    expect(store.unsafeMutableData.outstanding).toEqual(v1.outstanding);
    expect(store.unsafeMutableData.replay).toEqual(v1.replay);
    expect(store.unsafeMutableData.accounts).toEqual((v1.accounts as object[]).map((a) => ({ ...a, roles: [] })));
    // Written back in the new version straight away, and read the same next time.
    const onDisk = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as { version: number };
    expect(onDisk.version).toBe(STORE_VERSION);
    expect((await open(dir)).store.data).toEqual(store.data);
  });
});
