// lowdb-backed store. lowdb rewrites the whole file on every write, so writes are coalesced: any number of
// changes made while a write is in flight go out together in the next one, and `flush()` resolves only once a
// write that includes the caller's changes is on disk (an ACS acknowledges a login only after that).
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { LabError } from '../errors.ts';
import { STORE_VERSION, emptyStore, type StoreData } from './schema.ts';

export interface StoreOpenResult {
  store: StoreService;
  /** Set when an unreadable store was moved aside; shown to the person as a banner. */
  notice: string | null;
}

export class StoreService {
  readonly data: StoreData;
  readonly path: string;
  private readonly db: Low<StoreData>;
  private requested = 0;
  private written = 0;
  private inflight: Promise<void> | null = null;

  private constructor(db: Low<StoreData>, path: string) {
    this.db = db;
    this.data = db.data;
    this.path = path;
  }

  static async open(dataDir: string, clock: () => Date): Promise<StoreOpenResult> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, 'store.json');
    const adapter = new JSONFile<StoreData>(path);
    let notice: string | null = null;
    let data: StoreData | null = null;
    try {
      data = await adapter.read();
      if (data !== null && !isStoreShape(data)) throw new Error('the file is JSON but not a SAML JIT Lab store');
      if (data !== null && data.version > STORE_VERSION) {
        throw new Error(`it was written by a newer version (store version ${data.version}, this app reads ${STORE_VERSION})`);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const aside = `${path}.corrupt-${clock().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, aside);
      notice = `The store could not be read (${firstLine(reason)}). It was moved to ${aside} and the app started empty.`;
      data = null;
    }
    const db = new Low<StoreData>(adapter, emptyStore());
    db.data = data ?? emptyStore();
    const store = new StoreService(db, path);
    if (data === null) await store.flush();
    return { store, notice };
  }

  /** Persists everything changed so far. Concurrent callers share writes. */
  async flush(): Promise<void> {
    const want = ++this.requested;
    while (this.written < want) {
      if (!this.inflight) {
        const target = this.requested;
        this.inflight = this.db
          .write()
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
}

function isStoreShape(value: unknown): value is StoreData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.version === 'number' &&
    Array.isArray(v.idps) &&
    Array.isArray(v.accounts) &&
    Array.isArray(v.logins) &&
    typeof v.sp === 'object' &&
    v.sp !== null
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
