// Lab sessions (one per accepted login) and Single Logout: log a live session out at its IdP (SP-initiated: the
// browser goes to /saml/logout, the IdP answers at /saml/slo, whose page links back here with ?slo=ID), end one by
// hand, and every logout exchange with its slo.* checks and messages, like a login.
import { useEffect, useState, type ReactNode } from 'react';
import type { Session, SloSummary } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { VerdictBadge } from '../components/badges.tsx';
import { EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import { useCall } from '../hooks/use-call.ts';
import { useLab } from '../state/lab-store.tsx';
import { ChecksTable } from './login-detail-screen.tsx';

const ENDED_BY: Record<NonNullable<Session['endedBy']>, string> = {
  'sp-logout': 'Single Logout from the lab',
  'idp-logout': 'Single Logout from the IdP',
  expiry: 'SessionNotOnOrAfter passed',
  hand: 'ended by hand',
};

const shortStatus = (status: string | null): string => (status === null ? '—' : (status.split(':').pop() ?? status));

/** "Log out" (SP-initiated SLO) and "End" buttons for one live session. */
export function SessionActions({ session, onChanged }: { session: Session; onChanged(): void }): ReactNode {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'opened' } | { kind: 'error'; message: string }>({ kind: 'idle' });
  const logout = async (): Promise<void> => {
    setState({ kind: 'busy' });
    try {
      const { url, opened } = await api.call('sessions.logout', { id: session.id });
      if (opened) setState({ kind: 'opened' });
      else window.location.assign(url);
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };
  const end = async (): Promise<void> => {
    setState({ kind: 'busy' });
    try {
      await api.call('sessions.end', { id: session.id });
      setState({ kind: 'idle' });
      onChanged();
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };
  return (
    <span className="actions">
      <button type="button" className="btn btn-primary btn-small" data-testid="session-logout" disabled={state.kind === 'busy'} onClick={() => void logout()} title="Send a signed LogoutRequest to the IdP and verify its LogoutResponse">
        Log out
      </button>{' '}
      <button type="button" className="btn btn-small" data-testid="session-end" disabled={state.kind === 'busy'} onClick={() => void end()} title="End the lab session without telling the IdP">
        End
      </button>
      {state.kind === 'opened' && <span className="muted small"> The logout runs in the login window.</span>}
      {state.kind === 'error' && <ErrorMessage message={state.message} testId="session-action-error" />}
    </span>
  );
}

export function SessionsScreen({ sloId }: { sloId: string | null }): ReactNode {
  const { logins } = useLab();
  // Reload when a login arrives (it opened a session).
  const latest = logins[0]?.id ?? '';
  const [generation, setGeneration] = useState(0);
  const sessions = useCall('sessions.list', {}, `${latest}/${generation}`);
  const exchanges = useCall('slo.list', { limit: 200 }, `${latest}/${generation}`);
  const reload = (): void => setGeneration((g) => g + 1);
  // An IdP-initiated logout (in another window or tab) ends sessions while this screen is shown.
  useEffect(() => api.on('slo.completed', () => setGeneration((g) => g + 1)), []);

  return (
    <section className="screen" data-testid="sessions-screen">
      <div className="screen-head">
        <h1>Sessions</h1>
        <button type="button" className="btn btn-small" onClick={reload} data-testid="sessions-refresh">
          Refresh
        </button>
      </div>
      <p className="muted">
        Every accepted login opens a session. <strong>Log out</strong> sends a signed LogoutRequest (the session&apos;s NameID and SessionIndex) to the
        IdP&apos;s SingleLogoutService and verifies the LogoutResponse; an IdP can log a session out by sending its LogoutRequest to{' '}
        <span className="mono">/saml/slo</span>. Sessions also end at their SessionNotOnOrAfter, or by hand.
      </p>
      {sloId !== null && <SloDetailCard id={sloId} />}
      {sessions.kind === 'loading' ? (
        <Loading what="sessions" />
      ) : sessions.kind === 'error' ? (
        <ErrorMessage message={`Could not load the sessions. ${sessions.message}`} />
      ) : (
        <SessionTables sessions={sessions.value} onChanged={reload} />
      )}
      <h2>Logout exchanges</h2>
      {exchanges.kind === 'loading' ? (
        <Loading what="logout exchanges" />
      ) : exchanges.kind === 'error' ? (
        <ErrorMessage message={`Could not load the logout exchanges. ${exchanges.message}`} />
      ) : (
        <ExchangeTable exchanges={exchanges.value} selected={sloId} />
      )}
    </section>
  );
}

function SessionTables({ sessions, onChanged }: { sessions: Session[]; onChanged(): void }): ReactNode {
  const live = sessions.filter((s) => s.state === 'live');
  const ended = sessions.filter((s) => s.state === 'ended');
  return (
    <>
      <h2>Live</h2>
      {live.length === 0 ? (
        <EmptyState title="No live sessions" testId="sessions-empty">
          Sign in with an IdP to open one.
        </EmptyState>
      ) : (
        <table className="table" data-testid="sessions-live">
          <thead>
            <tr>
              <th scope="col">User (NameID)</th>
              <th scope="col">IdP</th>
              <th scope="col">SessionIndex</th>
              <th scope="col">Started</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {live.map((s) => (
              <tr key={s.id} data-testid="session-row" data-session-id={s.id} data-state={s.state}>
                <td>
                  <a href={`#/accounts/${s.accountId}`} className="mono">
                    {s.nameId}
                  </a>
                  <div className="muted small mono">{s.nameIdFormat?.split(':').pop() ?? 'no Format'}</div>
                </td>
                <td className="mono small wrap">{s.idpEntityId}</td>
                <td className="mono small wrap">{s.sessionIndex ?? <span className="muted">none</span>}</td>
                <td>
                  <a href={`#/logins/${s.loginId}`}>{formatTime(s.startedAt)}</a>
                </td>
                <td>{s.notOnOrAfter === null ? <span className="muted">not limited</span> : formatTime(s.notOnOrAfter)}</td>
                <td>
                  <SessionActions session={s} onChanged={onChanged} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ended.length > 0 && (
        <>
          <h2>Ended</h2>
          <table className="table compact" data-testid="sessions-ended">
            <thead>
              <tr>
                <th scope="col">User (NameID)</th>
                <th scope="col">IdP</th>
                <th scope="col">Ended</th>
                <th scope="col">How</th>
              </tr>
            </thead>
            <tbody>
              {ended.map((s) => (
                <tr key={s.id} data-testid="session-row" data-session-id={s.id} data-state={s.state} data-ended-by={s.endedBy ?? ''}>
                  <td className="mono">{s.nameId}</td>
                  <td className="mono small wrap">{s.idpEntityId}</td>
                  <td>{s.endedAt === null ? '—' : formatTime(s.endedAt)}</td>
                  <td>
                    {s.endedBy === null ? '—' : ENDED_BY[s.endedBy]}
                    {s.sloId !== null && (
                      <>
                        {' '}
                        · <a href={`#/sessions?slo=${encodeURIComponent(s.sloId)}`}>the exchange</a>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

function ExchangeTable({ exchanges, selected }: { exchanges: SloSummary[]; selected: string | null }): ReactNode {
  if (exchanges.length === 0) return <EmptyState title="No logout yet" testId="slo-empty" />;
  return (
    <table className="table compact" data-testid="slo-list">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Direction</th>
          <th scope="col">Verdict</th>
          <th scope="col">Status</th>
          <th scope="col">Failed checks</th>
        </tr>
      </thead>
      <tbody>
        {exchanges.map((x) => (
          <tr key={x.id} data-testid="slo-row" data-slo-id={x.id} data-verdict={x.verdict ?? 'pending'} className={x.id === selected ? 'selected' : ''}>
            <td>
              <a href={`#/sessions?slo=${encodeURIComponent(x.id)}`}>{formatTime(x.startedAt)}</a>
            </td>
            <td>
              {x.flow === 'sp-initiated' ? 'lab → IdP' : 'IdP → lab'} <span className="muted small">{x.binding ?? ''}</span>
            </td>
            <td>{x.verdict === null ? <span className="badge">pending</span> : <VerdictBadge verdict={x.verdict} />}</td>
            <td className="mono small">{shortStatus(x.status)}</td>
            <td className="mono small wrap">{x.failedCheckIds.join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SloDetailCard({ id }: { id: string }): ReactNode {
  const detail = useCall('slo.get', { id }, id);
  if (detail.kind === 'loading') return <Loading what="the logout exchange" />;
  if (detail.kind === 'error') return <ErrorMessage message={`Could not load logout exchange ${id}. ${detail.message}`} />;
  const x = detail.value;
  const title =
    x.state === 'pending'
      ? 'Waiting for the IdP\'s LogoutResponse'
      : x.flow === 'sp-initiated'
        ? x.verdict === 'accepted'
          ? 'Logged out: the IdP\'s LogoutResponse is verified'
          : 'The LogoutResponse did not verify'
        : x.verdict === 'accepted'
          ? 'The IdP\'s LogoutRequest is verified; the session ended'
          : 'The IdP\'s LogoutRequest was refused';
  return (
    <div className="card" data-testid="slo-detail" data-slo-id={x.id} data-verdict={x.verdict ?? 'pending'}>
      <h2>{title}</h2>
      <p className="muted small">
        {x.flow === 'sp-initiated' ? 'SP-initiated' : 'IdP-initiated'} · {x.binding ?? 'no binding'} · started {formatTime(x.startedAt)}
        {x.completedAt !== null && <> · completed {formatTime(x.completedAt)}</>} · status <span className="mono">{shortStatus(x.status)}</span>
        {x.statusMessage !== null && <> — {x.statusMessage}</>}
      </p>
      {x.checks.length > 0 && <ChecksTable checks={x.checks} testId="slo-checks" />}
      {x.requestXml !== null && (
        <details>
          <summary>LogoutRequest</summary>
          <pre className="mono small wrap" data-testid="slo-request-xml">
            {x.requestXml}
          </pre>
        </details>
      )}
      {x.responseXml !== null && (
        <details>
          <summary>LogoutResponse</summary>
          <pre className="mono small wrap" data-testid="slo-response-xml">
            {x.responseXml}
          </pre>
        </details>
      )}
    </div>
  );
}
