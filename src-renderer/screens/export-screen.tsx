// Export: the tested configuration as a bundle (for CI replay), the SP metadata, settings for the stack that will
// run the SSO (with what it cannot express), and traces of selected logins with redaction. Imports bundles and
// traces too. Every file is previewed read-only in Monaco with copy and save buttons.
import { lazy, Suspense, useState, type ReactNode } from 'react';
import type { ExportFile, ExportTarget, IdpProfile, Input, LeftOutLogin, Output } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import { useCall } from '../hooks/use-call.ts';
import { TrustChangeConfirm, trustChangeOf, type TrustChange } from '../idps/trust-change.tsx';
import { useLab } from '../state/lab-store.tsx';
import '../export/export.css';

const CodePreview = lazy(() => import('../export/code-preview.tsx').then((m) => ({ default: m.CodePreview })));

const TARGETS: { id: ExportTarget; label: string }[] = [
  { id: 'node-saml', label: 'node-saml / passport-saml' },
  { id: 'grafana', label: 'Grafana' },
  { id: 'gitlab', label: 'GitLab' },
  { id: 'simplesamlphp', label: 'SimpleSAMLphp SP' },
  { id: 'keycloak', label: 'Keycloak' },
];
type Redact = 'keep' | 'hash' | 'drop';

function Preview({ file, testId }: { file: ExportFile; testId: string }): ReactNode {
  return (
    <Suspense fallback={<Loading what="the preview" />}>
      <CodePreview file={file} testId={testId} />
    </Suspense>
  );
}

/** An export previewed while its options change: the last file stays until the next one arrives. */
function useExport<M extends 'bundles.export' | 'configs.export' | 'spMetadata.export'>(method: M, input: Input<M>, key: string): { value: Output<M> | null; error: string | null } {
  const state = useCall(method, input, key, { keepValue: true });
  return { value: state.kind === 'ready' ? state.value : null, error: state.kind === 'error' ? state.message : null };
}

