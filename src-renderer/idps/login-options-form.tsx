// How SP-initiated logins to one IdP are sent (LoginOptions), with what "auto" resolves to for its metadata.
import { useId, useMemo, useState, type ReactNode } from 'react';
import { NAMEID_FORMATS, type IdpProfile, type LoginOptions } from '../../src-main/contract/index.ts';
import { api } from '../api/client.ts';
import { ErrorMessage } from '../components/common.tsx';
import { useSave } from '../hooks/use-call.ts';

type Binding = LoginOptions['binding'];
type SignRequest = LoginOptions['signRequest'];
type Comparison = LoginOptions['authnContextComparison'];

const COMMON_CLASS_REFS: { label: string; value: string }[] = [
  { label: 'Password over TLS', value: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport' },
  { label: 'Password', value: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password' },
  { label: 'X.509 certificate', value: 'urn:oasis:names:tc:SAML:2.0:ac:classes:X509' },
  { label: 'Kerberos / Windows', value: 'urn:federation:authentication:windows' },
  { label: 'MFA (Entra ID / ADFS)', value: 'http://schemas.microsoft.com/claims/multipleauthn' },
  { label: 'Unspecified', value: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified' },
];

const COMPARISONS: Comparison[] = ['exact', 'minimum', 'maximum', 'better'];
const OTHER = '__other__';
const SP_DEFAULT = '__sp__';

export function shortFormat(format: string): string {
  return format.replace(/^urn:oasis:names:tc:SAML:\d\.\d:nameid-format:/, '');
}

/** What the options amount to for this IdP: the binding and signing "auto" picks, and why. */
export function resolveLoginOptions(idp: IdpProfile, options: Pick<LoginOptions, 'binding' | 'signRequest'>): {
  binding: 'redirect' | 'post';
  bindingWhy: string;
  url: string | null;
  signed: boolean;
  signedWhy: string;
} {
  const binding = options.binding === 'auto' ? (idp.ssoRedirectUrl !== null ? 'redirect' : 'post') : options.binding;
  const bindingWhy =
    options.binding !== 'auto'
      ? 'chosen here'
      : idp.ssoRedirectUrl !== null
        ? 'auto: the IdP offers HTTP-Redirect'
        : 'auto: the IdP offers no HTTP-Redirect endpoint, only HTTP-POST';
  const signed = options.signRequest === 'always' || (options.signRequest === 'auto' && idp.wantAuthnRequestsSigned);
  const signedWhy =
    options.signRequest !== 'auto'
      ? 'chosen here'
      : idp.wantAuthnRequestsSigned
        ? 'auto: the metadata says WantAuthnRequestsSigned="true"'
        : 'auto: the metadata does not ask for signed requests';
  return { binding, bindingWhy, url: binding === 'redirect' ? idp.ssoRedirectUrl : idp.ssoPostUrl, signed, signedWhy };
}

function sameOptions(a: LoginOptions, b: LoginOptions): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function LoginOptionsForm({ idp, spNameIdFormat, onSaved }: { idp: IdpProfile; spNameIdFormat: string | null; onSaved: () => Promise<void> }): ReactNode {
  const saved = idp.loginOptions;
  const [draft, setDraft] = useState<LoginOptions>(saved);
  const [refsText, setRefsText] = useState(saved.authnContextClassRefs.join('\n'));
  const [formatChoice, setFormatChoice] = useState<string>(() => formatChoiceOf(saved.nameIdFormat, idp));
  const { state: status, save: saving, setState: setStatus } = useSave();
  const id = useId();

  const refs = useMemo(() => refsText.split('\n').map((r) => r.trim()).filter((r) => r.length > 0), [refsText]);
  const candidate: LoginOptions = {
    ...draft,
    authnContextClassRefs: refs,
    nameIdFormat: draft.nameIdFormat?.trim() || null,
    relayState: draft.relayState?.trim() || null,
  };
  const dirty = !sameOptions(candidate, saved);
  const resolved = resolveLoginOptions(idp, draft);
  const problems: string[] = [];
  if (refs.length > 8) problems.push(`At most 8 AuthnContextClassRefs (you have ${refs.length}).`);
  if (refs.some((r) => r.length > 256)) problems.push('An AuthnContextClassRef is longer than 256 characters.');
  if ((draft.nameIdFormat ?? '').length > 256) problems.push('The NameID format is longer than 256 characters.');
  if (formatChoice === OTHER && (draft.nameIdFormat ?? '').trim() === '') problems.push('Type the NameID format, or choose one from the list.');

  const set = <K extends keyof LoginOptions>(key: K, value: LoginOptions[K]): void => {
    setDraft((d) => ({ ...d, [key]: value }));
    setStatus({ kind: 'idle' });
  };

  const save = (): Promise<void> =>
    saving(async () => {
      await api.call('idps.update', { id: idp.id, loginOptions: candidate });
      await onSaved();
    });

  const reset = (): void => {
    setDraft(saved);
    setRefsText(saved.authnContextClassRefs.join('\n'));
    setFormatChoice(formatChoiceOf(saved.nameIdFormat, idp));
    setStatus({ kind: 'idle' });
  };

  const bindingOffered = (b: Binding): boolean => b === 'auto' || (b === 'redirect' ? idp.ssoRedirectUrl !== null : idp.ssoPostUrl !== null);
  const offeredFormats = idp.nameIdFormats;
  const otherFormats = NAMEID_FORMATS.filter((f) => !offeredFormats.includes(f));
  const formatNotOffered = draft.nameIdFormat !== null && offeredFormats.length > 0 && !offeredFormats.includes(draft.nameIdFormat);

  return (
    <form
      className="idp-section idp-login-options"
      aria-labelledby={`${id}-title`}
      data-testid="idp-login-options"
      onSubmit={(e) => {
        e.preventDefault();
        if (problems.length === 0 && dirty) void save();
      }}
    >
      <h3 id={`${id}-title`}>SP-initiated login options</h3>
      <p className="muted small">How “Sign in with IdP” sends the AuthnRequest to this IdP.</p>

      <div className="idp-effective" data-testid="idp-login-effective" data-binding={resolved.binding} data-signed={resolved.signed}>
        <strong>Sign-in sends:</strong> an AuthnRequest over <strong>HTTP-{resolved.binding === 'redirect' ? 'Redirect' : 'POST'}</strong> ({resolved.bindingWhy})
        {resolved.url !== null ? (
          <>
            {' '}
            to <span className="mono">{resolved.url}</span>
          </>
        ) : null}
        , <strong>{resolved.signed ? 'signed' : 'unsigned'}</strong> ({resolved.signedWhy})
        {resolved.signed && (resolved.binding === 'redirect' ? ' as a query-string signature (SigAlg + Signature)' : ' with an enveloped XML signature')}
        {draft.forceAuthn && ', with ForceAuthn'}.
      </div>
      {resolved.url === null && (
        <p className="warn-text small" data-testid="idp-login-unavailable">
          This IdP offers no HTTP-{resolved.binding === 'redirect' ? 'Redirect' : 'POST'} endpoint: sign-in would fail. Choose the other binding.
        </p>
      )}

      <fieldset className="idp-fieldset">
        <legend>Binding</legend>
        <div className="idp-radios">
          {(['auto', 'redirect', 'post'] as const).map((b) => (
            <label key={b} className="idp-radio">
              <input type="radio" name={`${id}-binding`} value={b} checked={draft.binding === b} disabled={!bindingOffered(b)} onChange={() => set('binding', b)} data-testid={`idp-binding-${b}`} />
              {b === 'auto' ? `Auto (${resolveLoginOptions(idp, { ...draft, binding: 'auto' }).binding === 'redirect' ? 'Redirect' : 'POST'} for this IdP)` : b === 'redirect' ? 'HTTP-Redirect' : 'HTTP-POST'}
              {!bindingOffered(b) && <span className="muted small"> — not offered by this IdP</span>}
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="idp-fieldset">
        <legend>Sign the request</legend>
        <div className="idp-radios">
          {(['auto', 'always', 'never'] as SignRequest[]).map((s) => (
            <label key={s} className="idp-radio">
              <input type="radio" name={`${id}-sign`} value={s} checked={draft.signRequest === s} onChange={() => set('signRequest', s)} data-testid={`idp-sign-${s}`} />
              {s === 'auto' ? `Auto (${idp.wantAuthnRequestsSigned ? 'signed' : 'unsigned'} for this IdP)` : s === 'always' ? 'Always' : 'Never'}
            </label>
          ))}
        </div>
        {draft.signRequest === 'never' && idp.wantAuthnRequestsSigned && (
          <p className="warn-text small" data-testid="idp-sign-warning">
            The IdP’s metadata asks for signed requests: it will probably refuse unsigned ones.
          </p>
        )}
      </fieldset>

      <label className="idp-check">
        <input type="checkbox" checked={draft.forceAuthn} onChange={(e) => set('forceAuthn', e.target.checked)} data-testid="idp-force-authn" />
        ForceAuthn — make the IdP ask for credentials again even if the user has a session there
      </label>

      <label className="field">
        <span>NameID format (NameIDPolicy)</span>
        <select
          value={formatChoice}
          onChange={(e) => {
            const choice = e.target.value;
            setFormatChoice(choice);
            set('nameIdFormat', choice === SP_DEFAULT ? null : choice === OTHER ? (draft.nameIdFormat ?? '') : choice);
          }}
          data-testid="idp-nameid-format"
        >
          <option value={SP_DEFAULT}>The SP’s setting{spNameIdFormat !== null ? ` (${shortFormat(spNameIdFormat)})` : ''}</option>
          {offeredFormats.length > 0 && (
            <optgroup label="Listed in this IdP’s metadata">
              {offeredFormats.map((f) => (
                <option key={f} value={f}>
                  {shortFormat(f)}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label={offeredFormats.length > 0 ? 'Other formats' : 'Formats'}>
            {otherFormats.map((f) => (
              <option key={f} value={f}>
                {shortFormat(f)}
              </option>
            ))}
            <option value={OTHER}>Other…</option>
          </optgroup>
        </select>
      </label>
      {formatChoice === OTHER && (
        <label className="field">
          <span>Other NameID format</span>
          <input className="mono" value={draft.nameIdFormat ?? ''} maxLength={256} onChange={(e) => set('nameIdFormat', e.target.value)} data-testid="idp-nameid-format-other" />
        </label>
      )}
      {formatNotOffered && (
        <p className="warn-text small" data-testid="idp-nameid-warning">
          This format is not in the IdP’s metadata: it may answer with an InvalidNameIDPolicy status.
        </p>
      )}

      <div className="idp-authn-context">
        <label className="field">
          <span>RequestedAuthnContext class refs (one per line, up to 8; empty: none requested)</span>
          <textarea className="mono" rows={Math.max(2, Math.min(8, refs.length + 1))} value={refsText} onChange={(e) => {
            setRefsText(e.target.value);
            setStatus({ kind: 'idle' });
          }} spellCheck={false} data-testid="idp-authn-context" />
        </label>
        <div className="idp-row-fields">
          <label className="field">
            <span>Add a common class</span>
            <select
              value=""
              onChange={(e) => {
                const value = e.target.value;
                if (value !== '' && !refs.includes(value)) setRefsText([...refs, value].join('\n'));
              }}
              data-testid="idp-authn-context-add"
            >
              <option value="">Choose…</option>
              {COMMON_CLASS_REFS.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Comparison</span>
            <select value={draft.authnContextComparison} disabled={refs.length === 0} onChange={(e) => set('authnContextComparison', e.target.value as Comparison)} data-testid="idp-authn-comparison">
              {COMPARISONS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>RelayState (optional, up to 80 characters)</span>
            <input value={draft.relayState ?? ''} maxLength={80} onChange={(e) => set('relayState', e.target.value)} placeholder="e.g. /dashboard" data-testid="idp-relay-state" />
          </label>
        </div>
      </div>

      {problems.length > 0 && (
        <ul className="error idp-problems" role="alert" data-testid="idp-login-options-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {status.kind === 'error' && <ErrorMessage message={status.message} testId="idp-login-options-error" />}
      <div className="form-actions">
        <span className="small" role="status" data-testid="idp-login-options-status">
          {status.kind === 'saved' ? <span className="success">Saved. The next sign-in uses these options.</span> : dirty ? <span className="muted">Unsaved changes</span> : null}
        </span>
        <span className="idp-buttons">
          <button type="button" className="btn" disabled={!dirty || status.kind === 'saving'} onClick={reset} data-testid="idp-login-options-reset">
            Discard changes
          </button>
          <button type="submit" className="btn btn-primary" disabled={!dirty || problems.length > 0 || status.kind === 'saving'} data-testid="idp-login-options-save">
            {status.kind === 'saving' ? 'Saving…' : 'Save login options'}
          </button>
        </span>
      </div>
    </form>
  );
}

function formatChoiceOf(format: string | null, idp: IdpProfile): string {
  if (format === null) return SP_DEFAULT;
  return idp.nameIdFormats.includes(format) || (NAMEID_FORMATS as readonly string[]).includes(format) ? format : OTHER;
}
