// The store: all state in memory (`data`), persisted as a snapshot plus a journal.
//
//   store.json     the whole store as of the last compaction (written with lowdb's atomic temp-file + rename);
//   store.journal  one JSON line per write since then: only the records that changed (see journal.ts).
//
// A write costs what changed, not the size of the store, so login 10,000 costs about what login 100 did. Writes are
// coalesced: changes made while a write is in flight go out together in the next one, and `flush()` resolves only
// once a write that includes the caller's changes is on disk (the ACS acknowledges a login only after that). When
// the journal outgrows the snapshot, the next write is a compaction: a new store.json, then an empty journal.
//
// Finding what changed: `flush()` compares every record with what was last written (O(store), ~2–3 ms at 10,000
// accounts). A writer that marks each record it changed in place (`touch`) and then calls `flush({ marked: true })`
// lets the write skip that comparison: records added, removed or replaced are still found by identity, and only the
// marked records are re-serialized (O(change)). If any flush sharing a write was unmarked, or the last write failed,
// the write compares everything; a compaction always does. So a change a writer forgot to mark is written late (at
// the next full compare), never dropped.
//
// Crash safety (kill -9 at any point): store.json is replaced atomically; a journal line cut short by the crash is
// the unacknowledged tail and is dropped at the next start; a crash between a compaction's rename and its journal
// truncation replays lines already in the snapshot, which is harmless (puts and deletes are by key). Lines are not
// fsync'ed (like lowdb before): an OS crash or power cut can lose the last acknowledged writes.
import { mkdir, readFile, rename, stat, truncate, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TextFile } from 'lowdb/node';
import { LabError } from '../errors.ts';
import { ChangeTracker, applyJournal, type JournalEntry, type KeyedCollection } from './journal.ts';
import { StoreShapeError, migrate } from './migrations.ts';
import {
  emptyStore,
  type OutstandingRequest,
  type ReplayEntry,
  type StoreData,
  type StoredAccount,
  type StoredIdp,
  type StoredLogin,
  type StoredSession,
  type StoredSettings,
  type StoredSloExchange,
  type StoredSp,
} from './schema.ts';

export interface StoreOpenResult {
  store: StoreService;
  /** Set when an unreadable store was moved aside; shown to the person as a banner. */
  notice: string | null;
}

export interface StoreOptions {
  /** Compact once the journal is larger than this and than the snapshot. Default 8 MB. */
  compactBytes?: number;
}

const DEFAULT_COMPACT_BYTES = 8 * 1024 * 1024;

/** What rejected, unauthenticated posts may take of the store, together: the newest this many, within this many
 * bytes. No sequence of posts from a web page can grow the store beyond it (each one is capped field by field too). */
/** AuthnRequests remembered as outstanding (each login takes seconds to minutes; 1,000 in ten minutes is a flood). */
export const OUTSTANDING_KEPT = 1_000;

export const UNTRUSTED_BUDGET = { count: 200, bytes: 4 * 1024 * 1024 };

/** Approximate stored size of a login (its strings), for the untrusted budget. */
function loginBytes(login: StoredLogin): number {
  let n = 0;
  for (const v of [login.samlResponse, login.xml, login.decryptedXml, login.relayState, login.idpEntityId, login.nameId, login.claimedNameId]) n += v?.length ?? 0;
  for (const c of login.checks) n += c.title.length + (c.expected?.length ?? 0) + (c.received?.length ?? 0) + (c.hint?.length ?? 0);
  return n + 512;
}

/** Single Logout: how many ended sessions and SLO exchanges are kept (live sessions are always kept), and what
 * exchanges no trusted IdP signed (anyone's posts to /saml/slo) may take of the store, together. */
export const SLO_BOUNDS = { endedSessions: 1_000, exchanges: 500, untrustedCount: 100, untrustedBytes: 1024 * 1024 };

function exchangeBytes(x: StoredSloExchange): number {
  let n = 0;
  for (const v of [x.requestXml, x.responseXml, x.relayState, x.idpEntityId, x.nameId, x.requestId, x.statusMessage]) n += v?.length ?? 0;
  for (const c of x.checks) n += c.title.length + (c.expected?.length ?? 0) + (c.received?.length ?? 0) + (c.hint?.length ?? 0);
  return n + 512;
}

/** What readers get: the store's state, read-only by type (collections cannot be pushed to or reassigned, records
 * cannot be assigned to), so every change has to go through the methods below, which mark what they change. */
export type StoreView = {
  readonly [K in keyof StoreData]: StoreData[K] extends (infer T)[] ? readonly Readonly<T>[] : Readonly<StoreData[K]>;
};

