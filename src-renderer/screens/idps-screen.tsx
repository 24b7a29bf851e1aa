import { useState, type FormEvent, type ReactNode } from 'react';
import type { IdpProfile } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { EmptyState, ErrorMessage } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import { useLab } from '../state/lab-store.tsx';
import { DemoUsersPanel } from './demo-users-panel.tsx';

export function IdpsScreen(): ReactNode {
  const { idps, errors, refreshIdps } = useLab();
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const run = async (key: string, action: () => Promise<unknown>): Promise<void> => {
    setBusy(key);
    setActionError(null);
    try {
      await action();
      await refreshIdps();
    } catch (err) {
      setActionError(describeError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="screen" data-testid="idps-screen">
      <div className="screen-head">
        <h1>Identity providers</h1>
        <p className="muted">Logins are verified against the active IdP’s entity ID and signing certificates.</p>
      </div>
      {errors.idps !== undefined && <ErrorMessage message={`Could not load IdPs. ${errors.idps}`} />}
      {actionError !== null && <ErrorMessage message={actionError} testId="idp-action-error" />}
      {idps.length === 0 ? (
        <EmptyState title="No IdPs configured">Paste your IdP’s metadata XML below to add one.</EmptyState>
      ) : (
        <div className="cards" data-testid="idps-list">
          {idps.map((idp) => (
            <IdpCard
              key={idp.id}
              idp={idp}
              busy={busy}
              onActivate={() => void run(`activate:${idp.id}`, () => api.call('idp.activate', { id: idp.id }))}
              onRemove={() => void run(`remove:${idp.id}`, () => api.call('idp.remove', { id: idp.id }))}
            />
          ))}
        </div>
      )}
      {idps.some((i) => i.kind === 'demo') && <DemoUsersPanel />}
      <ImportForm onImported={refreshIdps} />
    </section>
  );
}

function IdpCard({
  idp,
  busy,
  onActivate,
  onRemove,
}: {
  idp: IdpProfile;
  busy: string | null;
  onActivate: () => void;
  onRemove: () => void;
}): ReactNode {
  return (
    <article className={`card ${idp.active ? 'card-active' : ''}`} data-testid="idp-row" data-idp-id={idp.id} data-active={idp.active}>
      <header className="card-head">
        <h2>{idp.name}</h2>
        {idp.active && <span className="badge badge-ok">Active</span>}
        {idp.kind === 'demo' && <span className="badge badge-info">Built-in demo</span>}
      </header>
      <dl className="facts">
        <dt>Entity ID</dt>
        <dd className="mono">{idp.entityId}</dd>
        <dt>SSO URL</dt>
        <dd className="mono">{idp.ssoRedirectUrl ?? idp.ssoPostUrl ?? '—'}</dd>
        <dt>Certificates</dt>
        <dd>
          {idp.certificates.length === 0 ? (
            <span className="warn-text">None — responses from this IdP cannot be verified.</span>
          ) : (
            idp.certificates.map((c) => (
              <div key={c.fingerprintSha256} className="small">
                <span className="mono">{c.subject}</span> · {c.use} · valid until {formatTime(c.notAfter)}
                <div className="mono muted truncate" title={c.fingerprintSha256}>
                  SHA-256 {c.fingerprintSha256}
                </div>
              </div>
            ))
          )}
        </dd>
        <dt>Signed requests</dt>
        <dd>{idp.wantAuthnRequestsSigned ? 'Required by the IdP' : 'Not required'}</dd>
      </dl>
      <footer className="card-actions">
        {!idp.active && (
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={onActivate} data-testid="idp-activate">
            {busy === `activate:${idp.id}` ? 'Activating…' : 'Make active'}
          </button>
        )}
        {idp.kind !== 'demo' && (
          <button type="button" className="btn" disabled={busy !== null} onClick={onRemove} data-testid="idp-remove">
            {busy === `remove:${idp.id}` ? 'Removing…' : 'Remove'}
          </button>
        )}
      </footer>
    </article>
  );
}

export function ImportForm({ onImported }: { onImported: () => Promise<void> }): ReactNode {
  const [xml, setXml] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const trimmed = name.trim();
      const idp = await api.call('idp.import', trimmed === '' ? { xml } : { xml, name: trimmed });
      setResult(`Imported “${idp.name}” (${idp.entityId}). Make it active to use it for sign-in.`);
      setXml('');
      setName('');
      await onImported();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const readFile = async (file: File | undefined): Promise<void> => {
    if (file !== undefined) setXml(await file.text());
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} data-testid="idp-import">
      <h2>Import IdP metadata</h2>
      <p className="muted small">
        Paste the IdP’s SAML metadata (an <code>EntityDescriptor</code> with an <code>IDPSSODescriptor</code>), or load
        it from a file.
      </p>
      <label className="field">
        <span>Name (optional)</span>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Okta staging" data-testid="idp-import-name" />
      </label>
      <label className="field">
        <span>Metadata XML</span>
        <textarea
          value={xml}
          onChange={(e) => setXml(e.target.value)}
          rows={8}
          spellCheck={false}
          className="mono"
          placeholder="<md:EntityDescriptor …>"
          data-testid="idp-import-xml"
        />
      </label>
      <div className="form-actions">
        <input type="file" accept=".xml,application/xml,text/xml" onChange={(e) => void readFile(e.target.files?.[0])} aria-label="Load metadata from a file" />
        <button type="submit" className="btn btn-primary" disabled={busy || xml.trim() === ''} data-testid="idp-import-submit">
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      {error !== null && <ErrorMessage message={error} testId="idp-import-error" />}
      {result !== null && (
        <p className="success" data-testid="idp-import-result">
          {result}
        </p>
      )}
    </form>
  );
}
