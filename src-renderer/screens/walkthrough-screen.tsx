// The setup guide: six steps from choosing an IdP to a verified JIT login, each with a state derived from the data.
// A first-time user with the demo IdP only has to press the button in step 4 to reach a result in step 5.
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import type { IdpProfile, LoginDetail, LoginSummary, SpSettings } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { DiffKindBadge, VerdictBadge } from '../components/badges.tsx';
import { CopyButton, ErrorMessage, Loading } from '../components/common.tsx';
import { formatFieldValue, formatRelative, formatTime } from '../components/format.ts';
import { useCall } from '../hooks/use-call.ts';
import { useLoginDetail } from '../hooks/use-login-detail.ts';
import { hrefFor } from '../hooks/use-route.ts';
import { useStartLogin } from '../hooks/use-start-login.ts';
import { useLab } from '../state/lab-store.tsx';
import { VENDORS, type SpValue } from '../walkthrough/vendor-notes.ts';
import {
  activeIdpOf,
  currentStep,
  REQUIRED_STEPS,
  loginsFor,
  STEP_IDS,
  walkthroughStatus,
  type StepId,
  type StepState,
  type StepStatus,
} from '../walkthrough/walkthrough-model.ts';
import { ImportForm } from './idps-screen.tsx';

const STEP_TITLE: Record<StepId, string> = {
  idp: 'Choose or import the identity provider',
  sp: 'Give the IdP this service provider’s values',
  mapping: 'Check how attributes become account fields',
  test: 'Run a test login',
  result: 'Read the result',
  export: 'Export the configuration',
};

const STATE_LABEL: Record<StepState, string> = { done: 'Done', attention: 'Needs attention', todo: 'Not started' };
const STATE_TONE: Record<StepState, string> = { done: 'ok', attention: 'warn', todo: 'muted' };

export function WalkthroughScreen(): ReactNode {
  const { idps, logins } = useLab();
  const idp = activeIdpOf(idps);
  const { last, lastAccepted } = loginsFor(idp, logins);
  const lastDetail = useLoginDetail(last?.id ?? null);
  const lastAcceptedDetail = useLoginDetail(lastAccepted?.id ?? null);
  // Certificate expiry is judged against when the guide opened: render stays pure.
  const [openedAt] = useState(Date.now);
  const status = walkthroughStatus({
    idps,
    logins,
    lastDetail: lastDetail.kind === 'ready' ? lastDetail.detail : null,
    lastAcceptedDetail: lastAcceptedDetail.kind === 'ready' ? lastAcceptedDetail.detail : null,
    now: openedAt,
  });
  const current = currentStep(status);
  // A step the person opened or closed stays so; the others follow the current step as logins arrive.
  const [toggled, setToggled] = useState<Partial<Record<StepId, boolean>>>({});
  const isOpen = (id: StepId): boolean => toggled[id] ?? id === current;
  const open = (id: StepId, value: boolean): void => setToggled((t) => ({ ...t, [id]: value }));
  const goTo = (from: StepId, to: StepId): void => {
    setToggled((t) => ({ ...t, [from]: false, [to]: true }));
    window.requestAnimationFrame(() => document.getElementById(`step-${to}-toggle`)?.focus());
  };
  const doneCount = REQUIRED_STEPS.filter((id) => status[id].state === 'done').length;

  const body: Record<StepId, ReactNode> = {
    idp: <IdpStep idp={idp} idps={idps} />,
    sp: <SpStep idp={idp} />,
    mapping: (
      <MappingStep idp={idp} detail={lastAcceptedDetail.kind === 'ready' ? lastAcceptedDetail.detail : null} />
    ),
    test: <TestStep idp={idp} waiting={last === undefined} />,
    result: <ResultStep last={last} detail={lastDetail.kind === 'ready' ? lastDetail.detail : null} error={lastDetail.kind === 'error' ? lastDetail.message : null} />,
    export: (
      <div>
        <p>
          Take the configuration you just tested to the application that will run the SSO: a versioned bundle (IdP
          metadata, SP settings, policy, JIT rules and the logins that prove them), or ready settings for node-saml,
          Grafana, GitLab, SimpleSAMLphp and Keycloak, with what each of them cannot express.
        </p>
        <a className="btn btn-primary" href="#/export" data-testid="walkthrough-export-link">
          Open Export
        </a>
      </div>
    ),
  };

  return (
    <section className="screen walkthrough" data-testid="walkthrough" data-current-step={current}>
      <div className="screen-head">
        <div>
          <h1>Set up SAML SSO with JIT provisioning</h1>
          <p className="muted">
            From choosing an IdP to a verified login that creates an account. The built-in demo IdP works offline: go
            through the steps with it first, then repeat them with your own IdP.
          </p>
        </div>
        <div className="progress" data-testid="walkthrough-progress">
          <span>
            <strong>{doneCount}</strong> of {REQUIRED_STEPS.length} required steps done
          </span>
          <progress max={REQUIRED_STEPS.length} value={doneCount} aria-label="Setup progress" />
        </div>
      </div>
      <ol className="steps">
        {STEP_IDS.map((id, index) => (
          <Step
            key={id}
            id={id}
            number={index + 1}
            status={status[id]}
            open={isOpen(id)}
            onToggle={(value) => open(id, value)}
            next={index + 1 < STEP_IDS.length ? STEP_IDS[index + 1] : undefined}
            onNext={(to) => goTo(id, to)}
          >
            {body[id]}
          </Step>
        ))}
      </ol>
    </section>
  );
}

