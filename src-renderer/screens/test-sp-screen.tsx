// Test an SP: the lab as the IdP of the person's own application. Register the SP (its metadata, or entity ID + ACS
// URL), hand it the lab IdP's metadata (copy / download), sign in to it as a demo user, run the conformance and
// attack suite with progress, and read the report card (expected / observed / evidence per case, and the account the
// app created next to what the lab's JIT rules would create).
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { Output, RegisteredSp, SpTestCaseResult, SpTestProgress, SpTestReport } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { CopyButton, EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { useCall, useSave } from '../hooks/use-call.ts';
import './test-sp-screen.css';
import { formatTime } from '../components/format.ts';

function download(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

type IdpMetadata = Output<'testSps.idpMetadata'>;

export function TestSpScreen(): ReactNode {
  const spList = useCall('testSps.list', {}, 'testSps.list');
  const idpMetadata = useCall('testSps.idpMetadata', {}, 'testSps.idpMetadata');
  const [picked, setPicked] = useState<string | null>(null);
  const sps = spList.kind === 'ready' ? spList.value : null;
  const idp = idpMetadata.kind === 'ready' ? idpMetadata.value : null;
  const error = spList.kind === 'error' ? spList.message : idpMetadata.kind === 'error' ? idpMetadata.message : null;
  const selected = picked ?? sps?.[0]?.id ?? null;
  const sp = sps?.find((s) => s.id === selected) ?? null;
  return (
    <section className="screen test-sp" data-testid="test-sp-screen" data-app-state={sps === null ? 'loading' : 'ready'}>
      <div className="screen-head">
        <h1>Test an SP</h1>
        <p className="muted">
          The lab acts as the IdP of your application and checks that it accepts a valid login and refuses forged, expired, replayed or wrapped
          responses. Only applications on 127.0.0.1 can be tested.
        </p>
      </div>
      {error !== null && <ErrorMessage message={error} testId="test-sp-error" />}
      {idp === null ? error === null && <Loading what="the lab IdP" /> : <IdpPanel idp={idp} />}
      <RegisterPanel
        onRegistered={(registered) => {
          setPicked(registered.id);
          spList.reload();
        }}
      />
      {sps !== null && sps.length === 0 && (
        <EmptyState title="No SP registered yet" testId="test-sp-empty">
          Import your application&apos;s SP metadata above, or give its entity ID and ACS URL.
        </EmptyState>
      )}
      <RequestsPanel />
      {sps !== null && sps.length > 0 && (
        <div className="panel">
          <label className="field">
            <span>SP under test</span>
            <select value={selected ?? ''} onChange={(e) => setPicked(e.target.value)} data-testid="test-sp-select">
              {sps.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          {sp && idp && <SpPanel key={sp.id} sp={sp} idp={idp} onChanged={spList.reload} />}
        </div>
      )}
    </section>
  );
}

function IdpPanel({ idp }: { idp: IdpMetadata }): ReactNode {
  return (
    <div className="panel" data-testid="test-sp-idp">
      <h2>1. Configure your SP with the lab IdP</h2>
      <dl className="facts wide">
        <dt>Entity ID</dt>
        <dd className="mono">{idp.entityId}</dd>
        <dt>SSO URL (Redirect and POST)</dt>
        <dd className="mono">{idp.ssoUrl}</dd>
        <dt>Metadata URL</dt>
        <dd className="mono">{idp.metadataUrl}</dd>
      </dl>
      <div className="form-actions">
        <CopyButton value={idp.xml} label="IdP metadata" testId="test-sp-copy-metadata" />
        <button type="button" className="btn btn-small" onClick={() => download('saml-jit-lab-idp-metadata.xml', idp.xml, 'application/xml')} data-testid="test-sp-download-metadata">
          Download metadata
        </button>
      </div>
    </div>
  );
}

/** The AuthnRequests the lab IdP received (sign-ins started from the app), with their checks. */
function RequestsPanel(): ReactNode {
  const received = useCall('testSps.requests', {}, 'testSps.requests');
  const requests = received.kind === 'ready' ? received.value : null;
  const error = received.kind === 'error' ? received.message : null;
  return (
    <details className="panel" data-testid="test-sp-requests">
      <summary>AuthnRequests received by the lab IdP{requests ? ` (${requests.length})` : ''}</summary>
      <button type="button" className="btn btn-small" onClick={received.reload}>
        Refresh
      </button>
      {error !== null && <ErrorMessage message={error} />}
      {requests?.length === 0 && <p className="muted">None yet: sign in to your app (SP-initiated) to see its request checked here.</p>}
      {requests?.map((r) => (
        <div key={`${r.at}-${r.requestId ?? ''}`} className="test-sp-request">
          <p className="small">
            {formatTime(r.at)} · {r.binding === 'redirect' ? 'HTTP-Redirect' : 'HTTP-POST'} · <span className="mono">{r.spEntityId ?? 'unknown SP'}</span> ·{' '}
            <span className="mono">{r.requestId ?? '—'}</span>
          </p>
          <ul className="test-sp-checks">
            {r.checks.map((check) => (
              <li key={check.id} data-check-id={check.id} data-status={check.status}>
                <span className={`badge ${check.status === 'pass' ? 'badge-ok' : check.status === 'warn' ? 'badge-warn' : 'badge-bad'}`}>{check.status}</span> <code>{check.id}</code> {check.title}
                {check.status !== 'pass' && (
                  <div className="small">
                    expected {check.expected}; received {check.received}. {check.hint}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </details>
  );
}

type Source = 'metadata' | 'url' | 'manual';
type Observe = 'whoami' | 'rule';

function RegisterPanel({ onRegistered }: { onRegistered: (sp: RegisteredSp) => void }): ReactNode {
  const [source, setSource] = useState<Source>('metadata');
  const [metadataXml, setMetadataXml] = useState('');
  const [metadataUrl, setMetadataUrl] = useState('');
  const [entityId, setEntityId] = useState('');
  const [acsUrl, setAcsUrl] = useState('');
  const [startUrl, setStartUrl] = useState('');
  const [observe, setObserve] = useState<Observe>('whoami');
  const [whoamiUrl, setWhoamiUrl] = useState('');
  const [successRule, setSuccessRule] = useState('');
  const { state, save, setState } = useSave();

  const readFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    if (file.size > 2_000_000) {
      setState({ kind: 'error', message: 'That file is larger than any SP metadata should be (2 MB).' });
      return;
    }
    setMetadataXml(await file.text());
  };

  const submit = (event: FormEvent): Promise<void> => {
    event.preventDefault();
    return save(async () => {
      const sp = await api.call('testSps.register', {
        ...(source === 'metadata' && { metadataXml }),
        ...(source === 'url' && { metadataUrl }),
        ...(source === 'manual' && { entityId, acsUrl }),
        ...(source !== 'manual' && acsUrl && { acsUrl }),
        startUrl: startUrl || null,
        whoamiUrl: observe === 'whoami' && whoamiUrl ? whoamiUrl : null,
        successRule: observe === 'rule' && successRule ? successRule : null,
      });
      onRegistered(sp);
    });
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} data-testid="test-sp-register">
      <h2>2. Register your SP</h2>
      <div className="test-sp-tabs" role="radiogroup" aria-label="How to register the SP">
        {(
          [
            ['metadata', 'Metadata (file or paste)'],
            ['url', 'Metadata URL'],
            ['manual', 'Entity ID + ACS URL'],
          ] as const
        ).map(([id, label]) => (
          <label key={id} className="check">
            <input type="radio" name="sp-source" checked={source === id} onChange={() => setSource(id)} data-testid={`test-sp-source-${id}`} /> {label}
          </label>
        ))}
      </div>
      {source === 'metadata' && (
        <>
          <label className="field">
            <span>SP metadata file</span>
            <input type="file" accept=".xml,application/xml,text/xml" onChange={(e) => void readFile(e.target.files?.[0])} data-testid="test-sp-metadata-file" />
          </label>
          <label className="field">
            <span>…or paste it</span>
            <textarea rows={5} className="mono" value={metadataXml} onChange={(e) => setMetadataXml(e.target.value)} data-testid="test-sp-metadata-xml" />
          </label>
        </>
      )}
      {source === 'url' && (
        <label className="field">
          <span>SP metadata URL</span>
          <input type="url" value={metadataUrl} onChange={(e) => setMetadataUrl(e.target.value)} required data-testid="test-sp-metadata-url" />
        </label>
      )}
      {source === 'manual' && (
        <label className="field">
          <span>SP entity ID</span>
          <input value={entityId} onChange={(e) => setEntityId(e.target.value)} required data-testid="test-sp-entity-id" />
        </label>
      )}
      <label className="field">
        <span>ACS URL (HTTP-POST){source === 'manual' ? '' : ' — leave empty to take the metadata\'s'}</span>
        <input type="url" value={acsUrl} onChange={(e) => setAcsUrl(e.target.value)} required={source === 'manual'} placeholder="http://127.0.0.1:3000/saml/acs" data-testid="test-sp-acs-url" />
      </label>
      <label className="field">
        <span>Start URL (optional: the page of your app that starts a login; makes the suite SP-initiated)</span>
        <input type="url" value={startUrl} onChange={(e) => setStartUrl(e.target.value)} placeholder="http://127.0.0.1:3000/login" data-testid="test-sp-start-url" />
      </label>
      <fieldset className="test-sp-observe">
        <legend>How a successful login shows</legend>
        <label className="check">
          <input type="radio" name="observe" checked={observe === 'whoami'} onChange={() => setObserve('whoami')} /> A who-am-I page of the app (answers 2xx
          and names the user; recommended)
        </label>
        {observe === 'whoami' && (
          <input type="url" value={whoamiUrl} onChange={(e) => setWhoamiUrl(e.target.value)} required placeholder="http://127.0.0.1:3000/me" aria-label="Who-am-I URL" data-testid="test-sp-whoami-url" />
        )}
        <label className="check">
          <input type="radio" name="observe" checked={observe === 'rule'} onChange={() => setObserve('rule')} /> A rule on the ACS answer
        </label>
        {observe === 'rule' && (
          <input value={successRule} onChange={(e) => setSuccessRule(e.target.value)} required placeholder="status=302 · location~^/dashboard · text~Welcome" aria-label="Success rule" data-testid="test-sp-success-rule" />
        )}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={state.kind === 'saving'} data-testid="test-sp-register-submit">
          {state.kind === 'saving' ? 'Registering…' : 'Register SP'}
        </button>
      </div>
      {state.kind === 'error' && <ErrorMessage message={state.message} testId="test-sp-register-error" />}
    </form>
  );
}

function SpPanel({ sp, idp, onChanged }: { sp: RegisteredSp; idp: IdpMetadata; onChanged: () => void }): ReactNode {
  // The last report stored for this SP until a run here replaces it (the panel is keyed by the SP).
  const lastReport = useCall('testSps.lastReport', { id: sp.id }, sp.id);
  const [ranReport, setReport] = useState<SpTestReport | null>(null);
  const report = ranReport ?? (lastReport.kind === 'ready' ? lastReport.value : null);
  const [progress, setProgress] = useState<SpTestProgress | null>(null);
  const [running, setRunning] = useState(false);
  // undefined until this panel runs or removes something: then its own outcome replaces the last report's error.
  const [runError, setError] = useState<string | null | undefined>(undefined);
  const error = runError === undefined ? (lastReport.kind === 'error' ? lastReport.message : null) : runError;

  useEffect(
    () =>
      api.on('testSps.progress', (p) => {
        if (p.runId.startsWith(`${sp.id}:`)) setProgress(p);
      }),
    [sp.id],
  );

  const run = async (): Promise<void> => {
    setRunning(true);
    setError(null);
    setProgress(null);
    try {
      setReport(await api.call('testSps.run', { id: sp.id }));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setRunning(false);
    }
  };

  const remove = async (): Promise<void> => {
    try {
      await api.call('testSps.remove', { id: sp.id });
      onChanged();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const listener = new URL(idp.ssoUrl).origin;
  return (
    <div data-testid="test-sp-panel">
      <dl className="facts wide">
        <dt>Entity ID</dt>
        <dd className="mono">{sp.entityId}</dd>
        <dt>ACS URL</dt>
        <dd className="mono">{sp.acsUrl}</dd>
        <dt>Login</dt>
        <dd>{sp.startUrl ? <span className="mono">SP-initiated from {sp.startUrl}</span> : 'IdP-initiated (no start URL)'}</dd>
        <dt>Success seen by</dt>
        <dd className="mono">{sp.whoamiUrl ? `who-am-I ${sp.whoamiUrl}` : (sp.successRule ?? '—')}</dd>
        <dt>AuthnRequests</dt>
        <dd>
          {sp.authnRequestsSigned ? 'signed (required)' : 'unsigned allowed'}
          {sp.signingCertificates.length > 0 ? `, ${sp.signingCertificates.length} signing key${sp.signingCertificates.length > 1 ? 's' : ''} from the metadata` : ''}
        </dd>
      </dl>
      <div className="form-actions">
        {sp.startUrl && (
          <a className="btn" href={sp.startUrl} target="_blank" rel="noreferrer" data-testid="test-sp-signin-sp">
            Sign in to the SP (SP-initiated)
          </a>
        )}
        <a className="btn" href={`${listener}/idp/initiate?sp=${encodeURIComponent(sp.id)}&user=alice`} target="_blank" rel="noreferrer" data-testid="test-sp-signin-idp">
          Sign in as Alice (IdP-initiated)
        </a>
        <button type="button" className="btn btn-primary" onClick={() => void run()} disabled={running || (!sp.whoamiUrl && !sp.successRule)} data-testid="test-sp-run">
          {running ? 'Running…' : 'Run the suite'}
        </button>
        <button type="button" className="btn" onClick={() => void remove()} disabled={running} data-testid="test-sp-remove">
          Remove
        </button>
      </div>
      {!sp.whoamiUrl && !sp.successRule && <p className="muted">Register the SP again with a who-am-I URL or a success rule to run the suite.</p>}
      {running && (
        <div className="test-sp-progress" role="status" data-testid="test-sp-progress">
          <progress max={progress?.total ?? 1} value={progress?.done ?? 0} />
          <span>{progress ? `${progress.done} of ${progress.total}${progress.caseId ? ` — ${progress.caseId}` : ''}` : 'Starting…'}</span>
        </div>
      )}
      {error !== null && <ErrorMessage message={error} testId="test-sp-run-error" />}
      {report && <ReportCard report={report} />}
    </div>
  );
}

const VERDICT_CLASS: Record<SpTestCaseResult['verdict'], string> = { safe: 'badge-ok', VULNERABLE: 'badge-bad', inconclusive: 'badge-muted', warn: 'badge-warn' };

function ReportCard({ report }: { report: SpTestReport }): ReactNode {
  const s = report.summary;
  return (
    <div className="test-sp-report" data-testid="test-sp-report" data-exit-code={report.exitCode}>
      <h2>Report card</h2>
      <p className={report.exitCode === 0 ? 'ok' : 'bad'} data-testid="test-sp-summary">
        {s.safe} safe, {s.vulnerable} VULNERABLE, {s.inconclusive} inconclusive, {s.warn} warning{s.warn === 1 ? '' : 's'} — acceptance seen by {report.observation}, as{' '}
        {report.user.nameId}, {formatTime(report.finishedAt)}.
      </p>
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={() => download('sp-test-report.json', JSON.stringify(report, null, 2), 'application/json')} data-testid="test-sp-download-report">
          Download the report (JSON)
        </button>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Case</th>
            <th>Expected</th>
            <th>Observed</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {report.cases.map((c) => (
            <CaseRow key={c.id} c={c} />
          ))}
        </tbody>
      </table>
      <AccountComparison account={report.account} />
    </div>
  );
}

function CaseRow({ c }: { c: SpTestCaseResult }): ReactNode {
  const e = c.evidence;
  const xml = e.samlResponse ? decodeBase64(e.samlResponse) : null;
  return (
    <tr data-testid={`test-sp-case-${c.id}`} data-verdict={c.verdict}>
      <td>
        <strong>{c.title}</strong>
        <div className="small muted mono">{c.id}</div>
      </td>
      <td>{c.expect}</td>
      <td>{c.observed}</td>
      <td>
        <span className={`badge ${VERDICT_CLASS[c.verdict]}`}>{c.verdict === 'warn' ? 'WARN' : c.verdict}</span>
        <div className="small">{c.detail}</div>
        <details>
          <summary>Evidence</summary>
          <dl className="facts">
            {e.requestId && (
              <>
                <dt>AuthnRequest</dt>
                <dd className="mono">{e.requestId}</dd>
              </>
            )}
            <dt>InResponseTo sent</dt>
            <dd className="mono">{e.inResponseTo ?? '—'}</dd>
            <dt>ACS answer</dt>
            <dd className="mono">
              {e.acsStatus ?? '—'}
              {e.acsLocation ? ` → ${e.acsLocation}` : ''}
            </dd>
            <dt>Final page</dt>
            <dd className="mono">
              {e.finalStatus ?? '—'} {e.finalUrl ?? ''}
            </dd>
            {e.whoamiStatus !== null && (
              <>
                <dt>Who-am-I</dt>
                <dd className="mono">{e.whoamiStatus}</dd>
              </>
            )}
            {e.error && (
              <>
                <dt>Error</dt>
                <dd>{e.error}</dd>
              </>
            )}
          </dl>
          {e.requestChecks.length > 0 && (
            <ul className="test-sp-checks">
              {e.requestChecks.map((check) => (
                <li key={check.id} data-check-id={check.id} data-status={check.status}>
                  <span className={`badge ${check.status === 'pass' ? 'badge-ok' : check.status === 'warn' ? 'badge-warn' : 'badge-bad'}`}>{check.status}</span> <code>{check.id}</code>{' '}
                  {check.status !== 'pass' && <span className="small">expected {check.expected}; received {check.received}. {check.hint}</span>}
                </li>
              ))}
            </ul>
          )}
          {e.pageExcerpt && <pre className="test-sp-excerpt">{e.pageExcerpt}</pre>}
          {xml && (
            <button type="button" className="btn btn-small" onClick={() => download(`sp-test-${c.id}-response.xml`, xml, 'application/xml')}>
              Download the response sent
            </button>
          )}
        </details>
      </td>
    </tr>
  );
}

function AccountComparison({ account }: { account: SpTestReport['account'] }): ReactNode {
  const fields = [...new Set([...Object.keys(account.lab ?? {}), ...Object.keys(account.app ?? {})])];
  return (
    <div className="test-sp-account" data-testid="test-sp-account">
      <h3>The account your app created, next to the lab&apos;s JIT plan</h3>
      {account.app === null && account.appText === null && <p className="muted">The who-am-I page did not show the account (or the valid login was not accepted).</p>}
      {account.appText !== null && (
        <p>
          Your app shows: <span className="mono">{account.appText}</span>
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>Field</th>
            <th>Your app</th>
            <th>Lab JIT rules</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => {
            const mismatch = account.mismatches.some((m) => m.field === f);
            return (
              <tr key={f} className={mismatch ? 'test-sp-mismatch' : undefined} data-testid={`test-sp-account-${f}`}>
                <td className="mono">{f}</td>
                <td>{account.app?.[f] ?? '—'}</td>
                <td>{account.lab?.[f] ?? '—'}</td>
              </tr>
            );
          })}
          {account.labRoles.length > 0 && (
            <tr>
              <td className="mono">roles</td>
              <td>—</td>
              <td>{account.labRoles.join(', ')}</td>
            </tr>
          )}
        </tbody>
      </table>
      {account.mismatches.length > 0 && <p className="bad">{account.mismatches.length} field(s) differ between your app and the lab&apos;s model.</p>}
    </div>
  );
}

function decodeBase64(b64: string): string | null {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
}
