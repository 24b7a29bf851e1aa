import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { NAMEID_FORMATS, type SignaturePolicy, type SpSettings } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { CopyButton, ErrorMessage, Loading } from '../components/common.tsx';
import { useLab } from '../state/lab-store.tsx';
import '../sp/sp.css';

function Row({ label, value, testId }: { label: string; value: string; testId: string }): ReactNode {
  return (
    <>
      <dt>{label}</dt>
      <dd className="copy-row">
        <code data-testid={testId}>{value}</code>
        <CopyButton value={value} label={label} testId={`copy-${testId}`} />
      </dd>
    </>
  );
}

export function SpScreen(): ReactNode {
  const { sp, errors } = useLab();
  return (
    <section className="screen" data-testid="sp-screen">
      <div className="screen-head">
        <h1>Service provider</h1>
        <p className="muted">Give these values to your IdP (or import the metadata URL there).</p>
      </div>
      {errors.sp !== undefined && <ErrorMessage message={`Could not load SP settings. ${errors.sp}`} />}
      {sp === null ? (
        errors.sp === undefined && <Loading what="SP settings" />
      ) : (
        <div className="panel">
          <dl className="facts wide">
            <Row label="Entity ID" value={sp.entityId} testId="sp-entity-id" />
            <Row label="ACS URL (HTTP-POST)" value={sp.acsUrl} testId="sp-acs-url" />
            <Row label="Metadata URL" value={sp.metadataUrl} testId="sp-metadata-url" />
            <Row label="SP-initiated login URL" value={sp.loginUrl} testId="sp-login-url" />
            <dt>NameID format</dt>
            <dd className="mono">{sp.nameIdFormat}</dd>
            <dt>Clock skew allowed</dt>
            <dd>{sp.clockSkewSeconds} s</dd>
            <dt>IdP-initiated logins</dt>
            <dd>{sp.allowUnsolicited ? 'Allowed (unsolicited responses accepted)' : 'Rejected (InResponseTo required)'}</dd>
            <Row label="Certificate SHA-256" value={sp.certificateFingerprintSha256} testId="sp-cert-fingerprint" />
          </dl>
          <SpSettingsForm sp={sp} />
          <RetentionForm />
          <details>
            <summary>SP signing certificate (PEM)</summary>
            <pre className="pem">{sp.certificatePem}</pre>
            <CopyButton value={sp.certificatePem} label="certificate" />
          </details>
        </div>
      )}
    </section>
  );
}

type FormState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