export class StoreService {
  /** The live state. Only this class changes it. */
  private readonly state: StoreData;
  readonly path: string;
  readonly journalPath: string;
  private readonly snapshotFile: TextFile;
  private readonly tracker: ChangeTracker;
  private readonly compactBytes: number;
  private journalBytes: number;
  private snapshotBytes: number;
  private requested = 0;
  private written = 0;
  private inflight: Promise<void> | null = null;
  /** Records changed in place since the last write started, as marked by `touch`. */
  private touched = new Map<KeyedCollection, Set<object>>();
  /** Whether the next write must compare every record (an unmarked flush asked, or a write failed). */
  private compareAll = false;

  private constructor(data: StoreData, path: string, sizes: { journal: number; snapshot: number }, options: StoreOptions) {
    this.state = data;
    this.path = path;
    this.journalPath = `${path.replace(/\.json$/, '')}.journal`;
    this.snapshotFile = new TextFile(path);
    this.tracker = new ChangeTracker(data);
    this.compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
    this.journalBytes = sizes.journal;
    this.snapshotBytes = sizes.snapshot;
  }

  static async open(dataDir: string, clock: () => Date, options: StoreOptions = {}): Promise<StoreOpenResult> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, 'store.json');
    const journalPath = join(dataDir, 'store.journal');
    let notice: string | null = null;
    let loaded: { data: StoreData; snapshot: number; journal: number; from: number } | null = null;
    try {
      loaded = await load(path, journalPath);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const stamp = clock().toISOString().replace(/[:.]/g, '-');
      const aside = `${path}.corrupt-${stamp}`;
      await rename(path, aside).catch(() => {});
      await rename(journalPath, `${journalPath}.corrupt-${stamp}`).catch(() => {});
      notice = `The store could not be read (${firstLine(reason)}). It was moved to ${aside} and the app started empty.`;
    }
    const data = loaded?.data ?? emptyStore();
    const store = new StoreService(data, path, { journal: loaded?.journal ?? 0, snapshot: loaded?.snapshot ?? 0 }, options);
    // A fresh or migrated store gets a snapshot in the current version right away.
    if (!loaded || loaded.from !== data.version) {
      store.journalBytes = Number.POSITIVE_INFINITY;
      await store.flush();
    }
    return { store, notice };
  }

  get data(): StoreView {
    return this.state;
  }

  /** The live, writable state, for tests that change records behind the API's back (the change tracker's tests). */
  get unsafeMutableData(): StoreData {
    return this.state;
  }

  // Writes by API: every change goes through one of these methods, which marks what it changed in place, so that
  // `commit()` (a marked flush) can never miss a change. Reads go through `data`.

  readonly accounts = {
    add: (account: StoredAccount): void => {
      this.state.accounts.push(account);
    },
    /** Replaces an account's contents in place (its identity, and so every index pointing at it, stays). */
    update: (account: StoredAccount, next: StoredAccount): void => {
      Object.assign(account, next);
      this.touch('accounts', account);
    },
    remove: (id: string): StoredAccount | null => {
      const account = this.state.accounts.find((a) => a.id === id) ?? null;
      if (account) this.state.accounts = this.state.accounts.filter((a) => a !== account);
      return account;
    },
  };

  readonly logins = {
    /** Appends a login; the oldest beyond the retention setting are dropped, and the oldest untrusted ones beyond
     * UNTRUSTED_BUDGET. */
    append: (login: StoredLogin): void => {
      this.state.logins.push(login);
      if (login.untrusted) this.applyUntrustedBudget();
      this.applyRetention();
    },
    /** Removes the logins `drop` selects; answers how many. */
    remove: (drop: (login: StoredLogin) => boolean): number => {
      const before = this.state.logins.length;
      this.state.logins = this.state.logins.filter((l) => !drop(l));
      return before - this.state.logins.length;
    },
  };

  readonly idps = {
    add: (idp: StoredIdp): void => {
      this.state.idps.push(idp);
    },
    /** Changes a profile's fields (idps is compared as a whole at every write: no mark needed). */
    update: (idp: StoredIdp, patch: Partial<StoredIdp>): void => {
      for (const [key, value] of Object.entries(patch) as [keyof StoredIdp, unknown][]) {
        if (value === undefined) delete idp[key];
        else (idp as unknown as Record<string, unknown>)[key] = value;
      }
    },
    remove: (id: string): boolean => {
      const before = this.state.idps.length;
      this.state.idps = this.state.idps.filter((i) => i.id !== id);
      return this.state.idps.length < before;
    },
    activate: (id: string): void => {
      this.state.activeIdpId = id;
    },
  };

  readonly sp = {
    update: (patch: Partial<StoredSp>): void => {
      Object.assign(this.state.sp, patch);
    },
  };

  readonly settings = {
    update: (patch: Partial<StoredSettings>): void => {
      Object.assign(this.state.settings, patch);
      this.applyRetention();
    },
  };

  readonly demoUsers = {
    /** Saves a demo user's edited attributes; null forgets the edit (back to the shipped values). */
    set: (id: string, attributes: Record<string, string[]> | null): void => {
      const next = { ...this.state.demoUsers };
      if (attributes === null) delete next[id];
      else next[id] = attributes;
      this.state.demoUsers = next;
    },
    reset: (): void => {
      this.state.demoUsers = {};
    },
  };

  readonly outstanding = {
    /** Remembers an AuthnRequest sent; anyone can make the lab send one (GET /saml/login), so only the newest
     * OUTSTANDING_KEPT are kept. */
    add: (request: OutstandingRequest): void => {
      this.state.outstanding.push(request);
      if (this.state.outstanding.length > OUTSTANDING_KEPT) this.state.outstanding = this.state.outstanding.slice(-OUTSTANDING_KEPT);
    },
    remove: (id: string): void => {
      if (this.state.outstanding.some((o) => o.id === id)) this.state.outstanding = this.state.outstanding.filter((o) => o.id !== id);
    },
  };

  readonly replay = {
    add: (entry: ReplayEntry): void => {
      this.state.replay.push(entry);
    },
  };

  readonly sessions = {
    /** Opens a session (an accepted login); the oldest ended sessions beyond SLO_BOUNDS are dropped. */
    open: (session: StoredSession): void => {
      this.state.sessions.push(session);
      const ended = this.state.sessions.filter((x) => x.endedAt !== null);
      if (ended.length > SLO_BOUNDS.endedSessions) {
        const drop = new Set(ended.slice(0, ended.length - SLO_BOUNDS.endedSessions));
        this.state.sessions = this.state.sessions.filter((x) => !drop.has(x));
      }
    },
    /** Ends a live session in place (an ended one stays as it ended). */
    end: (session: StoredSession, how: { at: string; by: NonNullable<StoredSession['endedBy']>; sloId?: string | null }): boolean => {
      if (session.endedAt !== null) return false;
      session.endedAt = how.at;
      session.endedBy = how.by;
      session.sloId = how.sloId ?? null;
      this.touch('sessions', session);
      return true;
    },
  };

  readonly sloExchanges = {
    /** Appends an exchange; the oldest beyond SLO_BOUNDS are dropped, untrusted ones within their own budget. */
    append: (exchange: StoredSloExchange): void => {
      this.state.sloExchanges.push(exchange);
      if (exchange.untrusted) {
        let count = 0;
        let bytes = 0;
        const drop = new Set<StoredSloExchange>();
        for (let i = this.state.sloExchanges.length - 1; i >= 0; i--) {
          const x = this.state.sloExchanges[i]!;
          if (!x.untrusted) continue;
          count++;
          bytes += exchangeBytes(x);
          if (count > SLO_BOUNDS.untrustedCount || bytes > SLO_BOUNDS.untrustedBytes) drop.add(x);
        }
        if (drop.size > 0) this.state.sloExchanges = this.state.sloExchanges.filter((x) => !drop.has(x));
      }
      // Beyond the bound the oldest go, but never a request still waiting for its answer.
      let excess = this.state.sloExchanges.length - SLO_BOUNDS.exchanges;
      if (excess > 0) {
        this.state.sloExchanges = this.state.sloExchanges.filter((x) => x.state === 'pending' || excess-- <= 0);
      }
    },
    /** Completes a pending exchange in place (its LogoutResponse arrived). */
    update: (exchange: StoredSloExchange, patch: Partial<StoredSloExchange>): void => {
      Object.assign(exchange, patch);
      this.touch('sloExchanges', exchange);
    },
  };

  /** Drops replay entries and outstanding requests that expired over an hour ago (reassigns only when needed, so an
   * ordinary login does not hand the store new collections). */
  pruneExpired(now: Date): void {
    const t = now.getTime();
    const live = (e: { expiresAt: string }): boolean => Date.parse(e.expiresAt) > t - 3600_000;
    if (!this.state.replay.every(live)) this.state.replay = this.state.replay.filter(live);
    if (!this.state.outstanding.every(live)) this.state.outstanding = this.state.outstanding.filter(live);
  }

  /** Persists every change made through the methods above (a marked flush: O(change), see the top of this file). */
  commit(): Promise<void> {
    return this.flush({ marked: true });
  }

  private applyUntrustedBudget(): void {
    let count = 0;
    let bytes = 0;
    const drop = new Set<StoredLogin>();
    for (let i = this.state.logins.length - 1; i >= 0; i--) {
      const login = this.state.logins[i]!;
      if (!login.untrusted) continue;
      count++;
      bytes += loginBytes(login);
      if (count > UNTRUSTED_BUDGET.count || bytes > UNTRUSTED_BUDGET.bytes) drop.add(login);
    }
    if (drop.size > 0) this.state.logins = this.state.logins.filter((l) => !drop.has(l));
  }

  /** The one login-retention rule: the newest `settings.loginRetention` logins are kept. */
  private applyRetention(): void {
    const keep = this.state.settings.loginRetention;
    if (Number.isInteger(keep) && keep >= 0 && this.state.logins.length > keep) this.state.logins.splice(0, this.state.logins.length - keep);
  }

  /** Marks a record of a keyed collection as changed in place, for the next `flush({ marked: true })`. */
  private touch(collection: KeyedCollection, record: object): void {
    let set = this.touched.get(collection);
    if (!set) this.touched.set(collection, (set = new Set()));
    set.add(record);
  }

  /**
   * Persists everything changed so far. Concurrent callers share writes. `marked`: the caller marked (`touch`) every
   * record it changed in place since its last flush, so its changes can be found without comparing every record.
   */
  async flush(options: { marked?: boolean } = {}): Promise<void> {
    if (!options.marked) this.compareAll = true;
    const want = ++this.requested;
    while (this.written < want) {
      if (!this.inflight) {
        const target = this.requested;
        this.inflight = this.write()
          .then(() => {
            this.written = Math.max(this.written, target);
          })
          .finally(() => {
            this.inflight = null;
          });
      }
      try {
        await this.inflight;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new LabError('store-unwritable', `Could not write the store at ${this.path}: ${firstLine(reason)}`);
      }
    }
  }

  /** Bytes in store.json and store.journal (for the benches and the tests). */
  sizes(): { snapshot: number; journal: number } {
    return { snapshot: this.snapshotBytes, journal: Number.isFinite(this.journalBytes) ? this.journalBytes : 0 };
  }

  private async write(): Promise<void> {
    this.applyRetention();
    if (this.journalBytes > Math.max(this.compactBytes, this.snapshotBytes)) {
      await this.compact();
      return;
    }
    const touched = this.compareAll ? null : this.touched;
    this.touched = new Map();
    this.compareAll = false;
    const { line, commit } = this.tracker.diff(this.state, touched);
    if (line === null) return;
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    try {
      await appendFile(this.journalPath, bytes);
    } catch (error) {
      // The marks went with this write: the next one compares everything.
      this.compareAll = true;
      // A partial line would glue itself to the next one: cut the journal back to its last whole line.
      await truncate(this.journalPath, this.journalBytes).catch(() => {});
      throw error;
    }
    this.journalBytes += bytes.length;
    commit();
  }

  private async compact(): Promise<void> {
    // A full compare: whatever was changed in place without a mark is in the snapshot.
    this.touched = new Map();
    this.compareAll = false;
    const { line: text } = this.tracker.snapshot(this.state);
    await this.snapshotFile.write(text!);
    await truncate(this.journalPath, 0).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.snapshotBytes = Buffer.byteLength(text!);
    this.journalBytes = 0;
  }
}

