// The one place a person agrees to trust new signing keys for an IdP already configured (issue 13.2). The core
// refuses such an import, refresh or bundle with `trust-change` and lists the certificates added and removed; this
// panel shows them and repeats the same call with `replace: true` only on an explicit yes. Cancel changes nothing.
import { useId, useState, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/client.ts';
import { ErrorMessage } from '../components/common.tsx';
import { formatTime } from '../components/format.ts';
import './trust-change.css';

export interface TrustedCert {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
}

export interface TrustChange {
  idpId: string;
  entityId: string;
  added: TrustedCert[];
  removed: TrustedCert[];
  signatureRequired: boolean;
}

function certsOf(value: unknown): TrustedCert[] | null {
  if (!Array.isArray(value)) return null;
  const out: TrustedCert[] = [];
  for (const c of value as unknown[]) {
    if (typeof c !== 'object' || c === null) return null;
    const { fingerprintSha256, subject, notAfter } = c as Record<string, unknown>;
    if (typeof fingerprintSha256 !== 'string') return null;
    out.push({ fingerprintSha256, subject: typeof subject === 'string' ? subject : '', notAfter: typeof notAfter === 'string' ? notAfter : '' });
  }
  return out;
}

/** The certificate changes of a `trust-change` error, or null for any other error (or details this build cannot read). */
export function trustChangeOf(err: unknown): TrustChange | null {
  if (!(err instanceof ApiError) || err.code !== 'trust-change') return null;
  const d = err.body.details;
  if (typeof d !== 'object' || d === null) return null;
  const { idpId, entityId, added, removed, signatureRequired } = d as Record<string, unknown>;
  const a = certsOf(added);
  const r = certsOf(removed);
  if (typeof entityId !== 'string' || a === null || r === null) return null;
  return { idpId: typeof idpId === 'string' ? idpId : '', entityId, added: a, removed: r, signatureRequired: signatureRequired === true };
}

/** A fingerprint in pairs of hex digits (AB:CD:…), the way IdP consoles print them. */
export function formatFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.length > 0 ? (hex.match(/.{1,2}/g) ?? []).join(':') : fp;
}

function CertList({ certs, kind }: { certs: TrustedCert[]; kind: 'added' | 'removed' }): ReactNode {
  return (
    <ul className={`trust-change-list trust-change-${kind}`} data-testid={`trust-change-${kind}`}>
      {certs.map((c) => (
        <li key={c.fingerprintSha256} data-testid={`trust-change-${kind}-cert`}>
          <span className="mono trust-change-fp" data-testid="trust-change-fingerprint">
            {formatFingerprint(c.fingerprintSha256)}
          </span>
          <span className="small muted">
            {c.subject !== '' ? c.subject : 'no subject'}
            {c.notAfter !== '' ? ` · valid until ${formatTime(c.notAfter)}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Shows what a `trust-change` would do and asks. `onConfirm` repeats the refused call with `replace: true`; an error
 * it throws is shown here. `onCancel` just closes (nothing was changed by the refused call).
 */
export function TrustChangeConfirm({
  change,
  onConfirm,
  onCancel,
}: {
  change: TrustChange;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="trust-change" role="alertdialog" aria-labelledby={headingId} data-testid="trust-change">
      <h3 id={headingId}>New signing keys for an IdP you already trust</h3>
      <p>
        <span className="mono">{change.entityId}</span> is already configured. This would change the certificates whose signatures the lab accepts
        as this IdP. <strong>Nothing has been changed yet.</strong>
      </p>
      {change.added.length > 0 && (
        <div className="trust-change-block trust-change-block-added">
          <p className="danger-text">
            <strong>
              {change.added.length === 1 ? 'This key would be trusted' : `These ${change.added.length} keys would be trusted`}
            </strong>{' '}
            — compare them with the fingerprints the IdP publishes (its admin console or its metadata over https) before you trust them. A key you
            cannot match lets whoever holds it sign in as any user.
          </p>
          <CertList certs={change.added} kind="added" />
        </div>
      )}
      {change.removed.length > 0 && (
        <div className="trust-change-block">
          <p>
            <strong>{change.removed.length === 1 ? 'This key would no longer be trusted' : `These ${change.removed.length} keys would no longer be trusted`}</strong>{' '}
            — logins signed with {change.removed.length === 1 ? 'it' : 'them'} will fail.
          </p>
          <CertList certs={change.removed} kind="removed" />
        </div>
      )}
      {change.added.length === 0 && change.removed.length === 0 && (
        <p data-testid="trust-change-trust-cert">This changes the certificate the metadata signature must verify with.</p>
      )}
      {change.signatureRequired && (
        <p className="small muted" data-testid="trust-change-signature-required">
          This profile was imported with a trust certificate: the new metadata must still carry a signature that verifies with it.
        </p>
      )}
      {error !== null && <ErrorMessage message={error} testId="trust-change-error" />}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel} disabled={busy} data-testid="trust-change-cancel">
          Cancel — keep the current keys
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={busy} data-testid="trust-change-confirm">
          {busy ? 'Replacing…' : 'I compared them — trust the new keys'}
        </button>
      </div>
    </section>
  );
}
