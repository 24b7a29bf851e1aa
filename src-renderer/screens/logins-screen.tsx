import { useState, type ReactNode } from 'react';
import type { Verdict } from '../../src-main/contract/index.ts';
import { DiffKindBadge, VerdictBadge } from '../components/badges.tsx';
import { EmptyState, ErrorMessage } from '../components/common.tsx';
import { formatRelative, formatTime } from '../components/format.ts';
import { hrefFor } from '../hooks/use-route.ts';
import { useLab } from '../state/lab-store.tsx';

type Filter = 'all' | Verdict;

export function LoginsScreen(): ReactNode {
  const { logins, errors, idps, arrivedId } = useLab();
  const [filter, setFilter] = useState<Filter>('all');
  const shown = filter === 'all' ? logins : logins.filter((l) => l.verdict === filter);
  const idpName = (entityId: string | null): string =>
    entityId === null ? '—' : (idps.find((i) => i.entityId === entityId)?.name ?? entityId);

  return (
    <section className="screen" data-testid="logins-screen">
      <div className="screen-head">
        <h1>Logins</h1>
        <div className="segmented" role="group" aria-label="Filter by verdict">
          {(['all', 'accepted', 'rejected'] as const).map((f) => (
            <button
              key={f}
              type="button"
              className={filter === f ? 'active' : ''}
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              data-testid={`filter-${f}`}
            >
              {f === 'all' ? `All (${logins.length})` : f === 'accepted' ? 'Accepted' : 'Rejected'}
            </button>
          ))}
        </div>
      </div>
      {errors.logins !== undefined && <ErrorMessage message={`Could not load logins. ${errors.logins}`} />}
      {logins.length === 0 ? (
        <EmptyState title="No logins yet" testId="logins-empty">
          Click <strong>Sign in with IdP</strong> above to run an SP-initiated login through the active IdP, or have
          your IdP post a response to the ACS URL shown under <a href="#/sp">Service provider</a>. Every response the
          app receives — accepted or rejected — shows up here live.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title={`No ${filter} logins`}>Choose “All” to see every login.</EmptyState>
      ) : (
        <table className="table table-click" data-testid="logins-list">
          <thead>
            <tr>
              <th>Verdict</th>
              <th>User (NameID)</th>
              <th>IdP</th>
              <th>Received</th>
              <th>Account</th>
              <th>Flow</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((login) => {
              const href = hrefFor({ name: 'login', id: login.id, tab: 'summary' });
              return (
                <tr
                  key={login.id}
                  data-testid="login-row"
                  data-login-id={login.id}
                  data-verdict={login.verdict}
                  className={login.id === arrivedId ? 'row-new' : undefined}
                  onClick={() => {
                    window.location.hash = href;
                  }}
                >
                  <td>
                    <VerdictBadge verdict={login.verdict} />
                    {login.failedCheckIds.length > 0 && (
                      <span className="muted small" title={login.failedCheckIds.join(', ')}>
                        {' '}
                        {login.failedCheckIds.length} failed
                      </span>
                    )}
                  </td>
                  <td>
                    <a href={href} className="mono" onClick={(e) => e.stopPropagation()}>
                      {login.nameId ?? '(no NameID)'}
                    </a>
                  </td>
                  <td className="truncate" title={login.idpEntityId ?? ''}>
                    {idpName(login.idpEntityId)}
                  </td>
                  <td title={formatTime(login.receivedAt)}>{formatRelative(login.receivedAt)}</td>
                  <td>
                    <DiffKindBadge kind={login.diffKind} />
                  </td>
                  <td className="muted">{login.flow}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