async function load(path: string, journalPath: string): Promise<{ data: StoreData; snapshot: number; journal: number; from: number } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // No snapshot: a journal alone cannot be trusted to be the whole store.
    if (await exists(journalPath)) throw new StoreShapeError('store.journal exists without store.json');
    return null;
  }
  const { data, from } = migrate(JSON.parse(text));
  const { entries, goodBytes, totalBytes } = await readJournal(journalPath);
  applyJournal(data, entries);
  // The last line of a journal cut by a crash was never acknowledged: drop it so the next line starts clean.
  if (goodBytes < totalBytes) await truncate(journalPath, goodBytes);
  return { data, snapshot: Buffer.byteLength(text), journal: goodBytes, from };
}

async function readJournal(journalPath: string): Promise<{ entries: JournalEntry[]; goodBytes: number; totalBytes: number }> {
  let buf: Buffer;
  try {
    buf = await readFile(journalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], goodBytes: 0, totalBytes: 0 };
    throw error;
  }
  const entries: JournalEntry[] = [];
  let at = 0;
  let lineNo = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    lineNo++;
    if (nl === -1) break; // a torn last line
    try {
      entries.push(JSON.parse(buf.subarray(at, nl).toString('utf8')) as JournalEntry);
    } catch {
      throw new StoreShapeError(`store.journal line ${lineNo} is damaged`);
    }
    at = nl + 1;
  }
  return { entries, goodBytes: at, totalBytes: buf.length };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
