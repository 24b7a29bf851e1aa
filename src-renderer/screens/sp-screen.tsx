import { useState, type FormEvent, type ReactNode } from 'react';
import { NAMEID_FORMATS, type SignaturePolicy, type SpProfileId, type SpSettings } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { CopyButton, ErrorMessage, Loading } from '../components/common.tsx';
import { saveFile } from '../export/save-file.ts';
import { useCall, useSave } from '../hooks/use-call.ts';
import { LabDataPanel } from '../sp/lab-data-panel.tsx';
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
  const [profileApplied, setProfileApplied] = useState(0);
  return (
    <section className="screen" data-testid="sp-screen">
      <div className="screen-head">
        <h1>Service provider</h1>
        <p className="muted">Give these values to your IdP (or import the metadata URL there).</p>
        {sp !== null && <DownloadMetadata />}
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
          <SpProfilePicker current={sp.spProfile} onApplied={() => setProfileApplied((n) => n + 1)} />
          {/* Remounted when a profile was applied (it set the knobs), so the form shows what is saved. */}
          <SpSettingsForm key={profileApplied} sp={sp} />
          <RetentionForm />
          <LabDataPanel />
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

/** Saves the SP metadata the IdP's console asks for (unsigned; the Export screen also has a signed one). */
function DownloadMetadata(): ReactNode {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const download = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      saveFile(await api.call('spMetadata.export', { signed: false }));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sp-download">
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void download()} data-testid="sp-download-metadata">
        {busy ? 'Preparing…' : 'Download SP metadata'}
      </button>
      {error !== null && <ErrorMessage message={error} testId="sp-download-error" />}
    </div>
  );
}

/** Which SP's behaviour the verdicts mirror: pick one, see the knobs it sets, apply it. */
function SpProfilePicker({ current, onApplied }: { current: SpProfileId; onApplied: () => void }): ReactNode {
  const { refreshSp } = useLab();
  const profiles = useCall('sp.profiles', {}, 'sp.profiles');
  const [chosen, setChosen] = useState<SpProfileId>(current);
  const { state, save, setState } = useSave();
  if (profiles.kind === 'loading') return <Loading what="the SP profiles" />;
  if (profiles.kind === 'error') return <ErrorMessage message={`Could not load the SP profiles. ${profiles.message}`} />;
  const shown = profiles.value.find((p) => p.id === chosen);
  const apply = (): Promise<void> =>
    save(async () => {
      await api.call('sp.update', { spProfile: chosen });
      await refreshSp();
      onApplied();
    });
  return (
    <div className="sp-form sp-profile" data-testid="sp-profile">
      <h2>Judge logins as</h2>
      <p className="muted small">
        An SP profile sets the verification knobs to what that SP does by default, so a verdict here predicts the verdict there. The settings below
        follow the profile; change them after applying it if your SP is configured differently.
      </p>
      <div className="sp-profile-row">
        <label className="field">
          <span>SP profile</span>
          <select
            value={chosen}
            onChange={(e) => {
              setChosen(e.target.value as SpProfileId);
              setState({ kind: 'idle' });
            }}
            data-testid="sp-profile-select"
          >
            {profiles.value.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.id === current ? ' (in use)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" disabled={chosen === current || state.kind === 'saving'} onClick={() => void apply()} data-testid="sp-profile-apply">
          {state.kind === 'saving' ? 'Applying…' : chosen === current ? 'In use' : 'Use this profile'}
        </button>
        {state.kind === 'saved' && (
          <span role="status" className="small" data-testid="sp-profile-saved">
            Applied: the next logins are judged as {shown?.name ?? chosen}.
          </span>
        )}
      </div>
      {shown !== undefined && (
        <>
          <p className="small" data-testid="sp-profile-description">
            {shown.description}
          </p>
          <table className="sp-profile-knobs" data-testid="sp-profile-knobs">
            <tbody>
              {Object.entries(shown.knobs).map(([knob, value]) => (
                <tr key={knob} data-testid="sp-profile-knob" data-knob={knob}>
                  <th scope="row" className="mono small">
                    {knob}
                  </th>
                  <td className="mono small">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {state.kind === 'error' && <ErrorMessage message={state.message} testId="sp-profile-error" />}
    </div>
  );
}

/** The SP settings a person changes while wiring an IdP; saved together, validated by the core. */
function SpSettingsForm({ sp }: { sp: SpSettings }): ReactNode {
  const { refreshSp } = useLab();
  const [entityId, setEntityId] = useState(sp.entityId);
  const [nameIdFormat, setNameIdFormat] = useState(sp.nameIdFormat);
  const [skew, setSkew] = useState(String(sp.clockSkewSeconds));
  const [allowUnsolicited, setAllowUnsolicited] = useState(sp.allowUnsolicited);
  const [signaturePolicy, setSignaturePolicy] = useState<SignaturePolicy>(sp.signaturePolicy);
  const [sha1Policy, setSha1Policy] = useState(sp.sha1Policy);
  const [publicBaseUrl, setPublicBaseUrl] = useState(sp.publicBaseUrl ?? '');
  const { state, save, setState } = useSave();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const clockSkewSeconds = Number(skew);
    if (!Number.isInteger(clockSkewSeconds) || clockSkewSeconds < 0 || clockSkewSeconds > 3600) {
      setState({ kind: 'error', message: 'Clock skew must be a whole number of seconds from 0 to 3600.' });
      return;
    }
    await save(async () => {
      await api.call('sp.update', { entityId, nameIdFormat, clockSkewSeconds, allowUnsolicited, signaturePolicy, sha1Policy, publicBaseUrl: publicBaseUrl.trim() === '' ? null : publicBaseUrl });
      await refreshSp();
    });
  };

  return (
    <form className="sp-form" onSubmit={(e) => void submit(e)} data-testid="sp-settings-form">
      <h2>Settings</h2>
      <label className="field">
        <span>Entity ID (the IdP calls it Audience URI, Identifier or SP Entity ID)</span>
        <input value={entityId} onChange={(e) => setEntityId(e.target.value)} required data-testid="sp-entity-id-input" />
      </label>
      <label className="field">
        <span>Public base URL (optional: a tunnel or reverse proxy in front of the lab, e.g. for an https ACS)</span>
        <input
          type="url"
          value={publicBaseUrl}
          onChange={(e) => setPublicBaseUrl(e.target.value)}
          placeholder="https://saml-lab.example.com — empty: the listener’s own http://127.0.0.1 URL"
          className="mono"
          data-testid="sp-public-base-url"
        />
        <span className="small muted">
          The ACS, metadata and login URLs above are built from it; the listener still binds 127.0.0.1, so the proxy must forward to it.
        </span>
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
  const settings = useCall('settings.get', {}, 'settings.get');
  if (settings.kind === 'loading') return null;
  if (settings.kind === 'error') return <ErrorMessage message={settings.message} />;
  return <RetentionFields saved={settings.value.loginRetention} />;
}

function RetentionFields({ saved }: { saved: number }): ReactNode {
  const [value, setValue] = useState(String(saved));
  const { state, save } = useSave();
  const submit = (event: FormEvent): Promise<void> => {
    event.preventDefault();
    return save(async () => {
      const stored = await api.call('settings.update', { loginRetention: Number(value) });
      setValue(String(stored.loginRetention));
    });
  };
  return (
    <form className="sp-form" onSubmit={(e) => void submit(e)} data-testid="retention-form">
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