function Step({
  id,
  number,
  status,
  open,
  onToggle,
  next,
  onNext,
  children,
}: {
  id: StepId;
  number: number;
  status: StepStatus;
  open: boolean;
  onToggle: (open: boolean) => void;
  next: StepId | undefined;
  onNext: (to: StepId) => void;
  children: ReactNode;
}): ReactNode {
  const label = status.label ?? STATE_LABEL[status.state];
  return (
    <li className={`step step-${status.state}${open ? ' step-open' : ''}`} data-testid={`step-${id}`} data-state={status.state}>
      <h2 className="step-heading">
        <button
          type="button"
          id={`step-${id}-toggle`}
          className="step-toggle"
          aria-expanded={open}
          aria-controls={`step-${id}-body`}
          onClick={() => onToggle(!open)}
        >
          <span className="step-num" aria-hidden="true">
            {status.state === 'done' ? '✓' : status.state === 'attention' ? '!' : number}
          </span>
          <span className="step-title">
            <span className="visually-hidden">Step {number}: </span>
            {STEP_TITLE[id]}
          </span>
          <span className={`badge badge-${STATE_TONE[status.state]}`} data-testid="step-state">
            {label}
          </span>
        </button>
      </h2>
      <p className="step-note" data-testid="step-note">
        {status.note}
      </p>
      {open && (
        <div className="step-body" id={`step-${id}-body`} data-testid="step-body">
          {children}
          {next !== undefined && (
            <div className="step-next">
              <button type="button" className="btn" onClick={() => onNext(next)} data-testid="step-continue">
                Continue to step {number + 1}
              </button>
            </div>
          )}
        </div>
      )}
    </li>
  );
}

