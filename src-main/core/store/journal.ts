// What changed in the store since it was last persisted, as one journal line, without rewriting everything.
//
// Records of the keyed collections (accounts, logins, outstanding requests, replay entries) are compared with what
// was last written: by identity first, then by their own properties and one level below (an account's `fields`,
// `groups`, `roles`…), so `Object.assign(account, …)`, `account.groups.push(…)` and `account.fields.x = …` are all
// seen. Changing something two levels down in place (e.g. an object inside a login's `checks`) is not: replace
// the record instead. Everything else at the top level (sp, idps, settings…) is small and compared as JSON.
// Each record's JSON is cached, so a full snapshot is a concatenation, not a re-serialization.
import type { StoreData } from './schema.ts';

export const KEYED = ['accounts', 'logins', 'outstanding', 'replay'] as const;
export type KeyedCollection = (typeof KEYED)[number];

type AnyRecord = Record<string, unknown>;

const KEY_OF: Record<KeyedCollection, (r: AnyRecord) => string> = {
  accounts: (r) => String(r.id),
  logins: (r) => String(r.id),
  outstanding: (r) => String(r.id),
  replay: (r) => `${String(r.idpEntityId)}\u0000${String(r.assertionId)}`,
};

/** One line of store.journal. Applying it twice gives the same store (puts and deletes are by key). */
export interface JournalEntry {
  set?: Record<string, unknown>;
  put?: Partial<Record<KeyedCollection, AnyRecord[]>>;
  del?: Partial<Record<KeyedCollection, string[]>>;
}

interface Tracked {
  key: string;
  ref: AnyRecord;
  sig: unknown[];
  json: string;
}

interface CollectionState {
  list: Tracked[];
  byKey: Map<string, Tracked>;
}

const END = Symbol('end');

function sigOf(o: AnyRecord): unknown[] {
  const s: unknown[] = [];
  for (const k in o) {
    const v = o[k];
    s.push(k, v);
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        s.push(v.length);
        for (const x of v) s.push(x);
      } else {
        const inner = v as AnyRecord;
        for (const kk in inner) s.push(kk, inner[kk]);
        s.push(END);
      }
    }
  }
  s.push(END);
  return s;
}

function sameSig(o: AnyRecord, s: unknown[]): boolean {
  let j = 0;
  for (const k in o) {
    const v = o[k];
    if (s[j++] !== k || s[j++] !== v) return false;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        if (s[j++] !== v.length) return false;
        for (const x of v) if (s[j++] !== x) return false;
      } else {
        const inner = v as AnyRecord;
        for (const kk in inner) if (s[j++] !== kk || s[j++] !== inner[kk]) return false;
        if (s[j++] !== END) return false;
      }
    }
  }
  return s[j] === END && j === s.length - 1;
}

interface Pending {
  line: string | null;
  commit(): void;
}

export class ChangeTracker {
  private readonly collections = new Map<KeyedCollection, CollectionState>();
  private blobs = new Map<string, string>();

  /** Starts from `data` as already persisted. */
  constructor(data: StoreData) {
    for (const c of KEYED) {
      const list = (data[c] as unknown as AnyRecord[]).map((ref) => ({ key: KEY_OF[c](ref), ref, sig: sigOf(ref), json: JSON.stringify(ref) }));
      this.collections.set(c, { list, byKey: new Map(list.map((t) => [t.key, t])) });
    }
    for (const k of blobKeys(data)) this.blobs.set(k, JSON.stringify((data as unknown as AnyRecord)[k]));
  }

