// JIT rules: a form for the common settings and the attribute → field mapping, and a JSON editor (with the model's
// JSON Schema) for everything, kept in step both ways (the form writes the JSON text; the form reads it back).
// A dry run replays a stored login against the rules being edited and shows the diff it would cause. Saving asks
// first, with what changes; leaving with unsaved edits asks too.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { JitRules, type Check, type LoginSummary, type Output, type RulesProblem } from '../../src-main/contract/index.ts';
import { ApiError, api, describeError } from '../api/client.ts';
import { CheckStatusBadge, VerdictBadge } from '../components/badges.tsx';
import { EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import { useCall } from '../hooks/use-call.ts';
import { leaveTo, useLeaveGuard } from '../hooks/use-route.ts';
import { ConfirmDialog } from '../rules/confirm-dialog.tsx';
import { CoverageView, mapAttribute } from '../rules/coverage-view.tsx';
import { DiffView } from '../rules/diff-view.tsx';
import { MappingEditor, type LastLogin } from '../rules/mapping-editor.tsx';
import { summarizeRulesChanges } from '../rules/rules-changes.ts';
import '../rules/rules.css';
import { useLab } from '../state/lab-store.tsx';

const JsonEditor = lazy(() => import('../rules/json-editor.tsx').then((m) => ({ default: m.JsonEditor })));

type DryRun = Output<'rules.dryRun'>;
type Presets = Output<'rules.presets'>;

function parse(text: string): { rules: JitRules | null; error: string | null } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { rules: null, error: `The JSON does not parse: ${describeError(error)}` };
  }
  const missing = missingFormParts(value);
  return missing ? { rules: null, error: `The JSON has no ${missing}.` } : { rules: value as JitRules, error: null };
}

/** The parts the form reads without checking; JSON without them is edited in the JSON editor only (the form would
 * otherwise fail on it). Anything else the schema refuses is shown at its place by the form. */
function missingFormParts(value: unknown): string | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return 'rules object';
  if (!isObject(value.principal)) return '"principal" object';
  if (!Array.isArray(value.fields)) return '"fields" list';
  const groups = value.groups;
  if (!isObject(groups)) return '"groups" object';
  // `required` and `roles` may be left out (the schema defaults them to []); present, they must be lists.
  if (!Array.isArray(groups.sources)) return '"groups.sources" list';
  for (const key of ['required', 'roles'] as const) if (groups[key] !== undefined && !Array.isArray(groups[key])) return `"groups.${key}" list`;
  return null;
}