function IdpStep({ idp, idps }: { idp: IdpProfile | undefined; idps: IdpProfile[] }): ReactNode {
  const { refreshIdps } = useLab();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const activate = async (id: string): Promise<void> => {
    setBusy(id);
    setError(null);
    try {
      await api.call('idps.activate', { id });
      await refreshIdps();
    } catch (err) {
      setError(`Could not switch the IdP. ${describeError(err)}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div>
      <p>A login is verified against its IdP’s entity ID and signing certificates; the active IdP is where “Sign in with IdP” goes.</p>
      <ul className="choice-list" aria-label="Identity providers">
        {idps.map((i) => (
          <li key={i.id} className={i.active ? 'choice choice-active' : 'choice'} data-testid="walkthrough-idp" data-active={i.active}>
            <div>
              <strong>{i.name}</strong>
              {i.kind === 'demo' && <span className="badge badge-info">Built-in demo</span>}
              <div className="mono small muted wrap">{i.entityId}</div>
            </div>
            {i.active ? (
              <span className="badge badge-ok">Active</span>
            ) : (
              <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void activate(i.id)}>
                {busy === i.id ? 'Switching…' : 'Use this IdP'}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error !== null && <ErrorMessage message={error} />}
      <details className="inline-details" open={idp === undefined}>
        <summary>Import your own IdP’s metadata</summary>
        <p className="muted small">
          Where to find it: {VENDORS.map((v) => `${v.name}: ${v.metadata}`).join(' · ')}
        </p>
        <ImportForm onImported={refreshIdps} />
      </details>
    </div>
  );
}

function spValues(sp: SpSettings, metadataUrl: string): Record<SpValue, string> {
  return { entityId: sp.entityId, acsUrl: sp.acsUrl, nameIdFormat: sp.nameIdFormat, metadataUrl, loginUrl: sp.loginUrl };
}

function SpStep({ idp }: { idp: IdpProfile | undefined }): ReactNode {
  const { sp, info, errors } = useLab();
  const [vendor, setVendor] = useState(VENDORS[0]?.id ?? '');
  if (sp === null) return errors.sp !== undefined ? <ErrorMessage message={`Could not load the SP settings. ${errors.sp}`} /> : <Loading what="SP settings" />;
  // Electron serves the UI from a file, so the metadata link must name the listener.
  const metadataUrl = info !== null ? `${info.listenerUrl}/saml/metadata` : sp.metadataUrl;
  const values = spValues(sp, metadataUrl);
  const chosen = VENDORS.find((v) => v.id === vendor) ?? VENDORS[0];
  const selectVendor = (index: number): void => {
    const v = VENDORS[(index + VENDORS.length) % VENDORS.length];
    if (v === undefined) return;
    setVendor(v.id);
    document.getElementById(`vendor-tab-${v.id}`)?.focus();
  };
  const onTabKey = (e: KeyboardEvent, index: number): void => {
    if (e.key === 'ArrowRight') selectVendor(index + 1);
    else if (e.key === 'ArrowLeft') selectVendor(index - 1);
    else if (e.key === 'Home') selectVendor(0);
    else if (e.key === 'End') selectVendor(VENDORS.length - 1);
    else return;
    e.preventDefault();
  };
  return (
    <div>
      {idp?.kind === 'demo' ? (
        <p>
          <strong>Nothing to paste for the demo IdP.</strong> Keep these values for when you connect your real IdP.
        </p>
      ) : (
        <p>Enter these in your IdP’s admin console. Your browser, not the IdP, posts to the ACS URL: a local address works.</p>
      )}
      <dl className="facts wide sp-values">
        <dt>Entity ID (audience)</dt>
        <dd className="copy-row">
          <code data-testid="walkthrough-entity-id">{sp.entityId}</code>
          <CopyButton value={sp.entityId} label="entity ID" testId="copy-walkthrough-entity-id" />
        </dd>
        <dt>ACS URL (HTTP-POST)</dt>
        <dd className="copy-row">
          <code data-testid="walkthrough-acs-url">{sp.acsUrl}</code>
          <CopyButton value={sp.acsUrl} label="ACS URL" testId="copy-walkthrough-acs-url" />
        </dd>
        <dt>NameID format</dt>
        <dd className="copy-row">
          <code data-testid="walkthrough-nameid-format">{sp.nameIdFormat}</code>
          <CopyButton value={sp.nameIdFormat} label="NameID format" />
        </dd>
        <dt>SP metadata</dt>
        <dd className="copy-row">
          <a href={metadataUrl} download="saml-jit-lab-sp-metadata.xml" data-testid="walkthrough-metadata-link">
            Download SP metadata
          </a>
          <code className="small">{metadataUrl}</code>
          <CopyButton value={metadataUrl} label="metadata URL" />
        </dd>
      </dl>
      <h3 className="subhead">What your IdP’s console calls these</h3>
      <div className="vendor-tabs" role="tablist" aria-label="IdP vendor">
        {VENDORS.map((v, index) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            id={`vendor-tab-${v.id}`}
            aria-selected={v.id === chosen?.id}
            aria-controls="vendor-panel"
            tabIndex={v.id === chosen?.id ? 0 : -1}
            className={v.id === chosen?.id ? 'active' : ''}
            onClick={() => setVendor(v.id)}
            onKeyDown={(e) => onTabKey(e, index)}
            data-testid={`vendor-${v.id}`}
          >
            {v.name}
          </button>
        ))}
      </div>
      {chosen !== undefined && (
        <div className="vendor-panel" role="tabpanel" id="vendor-panel" aria-labelledby={`vendor-tab-${chosen.id}`} data-testid="vendor-notes">
          <p className="small">{chosen.where}</p>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{chosen.name} field</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {chosen.fields.map((f) => (
                <tr key={f.label}>
                  <td>
                    {f.label}
                    {f.note !== undefined && <div className="muted small">{f.note}</div>}
                  </td>
                  <td className="mono small wrap">{values[f.value]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small">
            <strong>Attributes:</strong> {chosen.attributes}
          </p>
          <p className="small">
            <strong>IdP metadata for step 1:</strong> {chosen.metadata}
          </p>
          {chosen.caveat !== undefined && <p className="small warn-text">{chosen.caveat}</p>}
        </div>
      )}
    </div>
  );
}

function MappingStep({ idp, detail }: { idp: IdpProfile | undefined; detail: LoginDetail | null }): ReactNode {
  // The active IdP's real rules, reloaded when they are saved again.
  const rules = useCall('rules.get', idp ? { idpId: idp.id } : null, `${idp?.id ?? ''}@${idp?.rulesUpdatedAt ?? ''}`);
  const after = new Map(detail?.diff.changes.map((c) => [c.field, c.after]) ?? []);
  if (idp === undefined) return <p className="muted">Choose an IdP in step 1 first.</p>;
  if (rules.kind === 'loading') return <p className="muted">Loading the rules…</p>;
  if (rules.kind === 'error') return <p className="error-text">{rules.message}</p>;
  const r = rules.value.rules;
  const principal = r.principal.source === 'nameId' ? 'its NameID' : `the attribute ${r.principal.attribute ?? ''}`;
  const rows = [...r.fields.map((f) => ({ field: f.field, sources: f.sources })), ...(r.groups ? [{ field: 'groups', sources: r.groups.sources }] : [])];
  return (
    <div>
      <p>
        When a login from {idp.name} is accepted, the account is found by {principal}
        {r.principal.caseInsensitive ? ' (without case)' : ''} and these fields are filled from the assertion’s attributes
        {r.preset ? ` (rules from the ${r.preset} preset${idp.rulesUpdatedAt ? ', edited' : ''})` : ''}.
      </p>
      <table className="table compact" data-testid="default-mapping">
        <thead>
          <tr>
            <th scope="col">Account field</th>
            <th scope="col">From attribute</th>
            {detail !== null && <th scope="col">Last accepted login</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.field} data-testid="mapping-row" data-field={m.field}>
              <td className="mono">{m.field}</td>
              <td className="mono small">{m.sources.join(' · ') || '—'}</td>
              {detail !== null && (
                <td className={after.get(m.field) == null ? 'muted' : ''}>
                  {after.get(m.field) == null ? 'not sent' : formatFieldValue(after.get(m.field) ?? null)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        <a href="#/rules" data-testid="walkthrough-rules-link">
          Edit the mapping rules
        </a>
      </p>
    </div>
  );
}

function TestStep({ idp, waiting }: { idp: IdpProfile | undefined; waiting: boolean }): ReactNode {
  const { info } = useLab();
  const { state, start } = useStartLogin();
  if (idp === undefined) return <p className="muted">Choose an IdP in step 1 first.</p>;
  const electron = info?.mode === 'electron';
  const demoPortal = `${info?.listenerUrl ?? ''}/demo-idp/`;
  const vendorHints = VENDORS.map((v) => (
    <li key={v.id}>
      <strong>{v.name}:</strong> {v.idpInitiated}
    </li>
  ));
  return (
    <div className="test-step">
      <div className="test-options">
        <div className="test-option">
          <h3 className="subhead">SP-initiated</h3>
          <p className="small muted">The lab sends an AuthnRequest; {idp.name} signs you in and posts the response back.</p>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void start(idp.id)}
            disabled={state.kind === 'busy'}
            data-testid="walkthrough-sign-in"
          >
            {state.kind === 'busy' ? 'Starting…' : `Sign in with ${idp.name}`}
          </button>
          {state.kind === 'opened' && (
            <p className="small" role="status">
              A login window opened. Sign in there; the result appears here.
            </p>
          )}
          {state.kind === 'error' && <ErrorMessage message={`Could not start the login. ${state.message}`} testId="walkthrough-sign-in-error" />}
        </div>
        <div className="test-option">
          <h3 className="subhead">IdP-initiated</h3>
          {idp.kind === 'demo' ? (
            <>
              <p className="small muted">Start at the IdP, as a user clicking an app tile would (no AuthnRequest).</p>
              <a
                className="btn"
                href={demoPortal}
                target={electron ? '_blank' : undefined}
                rel={electron ? 'noreferrer' : undefined}
                data-testid="walkthrough-idp-initiated"
              >
                Open the demo IdP portal
              </a>
            </>
          ) : (
            <ul className="small vendor-hints">{vendorHints}</ul>
          )}
        </div>
      </div>
      {waiting && (
        <p className="waiting small" role="status" data-testid="walkthrough-waiting">
          <span className="pulse" aria-hidden="true" /> Waiting for the first login from {idp.name} — it shows up here
          (and as a notification) the moment the lab receives it.
        </p>
      )}
    </div>
  );
}

function ResultStep({ last, detail, error }: { last: LoginSummary | undefined; detail: LoginDetail | null; error: string | null }): ReactNode {
  const { accounts } = useLab();
  if (last === undefined) return <p className="muted">Run a test login in step 4: its verdict, its failing checks and the account it created show here.</p>;
  const account = last.accountId === null ? undefined : accounts.find((a) => a.id === last.accountId);
  const failing = detail?.checks.filter((c) => c.status === 'fail') ?? [];
  const who = last.nameId ?? last.claimedNameId;
  return (
    <div data-testid="walkthrough-result" data-verdict={last.verdict}>
      <div className={`verdict-panel ${last.verdict}`}>
        <span>
          <VerdictBadge verdict={last.verdict} testId="walkthrough-verdict" />{' '}
          <strong className="mono">{who ?? '(no NameID)'}</strong>
          {last.nameId === null && last.claimedNameId !== null && <span className="small"> (claimed, unverified)</span>}
        </span>
        <span title={formatTime(last.receivedAt)}>{formatRelative(last.receivedAt)}</span>
      </div>
      {last.verdict === 'accepted' ? (
        <p>
          <DiffKindBadge kind={last.diffKind} cleared={last.clearedCount} />{' '}
          {last.diffKind === 'created' ? 'JIT provisioning created the account' : last.diffKind === 'updated' ? 'JIT provisioning updated the account' : 'The account was already up to date'}{' '}
          {account !== undefined && <strong className="mono">{account.principal}</strong>}.
          {last.warnCount > 0 && ` ${last.warnCount} check${last.warnCount === 1 ? '' : 's'} warned: worth a look.`}
        </p>
      ) : (
        <>
          <p>Nothing was provisioned. Fix these and sign in again:</p>
          {error !== null && <ErrorMessage message={`Could not load the login’s checks. ${error}`} />}
          {detail === null && error === null && <Loading what="the failing checks" />}
          <ul className="failing-list" data-testid="walkthrough-failing">
            {failing.map((c) => (
              <li key={c.id} data-check-id={c.id}>
                <strong>{c.title}</strong> <span className="mono small muted">{c.id}</span>
                {c.hint !== null && <div className="hint">{c.hint}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="result-links">
        <a className="btn" href={hrefFor({ name: 'login', id: last.id, tab: 'summary' })} data-testid="walkthrough-open-login">
          Open this login
        </a>
        <a className="btn" href={hrefFor({ name: 'login', id: last.id, tab: 'diff' })}>
          See the account diff
        </a>
        <a href="#/logins">All logins</a>
      </p>
    </div>
  );
}