  /** The journal line for everything changed since the last commit (null when nothing changed). */
  diff(data: StoreData): Pending {
    const parts: string[] = [];
    const set: Record<string, string> = {};
    const nextBlobs = new Map(this.blobs);
    for (const k of blobKeys(data)) {
      const json = JSON.stringify((data as unknown as AnyRecord)[k]);
      if (this.blobs.get(k) !== json) {
        set[k] = json;
        nextBlobs.set(k, json);
      }
    }
    const setKeys = Object.keys(set);
    if (setKeys.length > 0) parts.push(`"set":{${setKeys.map((k) => `${JSON.stringify(k)}:${set[k]}`).join(',')}}`);

    const puts: string[] = [];
    const dels: string[] = [];
    const updates: { c: KeyedCollection; list: Tracked[]; put: Tracked[]; del: string[] }[] = [];
    for (const c of KEYED) {
      const state = this.collections.get(c)!;
      const records = data[c] as unknown as AnyRecord[];
      const list: Tracked[] = new Array(records.length);
      const put: Tracked[] = [];
      let aligned = records.length >= state.list.length;
      for (let i = 0; i < records.length; i++) {
        const ref = records[i]!;
        let t: Tracked | undefined = aligned ? state.list[i] : undefined;
        if (!t || t.ref !== ref) {
          aligned = false;
          t = state.byKey.get(KEY_OF[c](ref));
        }
        if (t && t.ref === ref && sameSig(ref, t.sig)) {
          list[i] = t;
          continue;
        }
        const json = JSON.stringify(ref);
        const next: Tracked = { key: KEY_OF[c](ref), ref, sig: sigOf(ref), json };
        list[i] = next;
        if (t && t.key !== next.key) aligned = false;
        if (!t || t.json !== json || t.key !== next.key) put.push(next);
      }
      const del: string[] = [];
      if (!aligned || records.length !== state.list.length) {
        const live = new Set(list.map((t) => t.key));
        for (const t of state.list) if (!live.has(t.key)) del.push(t.key);
      }
      updates.push({ c, list, put, del });
      if (put.length > 0) puts.push(`${JSON.stringify(c)}:[${put.map((t) => t.json).join(',')}]`);
      if (del.length > 0) dels.push(`${JSON.stringify(c)}:${JSON.stringify(del)}`);
    }
    if (puts.length > 0) parts.push(`"put":{${puts.join(',')}}`);
    if (dels.length > 0) parts.push(`"del":{${dels.join(',')}}`);
    return {
      line: parts.length > 0 ? `{${parts.join(',')}}` : null,
      commit: () => {
        this.blobs = nextBlobs;
        for (const u of updates) {
          const state = this.collections.get(u.c)!;
          for (const key of u.del) state.byKey.delete(key);
          for (const t of u.list) if (state.byKey.get(t.key) !== t) state.byKey.set(t.key, t);
          state.list = u.list;
        }
      },
    };
  }

  /** The whole store as JSON (store.json), reusing each unchanged record's cached JSON. */
  snapshot(data: StoreData): Pending {
    const pending = this.diff(data);
    pending.commit();
    const fields: string[] = [];
    for (const k of Object.keys(data)) {
      const c = k as KeyedCollection;
      if ((KEYED as readonly string[]).includes(k)) fields.push(`${JSON.stringify(k)}:[${this.collections.get(c)!.list.map((t) => t.json).join(',')}]`);
      else if (this.blobs.has(k)) fields.push(`${JSON.stringify(k)}:${this.blobs.get(k)!}`);
      else if (k === 'version') fields.push(`"version":${JSON.stringify(data.version)}`);
    }
    return { line: `{${fields.join(',')}}`, commit: () => {} };
  }
}

function blobKeys(data: StoreData): string[] {
  return Object.keys(data).filter((k) => k !== 'version' && !(KEYED as readonly string[]).includes(k) && (data as unknown as AnyRecord)[k] !== undefined);
}

/** Applies journal entries, in order, to a store read from store.json. */
export function applyJournal(data: StoreData, entries: JournalEntry[]): void {
  if (entries.length === 0) return;
  const target = data as unknown as AnyRecord;
  const maps = new Map<KeyedCollection, Map<string, AnyRecord>>();
  const mapOf = (c: KeyedCollection): Map<string, AnyRecord> => {
    let m = maps.get(c);
    if (!m) {
      m = new Map((target[c] as AnyRecord[]).map((r) => [KEY_OF[c](r), r]));
      maps.set(c, m);
    }
    return m;
  };
  for (const entry of entries) {
    for (const [k, v] of Object.entries(entry.set ?? {})) target[k] = v;
    for (const c of KEYED) {
      for (const r of entry.put?.[c] ?? []) mapOf(c).set(KEY_OF[c](r), r);
      for (const key of entry.del?.[c] ?? []) mapOf(c).delete(key);
    }
  }
  for (const [c, m] of maps) target[c] = [...m.values()];
}
