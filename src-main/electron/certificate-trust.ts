// Certificates of IdPs the person chose to trust: a lab is where self-signed and internal-CA IdPs live. Electron
// rejects a certificate Chromium cannot verify unless an app's `certificate-error` handler calls
// `event.preventDefault(); callback(true)` (docs/api/app.md, event 'certificate-error'); without one the login window
// just stays blank. Here: only the login window may ask, the person sees subject, issuer and SHA-256 and chooses
// "this session" or "always" (kept in desktop.json, listed and removable from Login › Trusted IdP Certificates…).
// No electron import: main.ts hands in the dialog; unit-tested under plain Node.
import { X509Certificate } from 'node:crypto';
import type { TrustedCertificate } from './desktop-settings.ts';

/** The part of Electron's `Certificate` this module reads: the PEM (its subject/issuer are read from it in full;
 * Electron's `subjectName`/`issuerName` are only the common names). */
export interface CertificateLike {
  data: string;
}

export interface CertificateFacts {
  /** Host name the certificate was presented for (lowercase, no port). */
  host: string;
  subject: string;
  issuer: string;
  /** Colon-separated uppercase hex, as browsers show it. */
  sha256: string;
  validFrom: string;
  validTo: string;
  /** Chromium's error (`net::ERR_CERT_AUTHORITY_INVALID`) and what it means. */
  error: string;
  meaning: string;
}

export type TrustChoice = 'refuse' | 'session' | 'always';

export interface CertificateTrustOptions {
  /** The certificates trusted "always" (desktop.json). */
  stored(): readonly TrustedCertificate[];
  save(list: TrustedCertificate[]): Promise<void>;
  ask(facts: CertificateFacts): Promise<TrustChoice>;
  clock?: () => Date;
}

const MEANINGS: Record<string, string> = {
  'net::ERR_CERT_AUTHORITY_INVALID': 'It was not issued by a certificate authority this computer trusts (self-signed, or an internal CA).',
  'net::ERR_CERT_COMMON_NAME_INVALID': 'It was issued for a different host name. This is what an attacker in the middle would present, too.',
  'net::ERR_CERT_DATE_INVALID': 'It has expired or is not valid yet (or this computer\'s clock is wrong).',
  'net::ERR_CERT_REVOKED': 'Its issuer has revoked it.',
  'net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM': 'It is signed with a weak algorithm (e.g. SHA-1).',
};

/** Reads what a person needs to decide from the certificate Chromium could not verify. Null: not a usable https
 * URL or not a certificate (nothing to show, refuse). */
export function certificateFacts(url: string, error: string, certificate: CertificateLike): CertificateFacts | null {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'wss:') return null;
    host = parsed.hostname.toLowerCase();
  } catch {
    return null;
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificate.data);
  } catch {
    return null;
  }
  const oneLine = (dn: string): string => dn.split('\n').filter(Boolean).join(', ');
  return {
    host,
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    sha256: x509.fingerprint256.toUpperCase(),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    error,
    meaning: MEANINGS[error] ?? 'Chromium could not verify it.',
  };
}

/** The question shown for one certificate. Button 0 (the default, also Esc) refuses. */
export function certificateQuestion(facts: CertificateFacts): { message: string; detail: string; buttons: string[]; defaultId: number; cancelId: number; choices: TrustChoice[] } {
  return {
    message: `${facts.host} presented a certificate that could not be verified.`,
    detail: [
      facts.meaning,
      `Error: ${facts.error}`,
      '',
      `Subject: ${facts.subject}`,
      `Issuer: ${facts.issuer}`,
      `SHA-256: ${facts.sha256}`,
      `Valid: ${facts.validFrom.slice(0, 10)} to ${facts.validTo.slice(0, 10)}`,
      '',
      'Trust it only if this fingerprint is the one your IdP\'s administrator gave you. The trust applies to this host and this exact certificate.',
    ].join('\n'),
    buttons: ['Do Not Trust', 'Trust for This Session', `Always Trust for ${facts.host}`],
    defaultId: 0,
    cancelId: 0,
    choices: ['refuse', 'session', 'always'],
  };
}