/** The SP settings a person changes while wiring an IdP; saved together, validated by the core. */
function SpSettingsForm({ sp }: { sp: SpSettings }): ReactNode {
  const { refreshSp } = useLab();
  const [entityId, setEntityId] = useState(sp.entityId);
  const [nameIdFormat, setNameIdFormat] = useState(sp.nameIdFormat);
  const [skew, setSkew] = useState(String(sp.clockSkewSeconds));
  const [allowUnsolicited, setAllowUnsolicited] = useState(sp.allowUnsolicited);
  const [signaturePolicy, setSignaturePolicy] = useState<SignaturePolicy>(sp.signaturePolicy);
  const [sha1Policy, setSha1Policy] = useState(sp.sha1Policy);
  const [state, setState] = useState<FormState>({ kind: 'idle' });

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const clockSkewSeconds = Number(skew);
    if (!Number.isInteger(clockSkewSeconds) || clockSkewSeconds < 0 || clockSkewSeconds > 3600) {
      setState({ kind: 'error', message: 'Clock skew must be a whole number of seconds from 0 to 3600.' });
      return;
    }
    setState({ kind: 'saving' });
    try {
      await api.call('sp.update', { entityId, nameIdFormat, clockSkewSeconds, allowUnsolicited, signaturePolicy, sha1Policy });
      await refreshSp();
      setState({ kind: 'saved' });
    } catch (error) {
      setState({ kind: 'error', message: describeError(error) });
    }
  };

  return (
    <form className="sp-form" onSubmit={(e) => void save(e)} data-testid="sp-settings-form">
      <h2>Settings</h2>
      <label className="field">
        <span>Entity ID (the IdP calls it Audience URI, Identifier or SP Entity ID)</span>
        <input value={entityId} onChange={(e) => setEntityId(e.target.value)} required data-testid="sp-entity-id-input" />
      </label>
      <label className="field">
        <span>NameID format asked for</span>
        <select value={nameIdFormat} onChange={(e) => setNameIdFormat(e.target.value)} data-testid="sp-nameid-format">
          {[...new Set([...NAMEID_FORMATS, nameIdFormat])].map((f) => (
            <option key={f} value={f}>
              {f.split(':').pop()} ({f})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Clock skew allowed (seconds)</span>
        <input type="number" min={0} max={3600} value={skew} onChange={(e) => setSkew(e.target.value)} data-testid="sp-skew" />
      </label>
      <label className="check">
        <input type="checkbox" checked={allowUnsolicited} onChange={(e) => setAllowUnsolicited(e.target.checked)} data-testid="sp-allow-unsolicited" /> Accept
        IdP-initiated (unsolicited) logins
      </label>
      <label className="field">
        <span>A valid signature must cover</span>
        <select value={signaturePolicy} onChange={(e) => setSignaturePolicy(e.target.value as SignaturePolicy)} data-testid="sp-signature-policy">
          <option value="either">the Response or the Assertion (default)</option>
          <option value="assertion">the Assertion</option>
          <option value="response">the Response</option>
          <option value="both">both the Response and the Assertion</option>
        </select>
      </label>
      <label className="field">
        <span>RSA-SHA1 / SHA-1 signatures</span>
        <select value={sha1Policy} onChange={(e) => setSha1Policy(e.target.value as 'warn' | 'reject')} data-testid="sp-sha1-policy">
          <option value="warn">Accept with a warning (default)</option>
          <option value="reject">Reject</option>
        </select>
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={state.kind === 'saving'} data-testid="sp-settings-save">
          {state.kind === 'saving' ? 'Saving…' : 'Save settings'}
        </button>
        {state.kind === 'saved' && (
          <span role="status" className="small" data-testid="sp-settings-saved">
            Saved. The next logins are checked with these settings; update the IdP if you changed the entity ID.
          </span>
        )}
      </div>
      {state.kind === 'error' && <ErrorMessage message={state.message} testId="sp-settings-error" />}
    </form>
  );
}

function RetentionForm(): ReactNode {
  const [value, setValue] = useState<string | null>(null);
  const [state, setState] = useState<FormState>({ kind: 'idle' });
  useEffect(() => {
    api.call('settings.get', {}).then(
      (s) => setValue(String(s.loginRetention)),
      (error: unknown) => setState({ kind: 'error', message: describeError(error) }),
    );
  }, []);
  if (value === null) return state.kind === 'error' ? <ErrorMessage message={state.message} /> : null;
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setState({ kind: 'saving' });
    try {
      const saved = await api.call('settings.update', { loginRetention: Number(value) });
      setValue(String(saved.loginRetention));
      setState({ kind: 'saved' });
    } catch (error) {
      setState({ kind: 'error', message: describeError(error) });
    }
  };
  return (
    <form className="sp-form" onSubmit={(e) => void save(e)} data-testid="retention-form">
      <h2>Login history</h2>
      <div className="retention-row">
        <label htmlFor="retention-input">Keep the newest</label>
        <input id="retention-input" type="number" value={value} onChange={(e) => setValue(e.target.value)} data-testid="retention-input" />
        <span>logins</span>
        <button type="submit" className="btn" disabled={state.kind === 'saving'} data-testid="retention-save">
          Save
        </button>
        {state.kind === 'saved' && <span role="status" className="small"> Saved.</span>}
      </div>
      <p className="muted small">Older logins are dropped; each keeps its full response, checks and diff (about 30 kB). Accounts are never dropped.</p>
      {state.kind === 'error' && <ErrorMessage message={state.message} testId="retention-error" />}
    </form>
  );
}
