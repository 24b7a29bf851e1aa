import type { ReactNode } from 'react';
import { CopyButton, ErrorMessage, Loading } from '../components/common.tsx';
import { useLab } from '../state/lab-store.tsx';

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