export function ExportScreen(): ReactNode {
  const { idps, logins } = useLab();
  const active = idps.find((i) => i.active);
  const [idpId, setIdpId] = useState<string | null>(null);
  const chosen = idpId ?? active?.id ?? null;
  return (
    <section className="screen" data-testid="export-screen">
      <div className="screen-head">
        <h1>Export the tested configuration</h1>
        <p className="muted">
          What worked here, as files for the application that will run the SSO and for CI. Nothing leaves your machine until you copy or save it.
        </p>
        {idps.length > 1 && (
          <label className="inline">
            IdP{' '}
            <select value={chosen ?? ''} onChange={(e) => setIdpId(e.target.value)} data-testid="export-idp">
              {idps.map((i: IdpProfile) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {chosen === null ? (
        <Loading what="the IdP profiles" />
      ) : (
        <>
          <BundlePanel idpId={chosen} acceptedCount={logins.filter((l) => l.verdict === 'accepted').length} />
          <TargetPanel idpId={chosen} />
          <SpMetadataPanel />
          <TracePanel />
          <ImportPanel />
        </>
      )}
    </section>
  );
}

function BundlePanel({ idpId, acceptedCount }: { idpId: string; acceptedCount: number }): ReactNode {
  const [includeKeys, setIncludeKeys] = useState(false);
  const { value, error } = useExport('bundles.export', { idpId, includePrivateKeys: includeKeys }, `${idpId}/${includeKeys}/${acceptedCount}`);
  return (
    <div className="panel" data-testid="export-bundle">
      <h2>Tested-config bundle</h2>
      <p className="muted small">
        IdP metadata, SP settings, verification policy, JIT rules and, for each tested user, the last accepted login with the account it produced. Replay it in CI:{' '}
        <code>npx saml-jit-lab replay --config {value?.fileName ?? 'bundle.json'}</code> (exit 1 when the IdP or the rules changed what a login does).
      </p>
      <label className="inline">
        <input type="checkbox" checked={includeKeys} onChange={(e) => setIncludeKeys(e.target.checked)} data-testid="export-include-keys" /> Include the SP private key
      </label>
      {includeKeys && (
        <div className="banner danger" role="alert" data-testid="export-secret-warning">
          <strong>This bundle now holds the SP PRIVATE KEY.</strong> Anyone with the file can decrypt assertions meant for this SP and sign as it. Do not commit it, attach it to tickets or paste it into chats. Only needed to replay encrypted assertions.
        </div>
      )}
      {error !== null && <ErrorMessage message={error} />}
      {value !== null && value.leftOut.length > 0 && <LeftOutList leftOut={value.leftOut} />}
      {value !== null && <Preview file={value} testId="bundle-file" />}
    </div>
  );
}

/** Tested logins the bundle does not carry because its own replay would not pass them: said before saving. */
function LeftOutList({ leftOut }: { leftOut: LeftOutLogin[] }): ReactNode {
  return (
    <div className="banner warn export-left-out" role="status" data-testid="export-left-out">
      <p>
        <strong>
          {leftOut.length === 1 ? '1 tested login is' : `${leftOut.length} tested logins are`} left out of this bundle
        </strong>{' '}
        — {leftOut.length === 1 ? 'it' : 'they'} would not pass the bundle’s own replay with the settings being exported. Sign in again to test{' '}
        {leftOut.length === 1 ? 'that user' : 'those users'} under the current settings.
      </p>
      <ul>
        {leftOut.map((l) => (
          <li key={l.loginId} data-testid="export-left-out-login" data-login-id={l.loginId}>
            <a href={`#/logins/${encodeURIComponent(l.loginId)}`} className="mono">
              {l.principal}
            </a>{' '}
            <span className="small muted">({formatTime(l.receivedAt)})</span>
            <ul className="small">
              {l.reasons.map((r) => (
                <li key={r} data-testid="export-left-out-reason">
                  {r}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

function TargetPanel({ idpId }: { idpId: string }): ReactNode {
  const [target, setTarget] = useState<ExportTarget>('node-saml');
  const { value, error } = useExport('configs.export', { target, idpId }, `${target}/${idpId}`);
  return (
    <div className="panel" data-testid="export-target">
      <h2>Settings for your stack</h2>
      <div className="segmented" role="group" aria-label="Target">
        {TARGETS.map((t) => (
          <button key={t.id} type="button" aria-pressed={target === t.id} className={target === t.id ? 'active' : ''} onClick={() => setTarget(t.id)} data-testid={`target-${t.id}`}>
            {t.label}
          </button>
        ))}
      </div>
      {error !== null && <ErrorMessage message={error} />}
      {value !== null && value.target === target && (
        <>
          {value.files.map((f, i) => (
            <Preview key={`${target}-${f.fileName}`} file={f} testId={`target-file-${i}`} />
          ))}
          {value.unsupported.length > 0 && (
            <details open data-testid="target-unsupported">
              <summary>What {TARGETS.find((t) => t.id === target)?.label} cannot express ({value.unsupported.length})</summary>
              <ul className="small">
                {value.unsupported.map((u) => (
                  <li key={u}>{u}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  );
}

function SpMetadataPanel(): ReactNode {
  const [signed, setSigned] = useState(false);
  const { value, error } = useExport('spMetadata.export', { signed }, String(signed));
  return (
    <div className="panel" data-testid="export-sp-metadata">
      <h2>SP metadata</h2>
      <label className="inline">
        <input type="checkbox" checked={signed} onChange={(e) => setSigned(e.target.checked)} data-testid="export-sp-signed" /> Signed with the SP key (enveloped, RSA-SHA256)
      </label>
      {error !== null && <ErrorMessage message={error} />}
      {value !== null && <Preview file={value} testId="sp-metadata-file" />}
    </div>
  );
}

function TracePanel(): ReactNode {
  const { logins } = useLab();
  const recent = logins.slice(0, 50);
  const [selected, setSelected] = useState<string[]>([]);
  const [nameId, setNameId] = useState<Redact>('hash');
  const [attributes, setAttributes] = useState<Redact>('hash');
  const [dropSignatures, setDropSignatures] = useState(true);
  const [file, setFile] = useState<ExportFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const run = (): void => {
    setError(null);
    api.call('traces.export', { loginIds: selected, nameId, attributes, dropSignatures }).then(setFile, (err: unknown) => setError(describeError(err)));
  };
  const redactSelect = (label: string, value: Redact, set: (r: Redact) => void, testId: string): ReactNode => (
    <label className="inline">
      {label}{' '}
      <select value={value} onChange={(e) => set(e.target.value as Redact)} data-testid={testId}>
        <option value="keep">keep</option>
        <option value="hash">hash (SHA-256, this export only)</option>
        <option value="drop">drop</option>
      </select>
    </label>
  );
  return (
    <div className="panel" data-testid="export-trace">
      <h2>Trace of selected logins</h2>
      <p className="muted small">A JSON file another lab can import, to share a problem without sharing who had it. Redaction rewrites the values everywhere, the XML and base64 included.</p>
      {recent.length === 0 ? (
        <p className="muted">No logins yet.</p>
      ) : (
        <ul className="trace-picks" data-testid="trace-logins">
          {recent.map((l) => (
            <li key={l.id}>
              <label>
                <input type="checkbox" checked={selected.includes(l.id)} onChange={() => toggle(l.id)} data-testid="trace-login" />{' '}
                <span className="mono small">{l.receivedAt}</span> {l.verdict} {l.nameId ?? l.claimedNameId ?? '(no NameID)'}
              </label>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        {redactSelect('NameID', nameId, setNameId, 'trace-nameid')}
        {redactSelect('Attribute values', attributes, setAttributes, 'trace-attributes')}
        <label className="inline">
          <input type="checkbox" checked={dropSignatures || nameId !== 'keep' || attributes !== 'keep'} disabled={nameId !== 'keep' || attributes !== 'keep'} onChange={(e) => setDropSignatures(e.target.checked)} data-testid="trace-drop-signatures" /> Drop signatures
        </label>
        <button type="button" disabled={selected.length === 0} onClick={run} data-testid="trace-export">
          Export {selected.length} login{selected.length === 1 ? '' : 's'}
        </button>
      </div>
      {error !== null && <ErrorMessage message={error} />}
      {file !== null && <Preview file={file} testId="trace-file" />}
    </div>
  );
}

function ImportPanel(): ReactNode {
  const { refreshIdps, refreshLogins } = useLab();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [trust, setTrust] = useState<{ change: TrustChange; json: string } | null>(null);
  const importBundle = async (json: string, replace: boolean): Promise<void> => {
    const profile = await api.call('bundles.import', replace ? { json, replace: true } : { json });
    setTrust(null);
    void refreshIdps();
    setMessage(`Imported as the IdP profile "${profile.name}" with its JIT rules. Activate it on the Identity providers page.`);
  };
  const onFile = async (kind: 'bundle' | 'trace', f: File | undefined): Promise<void> => {
    if (!f) return;
    setMessage(null);
    setError(null);
    setTrust(null);
    let json = '';
    try {
      json = await f.text();
      if (kind === 'bundle') {
        await importBundle(json, false);
      } else {
        const { imported } = await api.call('traces.import', { json });
        void refreshLogins();
        setMessage(`Imported ${imported} login${imported === 1 ? '' : 's'} into the logins list.`);
      }
    } catch (err) {
      const change = kind === 'bundle' ? trustChangeOf(err) : null;
      if (change !== null) setTrust({ change, json });
      else setError(describeError(err));
    }
  };
  return (
    <div className="panel" data-testid="export-import">
      <h2>Import</h2>
      <div className="row">
        <label className="inline">
          Bundle (new IdP profile){' '}
          <input type="file" accept=".json,application/json" onChange={(e) => void onFile('bundle', e.target.files?.[0])} data-testid="import-bundle" />
        </label>
        <label className="inline">
          Trace (logins){' '}
          <input type="file" accept=".json,application/json" onChange={(e) => void onFile('trace', e.target.files?.[0])} data-testid="import-trace" />
        </label>
      </div>
      {message !== null && (
        <p role="status" data-testid="import-result">
          {message}
        </p>
      )}
      {trust !== null && (
        <TrustChangeConfirm
          change={trust.change}
          onConfirm={() => importBundle(trust.json, true)}
          onCancel={() => {
            setTrust(null);
            setMessage(`Nothing was imported: the lab keeps trusting the current keys of ${trust.change.entityId}.`);
          }}
        />
      )}
      {error !== null && <ErrorMessage message={error} testId="import-error" />}
    </div>
  );
}
