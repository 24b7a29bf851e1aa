import { useMemo, useState, type ReactNode } from 'react';
import { EmptyState, ErrorMessage } from '../components/common.tsx';
import { formatRelative, formatTime } from '../components/format.ts';
import { useLab } from '../state/lab-store.tsx';

export function AccountsScreen(): ReactNode {
  const { accounts: all, errors } = useLab();
  const [query, setQuery] = useState('');
  const accounts = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (q === '') return all;
    return all.filter((a) => [a.principal, a.idpEntityId, a.status, ...Object.values(a.fields), ...a.groups, ...a.roles].some((v) => v.toLowerCase().includes(q)));
  }, [all, query]);
  return (
    <section className="screen" data-testid="accounts-screen">
      <div className="screen-head">
        <h1>Accounts</h1>
        <p className="muted">Local accounts created and updated by JIT provisioning ({all.length}).</p>
      </div>
      {all.length > 0 && (
        <label className="field field-inline">
          <span>Search</span>
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="principal, email, name, group, role…" data-testid="accounts-search" />
        </label>
      )}
      {errors.accounts !== undefined && <ErrorMessage message={`Could not load accounts. ${errors.accounts}`} />}
      {all.length > 0 && accounts.length === 0 ? (
        <EmptyState title="No account matches" testId="accounts-no-match">
          Nothing matches “{query}”. Clear the search to see all {all.length} accounts.
        </EmptyState>
      ) : accounts.length === 0 ? (
        <EmptyState title="No accounts yet" testId="accounts-empty">
          An account is created the first time a user's login is accepted. Click <strong>Sign in with IdP</strong> to
          provision one.
        </EmptyState>
      ) : (
        <table className="table" data-testid="accounts-list">
          <thead>
            <tr>
              <th>Principal</th>
              <th>Email</th>
              <th>Name</th>
              <th>Groups</th>
              <th className="num">Logins</th>
              <th>Last login</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => {
              const f = account.fields;
              const name = [f.firstName, f.lastName].filter((x) => x !== undefined && x !== '').join(' ');
              return (
                <tr key={account.id} data-testid="account-row" data-principal={account.principal} data-account-id={account.id}>
                  <td className="mono">
                    <a href={`#/accounts/${account.id}`} data-testid="account-link">
                      {account.principal}
                    </a>
                    {account.status === 'blocked' && <span className="badge badge-bad"> blocked</span>}
                  </td>
                  <td data-testid="account-email">{f.email ?? '—'}</td>
                  <td data-testid="account-name">
                    {name !== '' ? name : '—'}
                    {f.displayName !== undefined && f.displayName !== name && <div className="muted small">{f.displayName}</div>}
                  </td>
                  <td data-testid="account-groups">
                    {account.groups.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      account.groups.map((g) => (
                        <span key={g} className="chip">
                          {g}
                        </span>
                      ))
                    )}
                  </td>
                  <td className="num" data-testid="account-login-count">
                    {account.loginCount}
                  </td>
                  <td title={formatTime(account.lastLoginAt)}>{formatRelative(account.lastLoginAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
