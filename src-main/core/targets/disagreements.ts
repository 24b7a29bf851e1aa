// Where a real SP library and the lab disagree, one sentence saying which way and why. The direction that matters
// most: a library that accepts what the lab refuses for a security reason ("your SP would be exposed").
import type { TargetVerdict } from '../../contract/targets.ts';

/** The part of the lab's VerifyResult (core/saml/verify.ts) this needs. */
export interface LabView {
  verdict: 'accepted' | 'rejected';
  nameId: string | null;
  checks: readonly { id: string; status: 'pass' | 'warn' | 'fail'; title: string; received?: string | null }[];
}

/**
 * Security checks, by what accepting in spite of them means. A failure of any other check (schema, AuthnStatement,
 * NameID, JIT rules) is a deviation some SPs tolerate, not an attack.
 */
const SECURITY: Record<string, string> = {
  'response.decode': 'FORGED',
  'xml.doctype': 'FORGED',
  'xml.well-formed': 'FORGED',
  'xml.root-response': 'FORGED',
  'xml.single-assertion': 'FORGED',
  'xml.unique-ids': 'FORGED',
  'signature.valid': 'FORGED',
  'signature.covers-assertion': 'FORGED',
  'signature.policy': 'FORGED',
  // Not 'signature.cert-in-metadata': it fails on its own only under the strict KeyInfo policy, when a metadata key
  // verifies the signature and KeyInfo merely names another certificate; a forged signature fails signature.valid.
  'signature.algorithm': 'FORGED',
  'issuer.known': 'FORGED',
  'issuer.response': 'FORGED',
  'issuer.assertion': 'FORGED',
  'assertion.decrypt': 'FORGED',
  audience: 'MISDIRECTED (meant for another SP)',
  destination: 'MISDIRECTED (meant for another SP)',
  'subject-confirmation.recipient': 'MISDIRECTED (meant for another SP)',
  replay: 'REPLAYED',
  'in-response-to': 'UNSOLICITED or answering another request',
  'conditions.time-window': 'EXPIRED or not yet valid',
  'subject-confirmation.expiry': 'EXPIRED',
  'subject-confirmation.not-before': 'not yet valid',
  'authn.session-expiry': 'EXPIRED (session)',
  'status.success': 'FAILED (the IdP says the login failed)',
};

/** Is this failing check id one whose bypass exposes the SP? */
export function isSecurityCheck(id: string): boolean {
  return id in SECURITY;
}

function reasons(lab: LabView): string {
  const failed = lab.checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return 'no valid assertion';
  return failed
    .slice(0, 3)
    .map((c) => `${c.id}: ${c.title}${c.received ? ` — ${clip(c.received, 120)}` : ''}`)
    .join('; ');
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** Why a library's default configuration refuses what the lab accepts, where its message does not say. */
const DEFAULT_REFUSALS: { name: TargetVerdict['name']; error: RegExp; why: string }[] = [
  { name: 'node-saml', error: /^Invalid document signature$/, why: 'node-saml requires a signed Response by default (wantAuthnResponseSigned: true)' },
  { name: 'node-saml', error: /^Invalid signature$/, why: 'node-saml requires a signed Assertion by default (wantAssertionsSigned: true)' },
  { name: 'python3-saml', error: /There is no AttributeStatement/, why: 'python3-saml requires an AttributeStatement by default (security.wantAttributeStatement: true)' },
];

/** One sentence per library whose verdict (or logged-in user) differs from the lab's. Unavailable ones are skipped. */
export function describeDisagreements(lab: LabView, targets: readonly TargetVerdict[]): string[] {
  const out: string[] = [];
  const failed = lab.checks.filter((c) => c.status === 'fail');
  const security = failed.find((c) => isSecurityCheck(c.id));
  for (const t of targets) {
    if (t.verdict === 'unavailable') continue;
    if (lab.verdict === 'rejected' && t.verdict === 'accepted') {
      const as = t.nameId ? ` and log the user in as "${t.nameId}"` : '';
      out.push(
        security
          ? `${t.name} would accept this ${SECURITY[security.id]} response${as}: your SP would be exposed (the lab rejects it: ${reasons(lab)}).`
          : `${t.name} would accept this response that the lab rejects${as} (${reasons(lab)}).`,
      );
    } else if (lab.verdict === 'accepted' && t.verdict === 'rejected') {
      const why = DEFAULT_REFUSALS.find((d) => d.name === t.name && d.error.test(t.error ?? ''))?.why;
      out.push(`${t.name} would reject this response that the lab accepts: "${clip(t.error ?? 'no reason given', 300)}"${why ? ` — ${why}` : ''}.`);
    } else if (lab.verdict === 'accepted' && t.verdict === 'accepted' && t.nameId !== null && lab.nameId !== null && t.nameId !== lab.nameId) {
      out.push(`${t.name} would log the user in as "${t.nameId}" where the lab reads "${lab.nameId}" from the signed assertion: an SP built on it would give this login to another account.`);
    }
  }
  return out;
}
