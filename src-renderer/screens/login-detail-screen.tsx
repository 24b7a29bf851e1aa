// One login in tabs: Summary (failing checks first, each with its fix), Checks, XML, Attributes, Account diff, Raw.
import { lazy, Suspense, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Check, LoginDetail, LoginSummary } from '../../src-main/contract/index.ts';
import { ChangeBadge, CheckStatusBadge, DiffKindBadge, VerdictBadge } from '../components/badges.tsx';
import { CopyButton, EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { formatFieldValue, formatTime } from '../components/format.ts';
import { useLoginDetail } from '../hooks/use-login-detail.ts';
import { hrefFor, LOGIN_TABS, navigate, type LoginTab } from '../hooks/use-route.ts';
import { useLab } from '../state/lab-store.tsx';
import { CoverageView } from '../rules/coverage-view.tsx';
import { WhatIfTab } from './whatif-tab.tsx';
import { RequestTab, TargetsTab } from './login-extra-tabs.tsx';

const XmlViewer = lazy(() => import('../xml/xml-viewer.tsx').then((m) => ({ default: m.XmlViewer })));

const TAB_LABEL: Record<LoginTab, string> = {
  summary: 'Summary',
  checks: 'Checks',
  xml: 'XML',
  attributes: 'Attributes',
  diff: 'Account diff',
  whatif: 'What if',
  raw: 'Raw',
  targets: 'Would your SP accept this?',
  request: 'Request',
};

const STATUS_ORDER: Record<Check['status'], number> = { fail: 0, warn: 1, pass: 2 };

export function sortChecks(checks: Check[]): Check[] {
  return [...checks].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

/** The previous login of the same user (verified or claimed NameID), for "compare with previous". */
export function previousOfSameUser(logins: LoginSummary[], login: LoginSummary): LoginSummary | undefined {
  const user = login.nameId ?? login.claimedNameId;
  if (user === null) return undefined;
  const index = logins.findIndex((l) => l.id === login.id);
  for (let i = index + 1; i > 0 && i < logins.length; i++) {
    const other = logins[i];
    if (other !== undefined && (other.nameId ?? other.claimedNameId) === user) return other;
  }
  return undefined;
}

export function LoginDetailScreen({ id, tab }: { id: string; tab: LoginTab }): ReactNode {
  const { logins, idps } = useLab();
  const state = useLoginDetail(id);
  const detail = state.kind === 'ready' ? state.detail : null;

  const index = logins.findIndex((l) => l.id === id);
  const newer = index > 0 ? logins[index - 1] : undefined;
  const older = index >= 0 ? logins[index + 1] : undefined;
  const previous = detail !== null ? previousOfSameUser(logins, detail) : undefined;
  const idpName = detail?.idpEntityId == null ? null : (idps.find((i) => i.entityId === detail.idpEntityId)?.name ?? detail.idpEntityId);

  const onTabKey = (e: KeyboardEvent<HTMLElement>): void => {
    const at = LOGIN_TABS.indexOf(tab);
    let next: number;
    if (e.key === 'ArrowRight') next = (at + 1) % LOGIN_TABS.length;
    else if (e.key === 'ArrowLeft') next = (at - 1 + LOGIN_TABS.length) % LOGIN_TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = LOGIN_TABS.length - 1;
    else return;
    e.preventDefault();
    const target = LOGIN_TABS[next];
    if (target === undefined) return;
    navigate({ name: 'login', id, tab: target });
    window.requestAnimationFrame(() => document.getElementById(`tab-${target}`)?.focus());
  };

  return (
    <section className="screen" data-testid="login-detail" data-login-id={id} data-loaded={detail !== null}>
      <div className="screen-head">
        <a href="#/logins" className="back">
          ← All logins
        </a>
        <div className="pager">
          {previous !== undefined && (
            <a href={hrefFor({ name: 'compare', a: previous.id, b: id })} data-testid="compare-previous">
              Compare with this user’s previous login
            </a>
          )}
          {newer !== undefined && (
            <a href={hrefFor({ name: 'login', id: newer.id, tab })} data-testid="login-newer">
              ← Newer
            </a>
          )}
          {older !== undefined && (
            <a href={hrefFor({ name: 'login', id: older.id, tab })} data-testid="login-older">
              Older →
            </a>
          )}
        </div>
      </div>
      {state.kind === 'error' && (
        <ErrorMessage message={`Could not load login ${id}. ${state.message} Go back to the list and pick another login, or reload if the app was restarted.`} />
      )}
      {state.kind === 'loading' && <Loading what="login" />}
      {detail !== null && (
        <>
          <header className="detail-head">
            <VerdictBadge verdict={detail.verdict} testId="verdict" />
            <h1 className="mono" data-testid="detail-user">
              {detail.nameId ?? detail.claimedNameId ?? '(no NameID)'}
            </h1>
            {detail.nameId === null && detail.claimedNameId !== null && (
              <span className="badge badge-warn" title="Read from a response that failed verification: not proof of who sent it" data-testid="detail-unverified">
                claimed, unverified
              </span>
            )}
            <span className="muted">
              {formatTime(detail.receivedAt)}
              {idpName !== null && ` · ${idpName}`}
            </span>
          </header>
          <nav className="tabs" role="tablist" aria-label="Login details" onKeyDown={onTabKey}>
            {LOGIN_TABS.map((t) => (
              <a
                key={t}
                id={`tab-${t}`}
                role="tab"
                aria-selected={t === tab}
                aria-controls="login-tabpanel"
                tabIndex={t === tab ? 0 : -1}
                className={t === tab ? 'tab active' : 'tab'}
                href={hrefFor({ name: 'login', id, tab: t })}
                data-testid={`tab-${t}`}
              >
                {TAB_LABEL[t]}
                {t === 'checks' && detail.failedCheckIds.length > 0 && (
                  <span className="count bad" aria-label={`${detail.failedCheckIds.length} failing`}>
                    {detail.failedCheckIds.length}
                  </span>
                )}
                {t === 'attributes' && <span className="count muted-count">{detail.attributes.length}</span>}
              </a>
            ))}
          </nav>
          <div className="tab-panel" role="tabpanel" id="login-tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === 'summary' && <SummaryTab detail={detail} idpName={idpName} />}
            {tab === 'checks' && <ChecksTab checks={detail.checks} />}
            {tab === 'xml' &&
              (detail.xml === null ? (
                <EmptyState title="No XML">
                  The posted body could not be decoded as a SAML response. The Raw tab shows what was posted.
                </EmptyState>
              ) : (
                <Suspense fallback={<Loading what="XML viewer" />}>
                  <XmlViewer xml={detail.xml} decryptedXml={detail.decryptedXml} checks={detail.checks} />
                </Suspense>
              ))}
            {tab === 'attributes' && <AttributesTab detail={detail} />}
            {tab === 'diff' && <DiffTab detail={detail} />}
            {tab === 'whatif' && <WhatIfTab detail={detail} />}
            {tab === 'raw' && <RawTab detail={detail} />}
            {tab === 'targets' && <TargetsTab key={detail.id} id={detail.id} />}
            {tab === 'request' && <RequestTab detail={detail} />}
          </div>
        </>
      )}
    </section>
  );
}

function SummaryTab({ detail, idpName }: { detail: LoginDetail; idpName: string | null }): ReactNode {
  const { accounts } = useLab();
  const account = detail.accountId === null ? undefined : accounts.find((a) => a.id === detail.accountId);
  const failing = detail.checks.filter((c) => c.status === 'fail');
  const warnings = detail.checks.filter((c) => c.status === 'warn');
  const passed = detail.checks.length - failing.length - warnings.length;
  return (
    <div className="summary" data-testid="summary">
      <div className={`verdict-panel ${detail.verdict}`}>
        <strong>{detail.verdict === 'accepted' ? 'Login accepted' : 'Login rejected — nothing was provisioned'}</strong>
        <span>
          {failing.length} failed · {warnings.length} warning{warnings.length === 1 ? '' : 's'} · {passed} passed
        </span>
      </div>
      {failing.length > 0 && (
        <>
          <h2>Failing checks — fix these first</h2>
          <ChecksTable checks={failing} testId="summary-failing" />
        </>
      )}
      {warnings.length > 0 && (
        <>
          <h2>Warnings</h2>
          <ChecksTable checks={warnings} testId="summary-warnings" />
        </>
      )}
      <h2>Who, when, where</h2>
      <dl className="facts">
        <dt>User (NameID)</dt>
        <dd className="mono" data-testid="summary-nameid">
          {detail.nameId ?? (detail.claimedNameId !== null ? `${detail.claimedNameId} (claimed, unverified)` : '—')}
        </dd>
        <dt>NameID format</dt>
        <dd className="mono">{detail.nameIdFormat ?? '—'}</dd>
        <dt>IdP</dt>
        <dd>
          {idpName ?? 'Unknown issuer'} {detail.idpEntityId !== null && idpName !== detail.idpEntityId && <span className="mono muted small">{detail.idpEntityId}</span>}
        </dd>
        <dt>Received</dt>
        <dd>{formatTime(detail.receivedAt)}</dd>
        <dt>Flow</dt>
        <dd>{detail.flow === 'sp-initiated' ? 'SP-initiated (answers an AuthnRequest from this SP)' : detail.flow === 'idp-initiated' ? 'IdP-initiated (unsolicited)' : 'Unknown'}</dd>
        <dt>Account</dt>
        <dd>
          <DiffKindBadge kind={detail.diff.kind} cleared={detail.diff.clearedFields?.length} />{' '}
          {detail.accountId !== null && (
            <a href={`#/accounts/${encodeURIComponent(detail.accountId)}`} className="mono" title={detail.accountId} data-testid="summary-account">
              {account?.principal ?? detail.accountId}
            </a>
          )}
        </dd>
        <dt>Session index</dt>
        <dd className="mono">{detail.sessionIndex ?? '—'}</dd>
      </dl>
    </div>
  );
}

function ChecksTab({ checks }: { checks: Check[] }): ReactNode {
  const [only, setOnly] = useState<'all' | 'problems'>('all');
  const problems = checks.filter((c) => c.status !== 'pass');
  const shown = sortChecks(only === 'all' ? checks : problems);
  return (
    <div>
      <div className="tab-toolbar">
        <div className="segmented" role="group" aria-label="Which checks">
          <button type="button" aria-pressed={only === 'all'} className={only === 'all' ? 'active' : ''} onClick={() => setOnly('all')} data-testid="checks-all">
            All ({checks.length})
          </button>
          <button type="button" aria-pressed={only === 'problems'} className={only === 'problems' ? 'active' : ''} onClick={() => setOnly('problems')} data-testid="checks-problems">
            Failed and warnings ({problems.length})
          </button>
        </div>
      </div>
      {only === 'problems' && problems.length === 0 ? (
        <EmptyState title="Every check passed">Nothing to fix in this login.</EmptyState>
      ) : (
        <ChecksTable checks={shown} testId="checks-list" />
      )}
    </div>
  );
}

export function ChecksTable({ checks, testId = 'checks-list' }: { checks: Check[]; testId?: string }): ReactNode {
  if (checks.length === 0) return <EmptyState title="No checks were run">The response could not be parsed far enough to check it.</EmptyState>;
  return (
    <table className="table checks" data-testid={testId}>
      <colgroup>
        <col className="col-status" />
        <col />
        <col className="col-value" />
        <col className="col-value" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Check</th>
          <th scope="col">Expected</th>
          <th scope="col">Received</th>
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
            <td className="mono small wrap" data-testid="check-expected">
              {check.expected ?? '—'}
            </td>
            <td className="mono small wrap" data-testid="check-received">
              {check.received ?? '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const NAME_FORMATS: Record<string, string> = {
  'urn:oasis:names:tc:SAML:2.0:attrname-format:basic': 'basic',
  'urn:oasis:names:tc:SAML:2.0:attrname-format:uri': 'URI',
  'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified': 'unspecified',
};

function AttributesTab({ detail }: { detail: LoginDetail }): ReactNode {
  if (detail.attributes.length === 0) {
    return (
      <EmptyState title="No attributes in this response">
        {detail.verdict === 'rejected'
          ? 'Attributes are read only from a verified assertion; this login was rejected. Fix the failing checks on the Summary tab.'
          : 'Configure the IdP to release attributes (email, first and last name, groups) to this SP’s entity ID.'}
      </EmptyState>
    );
  }
  return (
    <table className="table" data-testid="attributes-list">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Friendly name</th>
          <th scope="col">Name format</th>
          <th scope="col">Values</th>
        </tr>
      </thead>
      <tbody>
        {detail.attributes.map((a) => (
          <tr key={a.name} data-testid="attribute-row" data-name={a.name}>
            <td className="mono small wrap">{a.name}</td>
            <td>{a.friendlyName ?? '—'}</td>
            <td className="small" title={a.nameFormat ?? undefined} data-testid="attribute-format">
              {a.nameFormat === null ? '—' : (NAME_FORMATS[a.nameFormat] ?? a.nameFormat)}
            </td>
            <td data-testid="attribute-values">
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

export function DiffTable({ detail }: { detail: LoginDetail }): ReactNode {
  const { diff } = detail;
  if (diff.changes.length === 0) {
    return (
      <EmptyState title="No field changes">
        {diff.kind === 'rejected' ? 'Fix the failing checks on the Summary tab and sign in again.' : 'No mapped attributes were found.'}
      </EmptyState>
    );
  }
  return (
    <table className="table" data-testid="diff-list">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th aria-hidden="true" />
          <th scope="col">After</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {diff.changes.map((c) => (
          <tr key={c.field} data-testid="diff-row" data-field={c.field} data-change={c.change} className={`change-${c.change}`}>
            <td className="mono">{c.field}</td>
            <td className="before" data-testid="diff-before">
              {formatFieldValue(c.before)}
            </td>
            <td className="muted" aria-hidden="true">
              →
            </td>
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
  );
}

function DiffTab({ detail }: { detail: LoginDetail }): ReactNode {
  const { diff } = detail;
  return (
    <div data-testid="diff">
      <p className="diff-head">
        <DiffKindBadge kind={diff.kind} cleared={diff.clearedFields?.length} testId="diff-kind" /> {KIND_TEXT[diff.kind]}
        {diff.linkedBy === 'email' && ' It was linked to an existing account by email.'}
      </p>
      {(diff.rolesGranted.length > 0 || diff.rolesRemoved.length > 0) && (
        <p className="small" data-testid="diff-roles">
          {diff.rolesGranted.length > 0 && (
            <>
              Roles granted: <strong>{diff.rolesGranted.join(', ')}</strong>.{' '}
            </>
          )}
          {diff.rolesRemoved.length > 0 && (
            <span className="error-inline">
              Roles removed: <strong>{diff.rolesRemoved.join(', ')}</strong>.
            </span>
          )}
        </p>
      )}
      <DiffTable detail={detail} />
      {detail.coverage != null && (
        <>
          <h2>Attribute coverage</h2>
          <p className="small muted">
            Under this IdP’s rules as they are now. <a href="#/rules">Map an attribute in the JIT rules</a>.
          </p>
          <CoverageView coverage={detail.coverage} />
        </>
      )}
    </div>
  );
}

function RawTab({ detail }: { detail: LoginDetail }): ReactNode {
  const download = (): void => {
    if (detail.xml === null) return;
    const url = URL.createObjectURL(new Blob([detail.xml], { type: 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `saml-response-${detail.id}.xml`;
    a.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="raw" data-testid="raw">
      <h2>HTTP request</h2>
      <dl className="facts">
        <dt>Method</dt>
        <dd className="mono" data-testid="raw-method">
          {detail.http.method}
        </dd>
        <dt>Content-Type</dt>
        <dd className="mono">{detail.http.contentType ?? '—'}</dd>
        <dt>Body size</dt>
        <dd data-testid="raw-bytes">{detail.http.bytes.toLocaleString()} bytes</dd>
        <dt>Answered</dt>
        <dd className="mono" data-testid="raw-status">
          HTTP {detail.http.status}
        </dd>
        <dt>RelayState</dt>
        <dd className="mono wrap" data-testid="raw-relaystate">
          {detail.relayState ?? '(none)'}
        </dd>
      </dl>
      <div className="raw-head">
        <h2>SAMLResponse (base64, as posted)</h2>
        {detail.samlResponse !== null && <CopyButton value={detail.samlResponse} label="SAMLResponse" testId="copy-saml-response" />}
        {detail.xml !== null && (
          <button type="button" className="btn btn-small" onClick={download}>
            Save decoded XML
          </button>
        )}
      </div>
      {detail.samlResponse === null ? (
        <p className="muted">The request carried no SAMLResponse field.</p>
      ) : (
        <>
          <p className="muted small">{detail.samlResponse.length.toLocaleString()} characters. Paste it into any SAML decoder or <code>saml-jit-lab verify</code>.</p>
          <pre className="raw-base64" tabIndex={0} aria-label="SAMLResponse, base64" data-testid="raw-saml-response">
            {detail.samlResponse}
          </pre>
        </>
      )}
    </div>
  );
}
