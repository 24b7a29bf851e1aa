// One IdP profile: what the metadata said (entity ID, endpoints per binding, certificates, NameID formats,
// WantAuthnRequestsSigned, warnings, source), rename, refresh from its URL with what changed, delete, make active,
// and the SP-initiated login options.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { Certificate, IdpProfile } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { TrustChangeConfirm, trustChangeOf, type TrustChange } from './trust-change.tsx';
import { CopyButton, ErrorMessage } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import { useStartLogin } from '../hooks/use-start-login.ts';
import { LoginOptionsForm, shortFormat } from './login-options-form.tsx';

const SOON_MS = 30 * 86_400_000;

export type CertState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

export function certState(cert: Certificate, now: number = Date.now()): CertState {
  const notAfter = new Date(cert.notAfter).getTime();
  if (new Date(cert.notBefore).getTime() > now) return 'not-yet-valid';
  if (notAfter < now) return 'expired';
  if (notAfter - now < SOON_MS) return 'expiring';
  return 'valid';
}

const CERT_BADGE: Record<CertState, { tone: string; label: string }> = {
  valid: { tone: 'ok', label: 'Valid' },
  expiring: { tone: 'warn', label: 'Expires soon' },
  expired: { tone: 'bad', label: 'Expired' },
  'not-yet-valid': { tone: 'warn', label: 'Not yet valid' },
};

export interface RefreshOutcome {
  at: string;
  changes: string[];
}

