// One account: its fields, groups, roles and status now, and the timeline of every login that touched it with
// the diff each one caused.
import { useState, type ReactNode } from 'react';
import { VerdictBadge } from '../components/badges.tsx';
import { ErrorMessage, Loading } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import { DiffView } from '../rules/diff-view.tsx';
import { useCall } from '../hooks/use-call.ts';
import { SessionActions } from './sessions-screen.tsx';
import { useLab } from '../state/lab-store.tsx';
import { DeleteAccount } from './delete-account.tsx';

export function AccountDetailScreen({ id }: { id: string }): ReactNode {
  const { logins } = useLab();
  // Reload when a login arrives (it may have touched this account); the account stays shown while it reloads.
  const latest = logins[0]?.id;
  const detail = useCall('accounts.get', { id }, `${id}/${latest ?? ''}`, { keepValue: true });

  if (detail.kind === 'error') return <ErrorMessage message={`Could not load account ${id}. ${detail.message}`} />;
  if (detail.kind === 'loading') return <Loading what="account" />;
  const { account, timeline } = detail.value;
  return (
    <section className="screen" data-testid="account-detail" data-account-id={account.id}>
      <div className="screen-head">
        <a href="#/accounts" className="back">
          ← All accounts
        </a>
      </div>
      <header className="detail-head">
        <span className={`badge ${account.status === 'active' ? 'badge-ok' : 'badge-bad'}`} data-testid="account-status">
          {account.status}
        </span>
        <h1 className="mono">{account.principal}</h1>
        <span className="muted">from {account.idpEntityId}</span>
      </header>
      <div className="card">
        <h2>Now</h2>
        <table className="table compact" data-testid="account-fields">
          <tbody>
            {Object.entries(account.fields).map(([field, value]) => (
              <tr key={field} data-field={field}>
                <th className="mono">{field}</th>
                <td>{value}</td>
              </tr>
            ))}
            <tr data-field="groups">
              <th className="mono">groups</th>
              <td>{account.groups.length === 0 ? <span className="muted">none</span> : account.groups.map((g) => <span key={g} className="chip">{g}</span>)}</td>
            </tr>
            <tr data-field="roles">
              <th className="mono">roles</th>
              <td data-testid="account-roles">{account.roles.length === 0 ? <span className="muted">none</span> : account.roles.map((r) => <span key={r} className="chip">{r}</span>)}</td>
            </tr>
          </tbody>
        </table>
        <p className="muted small">
          Created {formatTime(account.createdAt)} · last login {formatTime(account.lastLoginAt)} · {account.loginCount} login{account.loginCount === 1 ? '' : 's'}
        </p>
      </div>
      <AccountSessions accountId={account.id} refreshKey={latest ?? ''} />
      <DeleteAccount account={account} />
      <h2>Timeline</h2>
      <ol className="timeline" data-testid="account-timeline">
        {timeline.map(({ login, diff }) => (
          <li key={login.id} className="card" data-testid="timeline-entry" data-login-id={login.id} data-diff-kind={diff.kind}>
            <p>
              <VerdictBadge verdict={login.verdict} /> <a href={`#/logins/${login.id}`}>{formatTime(login.receivedAt)}</a>{' '}
              <span className="muted small">{login.flow}</span>
            </p>
            <DiffView diff={diff} testId="timeline-diff" />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The account's live sessions, each with "Log out" (SP-initiated Single Logout) and "End". */
function AccountSessions({ accountId, refreshKey }: { accountId: string; refreshKey: string }): ReactNode {
  const [generation, setGeneration] = useState(0);
  const sessions = useCall('sessions.list', { accountId, state: 'live' }, `${accountId}/${refreshKey}/${generation}`);
  if (sessions.kind !== 'ready' || sessions.value.length === 0) return null;
  return (
    <div className="card" data-testid="account-sessions">
      <h2>Live sessions</h2>
      <ul className="timeline">
        {sessions.value.map((s) => (
          <li key={s.id} data-testid="session-row" data-session-id={s.id}>
            <span className="mono small">{s.sessionIndex ?? 'no SessionIndex'}</span> <span className="muted small">since {formatTime(s.startedAt)}</span>{' '}
            <SessionActions session={s} onChanged={() => setGeneration((g) => g + 1)} />
          </li>
        ))}
      </ul>
    </div>
  );
}
