// Store migrations: each step takes the store as one version wrote it and returns the next version's shape.
// A store newer than this app is refused (the caller moves it aside rather than guess).
import { DEFAULT_LOGIN_RETENTION, STORE_VERSION, type StoreData } from './schema.ts';

type Raw = Record<string, unknown>;

const STEPS: Record<number, (store: Raw) => Raw> = {
  // 1 → 2: store-level settings (login retention); accounts written before JIT roles existed get `roles: []`.
  1: (store) => {
    const accounts = Array.isArray(store.accounts) ? (store.accounts as Raw[]) : [];
    return {
      ...store,
      accounts: accounts.map((a) => (Array.isArray(a.roles) ? a : { ...a, roles: [] })),
      outstanding: Array.isArray(store.outstanding) ? store.outstanding : [],
      replay: Array.isArray(store.replay) ? store.replay : [],
      demoUsers: typeof store.demoUsers === 'object' && store.demoUsers !== null ? store.demoUsers : {},
      settings: { loginRetention: DEFAULT_LOGIN_RETENTION },
      version: 2,
    };
  },
  // 2 → 3: lab sessions and Single Logout exchanges (issue 17).
  2: (store) => ({ ...store, sessions: [], sloExchanges: [], version: 3 }),
};

export class StoreShapeError extends Error {}

/** Brings a parsed store.json up to STORE_VERSION; throws StoreShapeError when it is not a store this app can read. */
export function migrate(value: unknown): { data: StoreData; from: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StoreShapeError('the file is JSON but not a SAML JIT Lab store');
  let store = value as Raw;
  const from = store.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) throw new StoreShapeError('the file is JSON but not a SAML JIT Lab store');
  if (from > STORE_VERSION) throw new StoreShapeError(`it was written by a newer version (store version ${from}, this app reads ${STORE_VERSION})`);
  for (let v = from; v < STORE_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new StoreShapeError(`there is no migration from store version ${v}`);
    store = step(store);
  }
  if (!isStoreShape(store)) throw new StoreShapeError('the file is JSON but not a SAML JIT Lab store');
  return { data: store, from };
}

function isStoreShape(value: Raw): value is Raw & StoreData {
  const settings = value.settings as Raw | undefined;
  return (
    value.version === STORE_VERSION &&
    Array.isArray(value.idps) &&
    Array.isArray(value.accounts) &&
    Array.isArray(value.logins) &&
    Array.isArray(value.outstanding) &&
    Array.isArray(value.replay) &&
    Array.isArray(value.sessions) &&
    Array.isArray(value.sloExchanges) &&
    typeof value.sp === 'object' &&
    value.sp !== null &&
    typeof settings?.loginRetention === 'number'
  );
}