export function ProfileDetail({
  idp,
  spNameIdFormat,
  notice,
  onChanged,
  onDeleted,
}: {
  idp: IdpProfile;
  spNameIdFormat: string | null;
  /** Said once above the profile (e.g. right after it was imported). */
  notice: string | null;
  onChanged: () => Promise<void>;
  onDeleted: (name: string) => void;
}): ReactNode {
  const [busy, setBusy] = useState<'activate' | 'refresh' | 'remove' | null>(null);
  const [actionError, setActionError] = useState<{ where: 'actions' | 'refresh' | 'remove'; message: string } | null>(null);
  const [refresh, setRefresh] = useState<RefreshOutcome | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [trust, setTrust] = useState<TrustChange | null>(null);
  const { state: signIn, start } = useStartLogin();
  const headingId = useId();

  const run = async (what: 'activate' | 'refresh' | 'remove', action: () => Promise<void>): Promise<void> => {
    setBusy(what);
    setActionError(null);
    try {
      await action();
    } catch (err) {
      const change = what === 'refresh' ? trustChangeOf(err) : null;
      if (change !== null) setTrust(change);
      else setActionError({ where: what === 'activate' ? 'actions' : what, message: describeError(err) });
    } finally {
      setBusy(null);
    }
  };

  const doRefresh = (): Promise<void> =>
    run('refresh', async () => {
      setRefresh(null);
      setTrust(null);
      const result = await api.call('idps.refresh', { id: idp.id });
      setRefresh({ at: new Date().toISOString(), changes: result.changes });
      await onChanged();
    });

  /** The person agreed to the new signing keys the refresh found: the same refresh with replace. */
  const confirmRefresh = async (): Promise<void> => {
    const result = await api.call('idps.refresh', { id: idp.id, replace: true });
    setTrust(null);
    setRefresh({ at: new Date().toISOString(), changes: result.changes });
    await onChanged();
  };

  const doRemove = (): Promise<void> =>
    run('remove', async () => {
      await api.call('idps.remove', { id: idp.id });
      await onChanged();
      onDeleted(idp.name);
    });

  const signing = idp.certificates.filter((c) => c.use !== 'encryption');
  const encryption = idp.certificates.filter((c) => c.use === 'encryption');

  return (
    <article className="idp-detail" aria-labelledby={headingId} data-testid="idp-detail" data-idp-id={idp.id} data-active={idp.active}>
      {notice !== null && (
        <p className="success idp-notice" role="status" data-testid="idp-notice">
          {notice}
        </p>
      )}
      <header className="idp-detail-head">
        <div className="idp-detail-title">
          <NameEditor idp={idp} headingId={headingId} onSaved={onChanged} />
          <div className="idp-badges">
            {idp.active && <span className="badge badge-ok">Active</span>}
            {idp.kind === 'demo' && <span className="badge badge-info">Built-in demo</span>}
            {idp.sourceUrl !== null && <span className="badge badge-muted">From a URL</span>}
          </div>
        </div>
        <div className="idp-detail-actions">
          {idp.active ? (
            <button type="button" className="btn" disabled={signIn.kind === 'busy'} onClick={() => void start(idp.id)} data-testid="idp-test-sign-in">
              {signIn.kind === 'busy' ? 'Starting…' : 'Test sign-in'}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy !== null}
              onClick={() => void run('activate', async () => {
                await api.call('idps.activate', { id: idp.id });
                await onChanged();
              })}
              data-testid="idp-activate"
            >
              {busy === 'activate' ? 'Activating…' : 'Make active'}
            </button>
          )}
          {idp.sourceUrl !== null && (
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void doRefresh()} data-testid="idp-refresh">
              {busy === 'refresh' ? 'Fetching…' : 'Refresh from URL'}
            </button>
          )}
          {idp.kind !== 'demo' && (
            <button type="button" className="btn btn-danger" disabled={busy !== null} aria-expanded={confirmDelete} onClick={() => setConfirmDelete((c) => !c)} data-testid="idp-remove">
              Delete…
            </button>
          )}
        </div>
      </header>
      {signIn.kind === 'error' && <ErrorMessage message={signIn.message} testId="idp-sign-in-error" />}
      {signIn.kind === 'opened' && (
        <p className="small muted" role="status">
          Login window opened.
        </p>
      )}
      {actionError?.where === 'actions' && <ErrorMessage message={actionError.message} testId="idp-action-error" />}

      {confirmDelete && (
        <ConfirmDelete
          idp={idp}
          busy={busy === 'remove'}
          error={actionError?.where === 'remove' ? actionError.message : null}
          onConfirm={() => void doRemove()}
          onCancel={() => setConfirmDelete(false)}
        />
      )}

      {idp.warnings.length > 0 && (
        <section className="idp-warnings" aria-label="Warnings" data-testid="idp-warnings">
          <h3>
            <span aria-hidden="true">⚠ </span>
            {idp.warnings.length === 1 ? 'One thing to know' : `${idp.warnings.length} things to know`}
          </h3>
          <ul>
            {idp.warnings.map((w) => (
              <li key={w} data-testid="idp-warning">
                {w}
              </li>
            ))}
          </ul>
        </section>
      )}

      {actionError?.where === 'refresh' && (
        <div data-testid="idp-refresh-failed">
          <ErrorMessage message={actionError.message} testId="idp-refresh-error" />
          <p className="small muted">The profile keeps its current metadata.</p>
        </div>
      )}
      {trust !== null && (
        <TrustChangeConfirm
          change={trust}
          onConfirm={confirmRefresh}
          onCancel={() => {
            setTrust(null);
            setRefresh({ at: new Date().toISOString(), changes: ['Not refreshed: the lab keeps trusting the current keys.'] });
          }}
        />
      )}
      {refresh !== null && <RefreshResult outcome={refresh} onDismiss={() => setRefresh(null)} />}

      <section className="idp-section" aria-label="What the metadata says" data-testid="idp-facts">
        <h3>What the metadata says</h3>
        <dl className="facts idp-facts">
          <dt>Entity ID</dt>
          <dd>
            <span className="mono wrap" data-testid="idp-entity-id">
              {idp.entityId}
            </span>{' '}
            <CopyButton value={idp.entityId} label="entity ID" />
          </dd>
          <dt>SSO endpoints</dt>
          <dd>
            <table className="idp-endpoints" data-testid="idp-endpoints">
              <tbody>
                <Endpoint binding="HTTP-Redirect" url={idp.ssoRedirectUrl} testId="idp-sso-redirect" />
                <Endpoint binding="HTTP-POST" url={idp.ssoPostUrl} testId="idp-sso-post" />
              </tbody>
            </table>
          </dd>
          <dt>Signed requests</dt>
          <dd data-testid="idp-want-signed" data-value={idp.wantAuthnRequestsSigned}>
            {idp.wantAuthnRequestsSigned ? (
              <>
                <strong>Wanted</strong> — <span className="mono">WantAuthnRequestsSigned="true"</span>: sign-in signs the AuthnRequest with the SP key.
              </>
            ) : (
              <>Not asked for (WantAuthnRequestsSigned is absent or false).</>
            )}
          </dd>
          <dt>NameID formats</dt>
          <dd data-testid="idp-nameid-formats">
            {idp.nameIdFormats.length === 0 ? (
              <span className="muted">None listed — the IdP picks; the SP asks for its own setting.</span>
            ) : (
              <ul className="idp-plain-list">
                {idp.nameIdFormats.map((f) => (
                  <li key={f} className="mono small" title={f}>
                    {shortFormat(f)}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Source</dt>
          <dd data-testid="idp-source">
            {idp.kind === 'demo' ? (
              'Built into the lab'
            ) : idp.sourceUrl !== null ? (
              <>
                <span className="mono wrap" data-testid="idp-source-url">
                  {idp.sourceUrl}
                </span>{' '}
                <span className="muted small">(refreshable)</span>
              </>
            ) : (
              'A file or pasted XML (import a new copy to update it)'
            )}
          </dd>
          <dt>Imported</dt>
          <dd>{formatTime(idp.importedAt)}</dd>
        </dl>
      </section>

      <section className="idp-section" aria-label="Certificates" data-testid="idp-certs">
        <h3>Certificates</h3>
        {signing.length === 0 && (
          <p className="warn-text">No signing certificate — responses from this IdP cannot be verified.</p>
        )}
        {signing.length > 1 && (
          <p className="small muted">
            {signing.length} signing certificates: all are trusted (a key rollover in progress, usually). Responses signed with any of them verify.
          </p>
        )}
        {idp.certificates.length > 0 && <CertTable certs={[...signing, ...encryption]} />}
        {idp.rollover.certificates.length > 0 && (
          <div className="idp-rollover" data-testid="idp-rollover">
            <p className={idp.rollover.newKeyAccepted === false ? 'warn-text' : 'small'}>{idp.rollover.summary}</p>
            <ul className="small">
              {idp.rollover.certificates.map((c) => (
                <li key={c.fingerprintSha256} data-testid="idp-rollover-cert" data-signs-now={c.signsNow}>
                  <span className="mono">{c.fingerprintSha256.slice(0, 23)}…</span> — {c.expired ? <strong className="warn-text">expired</strong> : `${c.daysLeft} days left`}
                  {c.signsNow ? ' · the IdP signs with this key now' : ''}
                  {c.trusted ? '' : ' · not trusted yet'}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>

      <LoginOptionsForm key={idp.id} idp={idp} spNameIdFormat={spNameIdFormat} onSaved={onChanged} />
    </article>
  );
}

function Endpoint({ binding, url, testId }: { binding: string; url: string | null; testId: string }): ReactNode {
  return (
    <tr data-testid={testId} data-offered={url !== null}>
      <th scope="row">{binding}</th>
      <td>{url !== null ? <span className="mono wrap">{url}</span> : <span className="muted">not offered</span>}</td>
    </tr>
  );
}

function CertTable({ certs }: { certs: Certificate[] }): ReactNode {
  // Expiry is judged against when the table opened (render stays pure; a certificate expiring meanwhile shows on reopen).
  const [now] = useState(Date.now);
  return (
    <div className="idp-cert-list">
      {certs.map((c) => {
        const state = certState(c, now);
        const badge = CERT_BADGE[state];
        return (
          <div key={`${c.use}:${c.fingerprintSha256}`} className={`idp-cert idp-cert-${state}`} data-testid="idp-cert" data-use={c.use} data-state={state} data-fingerprint={c.fingerprintSha256}>
            <div className="idp-cert-head">
              <span className="badge badge-muted">{c.use === 'any' ? 'signing + encryption' : c.use}</span>
              <span className={`badge badge-${badge.tone}`}>{badge.label}</span>
              <span className="mono small wrap">{c.subject}</span>
            </div>
            <div className="small">
              Valid {formatTime(c.notBefore)} → <strong>{formatTime(c.notAfter)}</strong>
            </div>
            <div className="idp-fingerprint">
              <span className="small muted">SHA-256</span> <span className="mono small wrap" data-testid="idp-cert-fingerprint">{c.fingerprintSha256}</span>{' '}
              <CopyButton value={c.fingerprintSha256} label="SHA-256 fingerprint" />
            </div>
          </div>
        );
      })}
    </div>
  );
}

function RefreshResult({ outcome, onDismiss }: { outcome: RefreshOutcome; onDismiss: () => void }): ReactNode {
  const changed = outcome.changes.length > 0;
  return (
    <section
      className={`idp-refresh ${changed ? 'idp-refresh-changed' : 'idp-refresh-same'}`}
      role="status"
      aria-label="Refresh result"
      data-testid="idp-refresh-result"
      data-change-count={outcome.changes.length}
    >
      <div className="idp-refresh-head">
        <strong>{changed ? `The metadata changed (${outcome.changes.length} change${outcome.changes.length === 1 ? '' : 's'})` : 'Nothing changed'}</strong>
        <span className="small muted">refreshed {formatTime(outcome.at)}</span>
        <button type="button" className="btn btn-small" onClick={onDismiss} aria-label="Dismiss the refresh result">
          Dismiss
        </button>
      </div>
      {changed ? (
        <ul>
          {outcome.changes.map((c) => (
            <li key={c} data-testid="idp-refresh-change" className={/removed|moved/i.test(c) ? 'idp-change-loud' : undefined}>
              {c}
            </li>
          ))}
        </ul>
      ) : (
        <p className="small">Same certificates, endpoints and NameID formats as before.</p>
      )}
    </section>
  );
}

function NameEditor({ idp, headingId, onSaved }: { idp: IdpProfile; headingId: string; onSaved: () => Promise<void> }): ReactNode {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(idp.name);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement | null>(null);
  const renameButton = useRef<HTMLButtonElement | null>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) input.current?.select();
    else if (wasEditing.current) renameButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  const save = async (): Promise<void> => {
    const trimmed = name.trim();
    if (trimmed === '') {
      setError('A profile needs a name.');
      return;
    }
    if (trimmed === idp.name) {
      setEditing(false);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await api.call('idps.update', { id: idp.id, name: trimmed });
      await onSaved();
      setEditing(false);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  if (!editing) {
    return (
      <div className="idp-name">
        <h2 id={headingId} data-testid="idp-name">
          {idp.name}
        </h2>
        <button
          ref={renameButton}
          type="button"
          className="btn btn-small"
          onClick={() => {
            setName(idp.name);
            setError(null);
            setEditing(true);
          }}
          data-testid="idp-rename"
        >
          Rename
        </button>
      </div>
    );
  }
  return (
    <form
      className="idp-name idp-rename-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id={headingId} className="visually-hidden">
        Rename {idp.name}
      </h2>
      <label className="visually-hidden" htmlFor={`${headingId}-name`}>
        Profile name
      </label>
      <input
        id={`${headingId}-name`}
        ref={input}
        value={name}
        maxLength={200}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            setEditing(false);
          }
        }}
        aria-invalid={error !== null}
        data-testid="idp-rename-input"
      />
      <button type="submit" className="btn btn-primary btn-small" disabled={saving} data-testid="idp-rename-save">
        {saving ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setEditing(false)} data-testid="idp-rename-cancel">
        Cancel
      </button>
      {error !== null && <span className="error-inline" role="alert" data-testid="idp-rename-error">{error}</span>}
    </form>
  );
}

function ConfirmDelete({
  idp,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  idp: IdpProfile;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  const confirm = useRef<HTMLButtonElement | null>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div className="idp-confirm" role="alertdialog" aria-label={`Delete ${idp.name}?`} data-testid="idp-remove-confirm">
      <p>
        <strong>Delete “{idp.name}”?</strong> Its metadata, login options and JIT rules are deleted. Logins and accounts it
        produced stay.{idp.active && ' The built-in demo IdP becomes active.'}
      </p>
      {error !== null && <ErrorMessage message={error} testId="idp-remove-error" />}
      <div className="idp-buttons">
        <button ref={confirm} type="button" className="btn btn-danger-solid" disabled={busy} onClick={onConfirm} data-testid="idp-remove-confirm-yes">
          {busy ? 'Deleting…' : 'Delete profile'}
        </button>
        <button
          type="button"
          className="btn"
          onClick={onCancel}
          onKeyDown={(e) => e.key === 'Escape' && onCancel()}
          data-testid="idp-remove-confirm-no"
        >
          Cancel
        </button>
      </div>
    </div>
  );
}