export interface CertificateTrust {
  /** The certificate-error decision: true trusts. `fromLoginWindow` false (the app window, anything else) never
   * asks and refuses: the app page is local, a certificate error there is not a lab IdP. */
  decide(request: { url: string; error: string; certificate: CertificateLike; fromLoginWindow: boolean }): Promise<boolean>;
  /** For Chromium's net (metadata URL import): is this exact certificate trusted for this host (session or always)? */
  isTrusted(host: string, pem: string): boolean;
  list(): TrustedCertificate[];
  remove(host: string, sha256: string): Promise<void>;
  /** A new login starts: certificates refused earlier may be asked about again. */
  forgetRefusals(): void;
}

const keyOf = (host: string, sha256: string): string => `${host.toLowerCase()} ${sha256.toUpperCase()}`;

export function createCertificateTrust(options: CertificateTrustOptions): CertificateTrust {
  const clock = options.clock ?? (() => new Date());
  const session = new Set<string>();
  const refused = new Set<string>();
  /** One question per certificate at a time: a page's subresources raise the same error many times over. */
  const pending = new Map<string, Promise<boolean>>();
  const always = (key: string): boolean => options.stored().some((c) => keyOf(c.host, c.sha256) === key);

  async function ask(facts: CertificateFacts, key: string): Promise<boolean> {
    const choice = await options.ask(facts).catch((): TrustChoice => 'refuse');
    if (choice === 'refuse') {
      refused.add(key);
      return false;
    }
    session.add(key);
    if (choice === 'always' && !always(key)) {
      const entry: TrustedCertificate = { host: facts.host, sha256: facts.sha256, subject: facts.subject, issuer: facts.issuer, trustedAt: clock().toISOString() };
      await options.save([...options.stored(), entry]);
    }
    return true;
  }

  return {
    async decide({ url, error, certificate, fromLoginWindow }) {
      if (!fromLoginWindow) return false;
      const facts = certificateFacts(url, error, certificate);
      if (!facts) return false;
      const key = keyOf(facts.host, facts.sha256);
      if (session.has(key) || always(key)) return true;
      if (refused.has(key)) return false;
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const answer = ask(facts, key).finally(() => pending.delete(key));
      pending.set(key, answer);
      return answer;
    },
    isTrusted(host, pem) {
      let sha256: string;
      try {
        sha256 = new X509Certificate(pem).fingerprint256;
      } catch {
        return false;
      }
      const key = keyOf(host, sha256);
      return session.has(key) || always(key);
    },
    list: () => [...options.stored()],
    async remove(host, sha256) {
      const key = keyOf(host, sha256);
      session.delete(key);
      await options.save(options.stored().filter((c) => keyOf(c.host, c.sha256) !== key));
    },
    forgetRefusals: () => refused.clear(),
  };
}

/** Login › Trusted IdP Certificates…: the list, and one button per certificate to remove it (at most 8 are offered
 * one by one; "Remove All" covers the rest). `actions[response]` says what the pressed button does. */
export function trustedCertificatesDialog(list: readonly TrustedCertificate[]): {
  message: string;
  detail: string;
  buttons: string[];
  cancelId: number;
  actions: ({ remove: TrustedCertificate } | 'remove-all' | 'close')[];
} {
  if (list.length === 0) {
    return {
      message: 'No IdP certificate is trusted beyond this computer\'s own certificate store.',
      detail: 'When a login window meets a certificate that cannot be verified, it asks; "Always Trust" adds it here.',
      buttons: ['Close'],
      cancelId: 0,
      actions: ['close'],
    };
  }
  const offered = list.slice(0, 8);
  return {
    message: `${list.length} IdP certificate${list.length === 1 ? ' is' : 's are'} always trusted:`,
    detail: list
      .map((c, i) => `${i + 1}. ${c.host} — ${c.subject}\n   Issuer: ${c.issuer}\n   SHA-256: ${c.sha256}\n   Trusted since ${c.trustedAt.slice(0, 10)}`)
      .join('\n\n'),
    buttons: [...offered.map((c, i) => `Remove ${i + 1} (${c.host})`), ...(list.length > 1 ? ['Remove All'] : []), 'Close'],
    cancelId: offered.length + (list.length > 1 ? 1 : 0),
    actions: [...offered.map((c) => ({ remove: c })), ...(list.length > 1 ? (['remove-all'] as const) : []), 'close'],
  };
}