/** What the rules model says about these rules, each problem at its path (as the core reports them on save). */
function schemaProblems(rules: unknown): RulesProblem[] {
  const result = JitRules.safeParse(rules);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** A login whose attributes went through the rules: verified (it may have been refused by the rules themselves). */
const reachedRules = (l: LoginSummary): boolean => l.verdict === 'accepted' || l.failedCheckIds.every((id) => id.startsWith('jit.'));

type Leaving = { kind: 'hash'; to: string } | { kind: 'idp'; id: string };

export function RulesScreen(): ReactNode {
  const { idps, logins, refreshIdps } = useLab();
  const [idpId, setIdpId] = useState<string | null>(null);
  const [saved, setSaved] = useState<JitRules | null>(null);
  const [schema, setSchema] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [presets, setPresets] = useState<Presets>([]);
  const [problems, setProblems] = useState<RulesProblem[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loginId, setLoginId] = useState<string>('');
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const [dryRunError, setDryRunError] = useState<string | null>(null);
  const [mapped, setMapped] = useState<string | null>(null);
  /** The save confirmation: what changes against the saved rules. */
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const [saving, setSaving] = useState(false);
  /** Where the person asked to go while edits were unsaved. */
  const [leaving, setLeaving] = useState<Leaving | null>(null);
  /** Any edit (and Revert, and a preset) makes the last dry run and the last save problems stale. */
  const changeText = (next: string): void => {
    setText(next);
    setDryRun(null);
    setDryRunError(null);
    setProblems(null);
  };

  const activeId = idpId ?? idps.find((i) => i.active)?.id ?? null;
  const idp = idps.find((i) => i.id === activeId);

  useEffect(() => {
    if (activeId === null) return;
    let cancelled = false;
    Promise.all([api.call('rules.get', { idpId: activeId }), api.call('rules.presets', {})]).then(
      ([got, list]) => {
        if (cancelled) return;
        setSaved(got.rules);
        setSchema(got.jsonSchema);
        setText(JSON.stringify(got.rules, null, 2));
        setPresets(list);
        setProblems(null);
        setMessage(null);
      },
      (error: unknown) => !cancelled && setLoadError(describeError(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [activeId]);

  const candidates = useMemo(() => logins.filter(reachedRules).slice(0, 50), [logins]);
  const selectedLogin = loginId || candidates[0]?.id || '';
  const parsed = useMemo(() => parse(text), [text]);
  const savedText = useMemo(() => (saved === null ? '' : JSON.stringify(saved, null, 2)), [saved]);
  const dirty = saved !== null && text !== savedText;
  const liveProblems = useMemo(() => (parsed.rules === null ? [] : schemaProblems(parsed.rules)), [parsed]);

  // Suggested sources: the attributes of this IdP's last login (newest first in the lab's list).
  const lastSummary = idp === undefined ? undefined : logins.find((l) => l.idpEntityId === idp.entityId && reachedRules(l));
  const lastDetail = useCall('logins.get', lastSummary === undefined ? null : { id: lastSummary.id }, lastSummary?.id ?? '');
  const lastLogin: LastLogin =
    lastSummary === undefined
      ? { kind: 'none' }
      : lastDetail.kind === 'ready'
        ? { kind: 'ready', nameId: lastDetail.value.nameId, receivedAt: lastDetail.value.receivedAt, attributes: lastDetail.value.attributes }
        : lastDetail;

  const onBlocked = useCallback((to: string) => setLeaving({ kind: 'hash', to }), []);
  useLeaveGuard(dirty ? onBlocked : null);

  const edit = (change: (r: JitRules) => void): void => {
    if (!parsed.rules) return;
    const next = structuredClone(parsed.rules);
    change(next);
    changeText(JSON.stringify(next, null, 2));
  };

  /** Save: rules the model refuses are shown at their place at once; otherwise the confirmation lists the changes. */
  const requestSave = (): void => {
    setMessage(null);
    if (!parsed.rules || saved === null) {
      setProblems([{ path: '(root)', message: parsed.error ?? 'invalid JSON' }]);
      return;
    }
    const checked = JitRules.safeParse(parsed.rules);
    if (!checked.success) {
      setProblems(schemaProblems(parsed.rules));
      return;
    }
    setConfirming(summarizeRulesChanges(saved, checked.data));
  };

  const save = async (): Promise<void> => {
    if (!parsed.rules) return;
    setSaving(true);
    try {
      const result = await api.call('rules.update', { idpId: activeId ?? undefined, rules: parsed.rules });
      setSaved(result.rules);
      setText(JSON.stringify(result.rules, null, 2));
      setProblems(null);
      setMessage('Rules saved. New logins from this IdP use them.');
      void refreshIdps();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid-rules') setProblems((error.body.details as RulesProblem[] | undefined) ?? [{ path: '(root)', message: error.message }]);
      else setProblems([{ path: '(root)', message: describeError(error) }]);
    } finally {
      setSaving(false);
      setConfirming(null);
    }
  };

  /** The person chose to leave: the edits go. */
  const leave = (): void => {
    if (leaving === null) return;
    setLeaving(null);
    changeText(savedText);
    if (leaving.kind === 'hash') leaveTo(leaving.to);
    else setIdpId(leaving.id);
  };

  const runDry = useCallback(async (): Promise<void> => {
    setDryRunError(null);
    setMapped(null);
    if (!parsed.rules) {
      setDryRunError(parsed.error);
      return;
    }
    try {
      setDryRun(await api.call('rules.dryRun', { loginId: selectedLogin, rules: parsed.rules }));
    } catch (error) {
      setDryRun(null);
      if (error instanceof ApiError && error.code === 'invalid-rules') {
        const list = (error.body.details as RulesProblem[] | undefined) ?? [];
        setDryRunError(list.map((p) => `${p.path}: ${p.message}`).join('; ') || error.message);
      } else setDryRunError(describeError(error));
    }
  }, [parsed, selectedLogin]);

  if (loadError !== null) return <ErrorMessage message={`Could not load the rules. ${loadError}`} />;
  if (saved === null || idp === undefined) return <Loading what="rules" />;
  const r = parsed.rules;
  const fieldProblems = [...liveProblems, ...(problems ?? []).filter((p) => !liveProblems.some((l) => l.path === p.path && l.message === p.message))];

  return (
    <section className="screen" data-testid="rules-screen">
      <div className="screen-head">
        <h1>JIT rules</h1>
        <p className="muted">
          How a verified login from <strong>{idp.name}</strong> becomes an account: which account it matches, which fields it sets, which roles it grants.{' '}
          <span data-testid="rules-updated-at">
            {idp.rulesUpdatedAt === null ? 'Never saved: the generic preset applies.' : `Last saved ${formatTime(idp.rulesUpdatedAt)}.`}
          </span>
        </p>
      </div>
      <div className="form-row">
        <label className="field field-inline">
          <span>IdP</span>
          <select value={activeId ?? ''} onChange={(e) => (dirty ? setLeaving({ kind: 'idp', id: e.target.value }) : setIdpId(e.target.value))} data-testid="rules-idp">
            {idps.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
                {i.active ? ' (active)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span>Start from a preset</span>
          <select
            value=""
            onChange={(e) => {
              const preset = presets.find((p) => p.id === e.target.value);
              if (preset) changeText(JSON.stringify(preset.rules, null, 2));
            }}
            data-testid="rules-preset"
          >
            <option value="">Choose…</option>
            {presets.map((p) => (
              <option key={p.id} value={p.id} title={p.description}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>

      {problems !== null && (
        <div className="error" role="alert" data-testid="rules-problems">
          <strong>Rules not saved; the last saved rules stay in force.</strong>
          <ul>
            {problems.map((p) => (
              <li key={`${p.path}:${p.message}`} data-testid="rules-problem" data-path={p.path}>
                <code>{p.path}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {message !== null && (
        <p className="banner" role="status" data-testid="rules-saved">
          {message}
        </p>
      )}

      <div className="rules-layout">
        <div className="rules-form-column">
          <div className="card">
            <h2>Common settings</h2>
            {r === null ? (
              <p className="error-inline" data-testid="rules-json-error">
                {parsed.error} Fix it in the JSON editor to use this form.
              </p>
            ) : (
              <RulesForm rules={r} edit={edit} />
            )}
          </div>
          <div className="card">
            <h2>Attributes → account fields</h2>
            <p className="muted small">Each field takes its first source the login carries, then runs its transforms in order.</p>
            {r === null ? <p className="error-inline">Fix the JSON in the editor to edit the mapping here.</p> : <MappingEditor rules={r} edit={edit} lastLogin={lastLogin} problems={fieldProblems} />}
          </div>
        </div>
        <div className="card">
          <h2>All rules (JSON)</h2>
          <p className="muted small">Validated against the rules schema as you type; Ctrl+Space completes names.</p>
          <Suspense fallback={<Loading what="editor" />}>{schema !== null && <JsonEditor value={text} onChange={changeText} schema={schema} />}</Suspense>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={requestSave} disabled={!dirty} data-testid="rules-save">
          Save rules
        </button>
        <button type="button" className="btn" onClick={() => changeText(JSON.stringify(saved, null, 2))} disabled={!dirty} data-testid="rules-revert">
          Revert to saved
        </button>
        {dirty && <span className="small muted">Unsaved changes: the dry run below uses them.</span>}
      </div>

      <div className="card" data-testid="dry-run">
        <h2>Dry run</h2>
        {candidates.length === 0 ? (
          <EmptyState title="No login to replay yet">Sign in once with the IdP, then replay that login here against edited rules.</EmptyState>
        ) : (
          <>
            <div className="form-row">
              <label className="field field-inline">
                <span>Replay login</span>
                <select value={selectedLogin} onChange={(e) => setLoginId(e.target.value)} data-testid="dry-run-login">
                  {candidates.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.nameId ?? l.claimedNameId ?? '(no NameID)'} · {formatTime(l.receivedAt)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="btn" onClick={() => void runDry()} data-testid="dry-run-submit">
                What would happen now?
              </button>
            </div>
            {dryRunError !== null && <ErrorMessage message={dryRunError} testId="dry-run-error" />}
            {mapped !== null && (
              <p className="banner" role="status" data-testid="dry-run-mapped">
                {mapped} (unsaved). Run the dry run again to see what it changes.
              </p>
            )}
            {dryRun !== null && (
              <DryRunResult
                result={dryRun}
                fields={r?.fields.map((f) => f.field) ?? []}
                onMap={(attribute, field) => {
                  edit((x) => mapAttribute(x, attribute, field));
                  setMapped(`Mapped ${attribute} to the field ${field}`);
                }}
              />
            )}
          </>
        )}
      </div>

      {confirming !== null && (
        <ConfirmDialog
          title={`Save the JIT rules of ${idp.name}?`}
          cancelLabel="Cancel"
          confirmLabel={saving ? 'Saving…' : 'Save rules'}
          busy={saving}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void save()}
          testId="rules-confirm"
        >
          {confirming.length === 0 ? (
            <p data-testid="rules-confirm-none">Nothing changes in meaning: only the JSON’s layout differs from the saved rules.</p>
          ) : (
            <>
              <p>What changes against the saved rules:</p>
              <ul className="rules-changes" data-testid="rules-confirm-changes">
                {confirming.map((c) => (
                  <li key={c} data-testid="rules-confirm-change">
                    {c}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p>
            The change applies from the <strong>next login from {idp.name}</strong>. Accounts it already created change only when their user signs in again.
          </p>
        </ConfirmDialog>
      )}
      {leaving !== null && (
        <ConfirmDialog
          title="Leave with unsaved edits?"
          cancelLabel="Stay"
          confirmLabel="Leave and discard the edits"
          danger
          onCancel={() => setLeaving(null)}
          onConfirm={leave}
          testId="rules-leave"
        >
          <p>
            Your edits to the JIT rules of {idp.name} are not saved. Stay to keep editing (and save them), or leave and lose them; the saved rules stay in force.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function DryRunResult({ result, fields, onMap }: { result: DryRun; fields: string[]; onMap: (attribute: string, field: string) => void }): ReactNode {
  const jitChecks = result.checks.filter((c: Check) => c.id.startsWith('jit.'));
  return (
    <div data-testid="dry-run-result" data-verdict={result.verdict}>
      <p>
        <VerdictBadge verdict={result.verdict} testId="dry-run-verdict" />{' '}
        {result.before !== null ? (
          <span data-testid="dry-run-before">
            matches the existing account{' '}
            <a href={`#/accounts/${encodeURIComponent(result.before.id)}`} className="mono">
              {result.before.principal}
            </a>
            {result.verdict === 'rejected' && ' — which these rules would refuse to sign in'}
          </span>
        ) : (
          <span>no existing account matches</span>
        )}
        <span className="muted small"> · nothing was written</span>
      </p>
      {result.coverage !== null && (
        <p className="small" data-testid="dry-run-groups">
          Groups received: <span data-testid="dry-run-groups-received">{result.groups.received.join(', ') || 'none'}</span>
          {result.groups.required.length > 0 && (
            <>
              {' '}
              · required (one of): <span data-testid="dry-run-groups-required">{result.groups.required.join(', ')}</span>
            </>
          )}
        </p>
      )}
      {jitChecks.length > 0 && (
        <ul className="plain">
          {jitChecks.map((c) => (
            <li key={c.id} data-testid="dry-run-check" data-check-id={c.id} data-status={c.status}>
              <CheckStatusBadge status={c.status} /> <code>{c.id}</code> {c.title}
              {c.received !== null && <span className="muted"> — {c.received}</span>}
              {c.hint !== null && <div className="small">{c.hint}</div>}
            </li>
          ))}
        </ul>
      )}
      <DiffView diff={result.diff} />
      {result.coverage !== null && (
        <details className="coverage-details" open={result.coverage.unmappedAttributes.length > 0 || result.coverage.clearedFields.length > 0}>
          <summary>Attribute coverage</summary>
          <CoverageView coverage={result.coverage} fields={fields} onMap={onMap} testId="dry-run-coverage" />
        </details>
      )}
    </div>
  );
}

function RulesForm({ rules, edit }: { rules: JitRules; edit: (change: (r: JitRules) => void) => void }): ReactNode {
  const roles = rules.groups.roles ?? [];
  return (
    <div className="rules-form" data-testid="rules-form">
      <label className="field">
        <span>Account key (principal)</span>
        <select
          value={rules.principal.source === 'nameId' ? 'nameId' : `attr:${rules.principal.attribute ?? ''}`}
          onChange={(e) =>
            edit((r) => {
              r.principal = e.target.value === 'nameId' ? { source: 'nameId', caseInsensitive: r.principal.caseInsensitive } : { source: 'attribute', attribute: r.principal.attribute ?? 'uid', caseInsensitive: r.principal.caseInsensitive };
            })
          }
          data-testid="rules-principal"
        >
          <option value="nameId">NameID</option>
          <option value={`attr:${rules.principal.attribute ?? 'uid'}`}>An attribute…</option>
        </select>
      </label>
      {rules.principal.source === 'attribute' && (
        <label className="field">
          <span>Principal attribute</span>
          <input value={rules.principal.attribute ?? ''} onChange={(e) => edit((r) => void (r.principal.attribute = e.target.value))} data-testid="rules-principal-attribute" />
        </label>
      )}
      <label className="field">
        <span>When the email belongs to another account</span>
        <select value={rules.emailConflict} onChange={(e) => edit((r) => void (r.emailConflict = e.target.value as JitRules['emailConflict']))} data-testid="rules-email-conflict">
          <option value="refuse">Refuse the login (GitLab default)</option>
          <option value="link">Link to that account (auto_link_saml_user)</option>
          <option value="create">Create a second account (warned)</option>
        </select>
      </label>
      {rules.emailConflict === 'link' && (
        <label className="check">
          <input type="checkbox" checked={rules.linkAcrossIdps} onChange={(e) => edit((r) => void (r.linkAcrossIdps = e.target.checked))} data-testid="rules-link-across-idps" /> Also link into accounts of another IdP
        </label>
      )}
      <label className="field">
        <span>A principal or email that only looks like an existing one (Unicode look-alike)</span>
        <select value={rules.lookalikes} onChange={(e) => edit((r) => void (r.lookalikes = e.target.value as JitRules['lookalikes']))} data-testid="rules-lookalikes">
          <option value="refuse">Refuse the login (never merged)</option>
          <option value="warn">Warn and keep the accounts apart</option>
        </select>
      </label>
      <label className="field">
        <span>Sync mode</span>
        <select value={rules.syncMode} onChange={(e) => edit((r) => void (r.syncMode = e.target.value as JitRules['syncMode']))} data-testid="rules-sync-mode">
          <option value="force">Force: update fields and roles on every login</option>
          <option value="import">Import: set fields only when the account is created</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={rules.allowSignUp} onChange={(e) => edit((r) => void (r.allowSignUp = e.target.checked))} data-testid="rules-allow-sign-up" /> Allow sign-up of unknown users
      </label>
      <label className="check">
        <input type="checkbox" checked={rules.newAccountStatus === 'blocked'} onChange={(e) => edit((r) => void (r.newAccountStatus = e.target.checked ? 'blocked' : 'active'))} data-testid="rules-block-new" /> New accounts start blocked (pending approval)
      </label>
      <label className="field">
        <span>Required groups (comma-separated; empty: none)</span>
        <input
          value={(rules.groups.required ?? []).join(', ')}
          onChange={(e) => edit((r) => void (r.groups.required = e.target.value.split(',').map((s) => s.trim()).filter(Boolean)))}
          data-testid="rules-required-groups"
        />
      </label>
      <fieldset className="fieldset">
        <legend>Groups → roles</legend>
        <label className="field field-inline">
          <span>Mode</span>
          <select value={rules.groups.roleMode} onChange={(e) => edit((r) => void (r.groups.roleMode = e.target.value as JitRules['groups']['roleMode']))} data-testid="rules-role-mode">
            <option value="highest">First matching rule wins (Grafana)</option>
            <option value="all">Every matching rule (GitLab)</option>
          </select>
        </label>
        <table className="table compact" data-testid="rules-roles">
          <thead>
            <tr>
              <th>Role</th>
              <th>Match</th>
              <th>Group or pattern</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {roles.map((role, i) => (
              <tr key={i} data-testid="rules-role-row">
                <td>
                  <input aria-label="Role" value={role.role} onChange={(e) => edit((r) => void (r.groups.roles[i]!.role = e.target.value))} data-testid="rules-role-name" />
                </td>
                <td>
                  <select aria-label="Match" value={role.match} onChange={(e) => edit((r) => void (r.groups.roles[i]!.match = e.target.value as 'exact' | 'regex'))}>
                    <option value="exact">exact</option>
                    <option value="regex">regex</option>
                  </select>
                </td>
                <td>
                  <input aria-label="Group or pattern" value={role.value} onChange={(e) => edit((r) => void (r.groups.roles[i]!.value = e.target.value))} data-testid="rules-role-value" />
                </td>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => edit((r) => void r.groups.roles.splice(i, 1))} aria-label={`Remove role rule ${i + 1}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="btn btn-small" onClick={() => edit((r) => void (r.groups.roles ??= []).push({ role: 'Admin', match: 'exact', value: 'admins' }))} data-testid="rules-add-role">
          Add role rule
        </button>
      </fieldset>
    </div>
  );
}
