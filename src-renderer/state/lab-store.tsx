// App-wide data: loaded once at start, kept fresh by the `logins.completed` event.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Account, AppInfo, IdpProfile, LoginSummary, SpSettings } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { pushToast } from './toasts.ts';

export interface LabState {
  status: 'loading' | 'ready';
  info: AppInfo | null;
  sp: SpSettings | null;
  idps: IdpProfile[];
  logins: LoginSummary[];
  accounts: Account[];
  /** The login that arrived last through the live event (highlighted in the list). */
  arrivedId: string | null;
  /** Load errors by area, shown where that data would be. */
  errors: Partial<Record<'info' | 'sp' | 'idps' | 'logins' | 'accounts', string>>;
  refreshIdps(): Promise<void>;
  refreshLogins(): Promise<void>;
  refreshAccounts(): Promise<void>;
  refreshSp(): Promise<void>;
}

const LabContext = createContext<LabState | null>(null);

type Area = keyof LabState['errors'];

/** Newest first. A live login is almost always the newest: prepend it without re-sorting 10,000 entries. */
export function upsertLogin(list: LoginSummary[], login: LoginSummary): LoginSummary[] {
  const rest = list.some((l) => l.id === login.id) ? list.filter((l) => l.id !== login.id) : list;
  const head = rest[0];
  if (head === undefined || head.receivedAt.localeCompare(login.receivedAt) <= 0) return [login, ...rest];
  return [login, ...rest].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}

function who(login: LoginSummary): string {
  if (login.nameId !== null) return login.nameId;
  if (login.claimedNameId !== null) return `${login.claimedNameId} (unverified)`;
  return 'an unknown user';
}

function announce(login: LoginSummary): void {
  const accepted = login.verdict === 'accepted';
  pushToast({
    tone: accepted ? 'ok' : 'bad',
    title: accepted ? `Login accepted: ${who(login)}` : `Login rejected: ${who(login)}`,
    body: accepted
      ? login.diffKind === 'created'
        ? 'A new account was created.'
        : login.diffKind === 'updated'
          ? 'The account was updated.'
          : 'The account was unchanged.'
      : `${login.failedCheckIds.length} failing check${login.failedCheckIds.length === 1 ? '' : 's'}: ${login.failedCheckIds.slice(0, 3).join(', ')}${login.failedCheckIds.length > 3 ? '…' : ''}`,
    href: `#/logins/${encodeURIComponent(login.id)}`,
    actionLabel: 'Open login',
    testId: 'toast-login',
    data: { 'data-login-id': login.id, 'data-verdict': login.verdict },
  });
}

export function LabProvider({ children }: { children: ReactNode }): ReactNode {
  const [status, setStatus] = useState<LabState['status']>('loading');
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [sp, setSp] = useState<SpSettings | null>(null);
  const [idps, setIdps] = useState<IdpProfile[]>([]);
  const [logins, setLogins] = useState<LoginSummary[]>([]);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [errors, setErrors] = useState<LabState['errors']>({});
  const [arrivedId, setArrivedId] = useState<string | null>(null);

  const track = useCallback(async <T,>(area: Area, load: () => Promise<T>, apply: (value: T) => void): Promise<void> => {
    try {
      const value = await load();
      apply(value);
      setErrors((e) => {
        if (e[area] === undefined) return e;
        const next = { ...e };
        delete next[area];
        return next;
      });
    } catch (err) {
      setErrors((e) => ({ ...e, [area]: describeError(err) }));
    }
  }, []);

  const refreshIdps = useCallback(() => track('idps', () => api.call('idps.list', {}), setIdps), [track]);
  const refreshLogins = useCallback(() => track('logins', () => api.call('logins.list', {}), setLogins), [track]);
  const refreshAccounts = useCallback(() => track('accounts', () => api.call('accounts.list', {}), setAccounts), [track]);
  const refreshSp = useCallback(() => track('sp', () => api.call('sp.get', {}), setSp), [track]);

  useEffect(() => {
    let cancelled = false;
    void Promise.all([
      track('info', () => api.call('app.info', {}), setInfo),
      refreshSp(),
      refreshIdps(),
      refreshLogins(),
      refreshAccounts(),
    ]).then(() => {
      if (!cancelled) setStatus('ready');
    });
    return () => {
      cancelled = true;
    };
  }, [track, refreshSp, refreshIdps, refreshLogins, refreshAccounts]);

  useEffect(
    () =>
      api.on('logins.completed', (summary) => {
        setLogins((list) => upsertLogin(list, summary));
        setArrivedId(summary.id);
        announce(summary);
        void refreshAccounts();
      }),
    [refreshAccounts],
  );

  // Catch up on anything missed while hidden (or while the event stream was reconnecting).
  useEffect(() => {
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') {
        void refreshLogins();
        void refreshAccounts();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [refreshLogins, refreshAccounts]);

  const value = useMemo<LabState>(
    () => ({ status, info, sp, idps, logins, accounts, arrivedId, errors, refreshIdps, refreshLogins, refreshAccounts, refreshSp }),
    [status, info, sp, idps, logins, accounts, arrivedId, errors, refreshIdps, refreshLogins, refreshAccounts, refreshSp],
  );
  return <LabContext.Provider value={value}>{children}</LabContext.Provider>;
}

export function useLab(): LabState {
  const value = useContext(LabContext);
  if (value === null) throw new Error('useLab must be used inside <LabProvider>');
  return value;
}
