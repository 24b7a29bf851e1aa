import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { Check, LoginDetail } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { ChangeBadge, CheckStatusBadge, DiffKindBadge, VerdictBadge } from '../components/badges.tsx';
import { EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { formatFieldValue, formatTime } from '../components/format.ts';
import { hrefFor, LOGIN_TABS, type LoginTab } from '../hooks/use-route.ts';
import { useLab } from '../state/lab-store.tsx';

const XmlViewer = lazy(() => import('../xml/xml-viewer.tsx').then((m) => ({ default: m.XmlViewer })));

const TAB_LABEL: Record<LoginTab, string> = {
  summary: 'Summary',
  checks: 'Checks',
  xml: 'XML',
  attributes: 'Attributes',
  diff: 'Account diff',
  raw: 'Raw',
};

const STATUS_ORDER: Record<Check['status'], number> = { fail: 0, warn: 1, pass: 2 };

function sortChecks(checks: Check[]): Check[] {
  return [...checks].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

export function LoginDetailScreen({ id, tab }: { id: string; tab: LoginTab }): ReactNode {
  const { logins } = useLab();
  const [detail, setDetail] = useState<LoginDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setDetail(null);
    setError(null);
    api.call('logins.get', { id }).then(
      (value) => {
        if (!cancelled) setDetail(value);
      },
      (err: unknown) => {
        if (!cancelled) setError(describeError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id]);

  const index = logins.findIndex((l) => l.id === id);
  const newer = index > 0 ? logins[index - 1] : undefined;
  const older = index >= 0 ? logins[index + 1] : undefined;

  return (
    <section className="screen" data-testid="login-detail" data-login-id={id} data-loaded={detail !== null}>
      <div className="screen-head">
        <a href="#/logins" className="back">
          ← All logins
        </a>
        <div className="pager">
          {newer !== undefined && <a href={hrefFor({ name: 'login', id: newer.id, tab })}>← Newer</a>}
          {older !== undefined && <a href={hrefFor({ name: 'login', id: older.id, tab })}>Older →</a>}
        </div>
      </div>
      {error !== null && <ErrorMessage message={`Could not load login ${id}. ${error}`} />}
      {error === null && detail === null && <Loading what="login" />}
      {detail !== null && (
        <>
          <header className="detail-head">
            <VerdictBadge verdict={detail.verdict} testId="verdict" />
            <h1 className="mono">{detail.nameId ?? '(no NameID)'}</h1>
            <span className="muted">{formatTime(detail.receivedAt)}</span>
          </header>
          <nav className="tabs" role="tablist">
            {LOGIN_TABS.map((t) => (
              <a
                key={t}
                role="tab"
                aria-selected={t === tab}
                className={t === tab ? 'tab active' : 'tab'}
                href={hrefFor({ name: 'login', id, tab: t })}
                data-testid={`tab-${t}`}
              >
                {TAB_LABEL[t]}
                {t === 'checks' && detail.failedCheckIds.length > 0 && <span className="count bad">{detail.failedCheckIds.length}</span>}
              </a>
            ))}
          </nav>
          <div className="tab-panel" role="tabpanel">
            {tab === 'summary' && <SummaryTab detail={detail} />}
            {tab === 'checks' && <ChecksTable checks={sortChecks(detail.checks)} />}
            {tab === 'xml' && (
              <Suspense fallback={<Loading what="XML viewer" />}>
                {detail.xml === null ? (
                  <EmptyState title="No XML">The posted body could not be decoded as a SAML response.</EmptyState>
                ) : (
                  <XmlViewer xml={detail.xml} />
                )}
              </Suspense>
            )}
            {tab === 'attributes' && <AttributesTab detail={detail} />}
            {tab === 'diff' && <DiffTab detail={detail} />}
          </div>
        </>
      )}
    </section>
  );
}

function SummaryTab({ detail }: { detail: LoginDetail }): ReactNode {
  const { accounts } = useLab();
  const account = detail.accountId === null ? undefined : accounts.find((a) => a.id === detail.accountId);
  const failing = detail.checks.filter((c) => c.status === 'fail');
  const warnings = detail.checks.filter((c) => c.status === 'warn');
  const passed = detail.checks.length - failing.length - warnings.length;
  return (
    <div className="summary" data-testid="summary">
      <div className={`verdict-panel ${detail.verdict}`}>
        <strong>{detail.verdict === 'accepted' ? 'Login accepted' : 'Login rejected'}</strong>
        <span>
          {failing.length} failed · {warnings.length} warnings · {passed} passed
        </span>
      </div>
      {failing.length > 0 && (
        <>
          <h2>Failing checks</h2>
          <ChecksTable checks={failing} />
        </>
      )}
      {warnings.length > 0 && (
        <>
          <h2>Warnings</h2>
          <ChecksTable checks={warnings} />
        </>
      )}
      <h2>Details</h2>
      <dl className="facts">
        <dt>NameID</dt>
        <dd className="mono" data-testid="summary-nameid">
          {detail.nameId ?? '—'}
        </dd>
        <dt>NameID format</dt>
        <dd className="mono">{detail.nameIdFormat ?? '—'}</dd>
        <dt>IdP</dt>
        <dd className="mono">{detail.idpEntityId ?? '—'}</dd>
        <dt>Received</dt>
        <dd>{formatTime(detail.receivedAt)}</dd>
        <dt>Flow</dt>
        <dd>{detail.flow}</dd>
        <dt>Account</dt>
        <dd>
          <DiffKindBadge kind={detail.diff.kind} />{' '}
          {detail.accountId !== null && (
            <a href="#/accounts" className="mono" title={detail.accountId} data-testid="summary-account">
              {account?.principal ?? detail.accountId}
            </a>
          )}
        </dd>
        <dt>Session index</dt>
        <dd className="mono">{detail.sessionIndex ?? '—'}</dd>
        <dt>RelayState</dt>
        <dd className="mono">{detail.relayState ?? '—'}</dd>
        <dt>HTTP</dt>
        <dd className="mono">
          {detail.http.method} {detail.http.contentType ?? ''} · {detail.http.bytes} bytes · answered {detail.http.status}
        </dd>
      </dl>
    </div>
  );
}

function ChecksTable({ checks }: { checks: Check[] }): ReactNode {
  if (checks.length === 0) return <EmptyState title="No checks were run">The response could not be parsed far enough to check it.</EmptyState>;
  return (
    <table className="table checks" data-testid="checks-list">
      <colgroup>
        <col className="col-status" />
        <col />
        <col className="col-value" />
        <col className="col-value" />
      </colgroup>
      <thead>
        <tr>
          <th>Status</th>
          <th>Check</th>
          <th>Expected</th>
          <th>Received</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((check) => (
          <tr key={check.id} data-testid="check-row" data-check-id={check.id} data-status={check.status} className={`row-${check.status}`}>
            <td>
              <CheckStatusBadge status={check.status} />
            </td>
            <td>
              <div>{check.title}</div>
              <div className="mono small muted" data-testid="check-id">
                {check.id}
              </div>
              {check.hint !== null && check.status !== 'pass' && (
                <div className="hint" data-testid="check-hint">
                  {check.hint}
                </div>
              )}
            </td>
            <td className="mono small wrap">{check.expected ?? '—'}</td>
            <td className="mono small wrap">{check.received ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AttributesTab({ detail }: { detail: LoginDetail }): ReactNode {
  if (detail.attributes.length === 0) {
    return (
      <EmptyState title="No attributes in this response">
        Configure the IdP to release attributes (email, first and last name, groups) to this SP’s entity ID.
      </EmptyState>
    );
  }
  return (
    <table className="table" data-testid="attributes-list">
      <thead>
        <tr>
          <th>Name</th>
          <th>Friendly name</th>
          <th>Values</th>
        </tr>
      </thead>
      <tbody>
        {detail.attributes.map((a) => (
          <tr key={a.name} data-testid="attribute-row" data-name={a.name}>
            <td className="mono small wrap" title={a.nameFormat ?? undefined}>
              {a.name}
            </td>
            <td>{a.friendlyName ?? '—'}</td>
            <td>
              {a.values.length === 0 ? (
                <span className="muted">(no values)</span>
              ) : (
                a.values.map((v, i) => (
                  <span key={i} className="chip mono">
                    {v}
                  </span>
                ))
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const KIND_TEXT: Record<LoginDetail['diff']['kind'], string> = {
  created: 'This login created a new account.',
  updated: 'This login updated an existing account.',
  unchanged: 'This login matched an existing account and changed nothing.',
  rejected: 'The login was rejected, so no account was created or changed.',
};

function DiffTab({ detail }: { detail: LoginDetail }): ReactNode {
  const { diff } = detail;
  return (
    <div data-testid="diff">
      <p className="diff-head">
        <DiffKindBadge kind={diff.kind} testId="diff-kind" /> {KIND_TEXT[diff.kind]}
      </p>
      {diff.changes.length === 0 ? (
        <EmptyState title="No field changes">
          {diff.kind === 'rejected' ? 'Fix the failing checks on the Summary tab and sign in again.' : 'No mapped attributes were found.'}
        </EmptyState>
      ) : (
        <table className="table" data-testid="diff-list">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th />
              <th>After</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {diff.changes.map((c) => (
              <tr key={c.field} data-testid="diff-row" data-field={c.field} data-change={c.change} className={`change-${c.change}`}>
                <td className="mono">{c.field}</td>
                <td className="before" data-testid="diff-before">
                  {formatFieldValue(c.before)}
                </td>
                <td className="muted">→</td>
                <td className="after" data-testid="diff-after">
                  {formatFieldValue(c.after)}
                </td>
                <td>
                  <ChangeBadge change={c.change} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
