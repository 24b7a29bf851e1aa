// Certificate expiry and key rollover, as an admin needs them before the day: how many days each trusted signing
// certificate has left, which one the IdP signs with now (from the last login's signature checks), and a rehearsal
// of the switch: once the IdP signs with its other published key, will the lab accept those logins? Pure functions
// for the IdP profile (issue 16) and for `replay --fail-on-expiry`.
import type { Check } from '../../contract/index.ts';
import { signingCerts, type IdpMetadata, type MetadataCert } from './metadata.ts';

const DAY_MS = 86_400_000;

export interface CertExpiry {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired; 0 on the last day). */
  daysLeft: number;
  expired: boolean;
}

export function certExpiry(c: MetadataCert, now: Date): CertExpiry {
  const ms = Date.parse(c.notAfter) - now.getTime();
  return { fingerprintSha256: c.fingerprintSha256, subject: c.subject, notAfter: c.notAfter, daysLeft: Math.floor(ms / DAY_MS), expired: ms <= 0 };
}

/** Days left for every signing certificate of these metadata documents (each certificate once, soonest first). */
export function signingCertExpiry(documents: readonly IdpMetadata[], now: Date): CertExpiry[] {
  const seen = new Map<string, CertExpiry>();
  for (const md of documents) for (const c of signingCerts(md)) if (!seen.has(c.fingerprintSha256)) seen.set(c.fingerprintSha256, certExpiry(c, now));
  return [...seen.values()].sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter));
}

/** The certificates that expire within `days` days (already expired ones included). */
export function expiringWithin(documents: readonly IdpMetadata[], now: Date, days: number): CertExpiry[] {
  const limit = now.getTime() + days * DAY_MS;
  return signingCertExpiry(documents, now).filter((c) => Date.parse(c.notAfter) <= limit);
}

/** The fingerprint (or its shown prefix) of the metadata certificate that verified a login's signature, read from its
 * stored checks (`signature.cert-in-metadata` says "verified by AB:CD:…"); null when the login does not say. */
export function signedWithFromChecks(checks: readonly Check[]): string | null {
  const received = checks.find((c) => c.id === 'signature.cert-in-metadata')?.received ?? '';
  const m = /verified by (?:metadata certificate )?([0-9A-F]{2}(?::[0-9A-F]{2})*)/i.exec(received);
  return m ? m[1]!.toUpperCase() : null;
}

/** The key the IdP signed its newest accepted login with (logins oldest first, as the store keeps them). */
export function lastSignedWith(logins: readonly { idpEntityId: string | null; verdict: string; checks: readonly Check[] }[], entityId: string): string | null {
  for (let i = logins.length - 1; i >= 0; i--) {
    const login = logins[i]!;
    if (login.idpEntityId !== entityId || login.verdict !== 'accepted') continue;
    const fp = signedWithFromChecks(login.checks);
    if (fp) return fp;
  }
  return null;
}

export interface RolloverCert extends CertExpiry {
  /** The IdP signed the last login with this certificate. */
  signsNow: boolean;
  /** The lab's trusted metadata lists it (a signature with its key is accepted). */
  trusted: boolean;
}

export interface RolloverStatus {
  certificates: RolloverCert[];
  /** The certificate the last login was signed with, when the lab can tell. */
  current: RolloverCert | null;
  /** The published signing certificate(s) the IdP does not sign with yet: what it will switch to. */
  next: RolloverCert[];
  /** After the switch, will logins signed by the new key be accepted? null when there is no second certificate
   * (or no login says which key is in use). */
  newKeyAccepted: boolean | null;
  /** One sentence for the profile. */
  summary: string;
}

export interface RolloverInput {
  /** The metadata the lab trusts now (the profile's). */
  trusted: IdpMetadata;
  /** What the IdP publishes now (a fresh fetch); defaults to the trusted copy. */
  published?: IdpMetadata;
  now: Date;
  /** The fingerprint (or shown prefix) that verified the last login's signature: signedWithFromChecks(login.checks). */
  signedWith: string | null;
}

const short = (fp: string): string => (fp.length > 23 ? `${fp.slice(0, 23)}…` : fp);

export function rolloverStatus(input: RolloverInput): RolloverStatus {
  const published = input.published ?? input.trusted;
  const trustedFps = new Set(signingCerts(input.trusted).map((c) => c.fingerprintSha256));
  const signedWith = input.signedWith?.toUpperCase() ?? null;
  const certificates: RolloverCert[] = signingCertExpiry([published, input.trusted], input.now).map((c) => ({
    ...c,
    signsNow: signedWith !== null && c.fingerprintSha256.toUpperCase().startsWith(signedWith),
    trusted: trustedFps.has(c.fingerprintSha256),
  }));
  const current = certificates.find((c) => c.signsNow) ?? null;
  const publishedFps = new Set(signingCerts(published).map((c) => c.fingerprintSha256));
  const next = current ? certificates.filter((c) => !c.signsNow && publishedFps.has(c.fingerprintSha256) && !c.expired) : [];
  let newKeyAccepted: boolean | null = null;
  let summary: string;
  if (certificates.length === 0) summary = 'The metadata lists no signing certificate: no signed login can be accepted.';
  else if (!current) {
    summary = signedWith
      ? `The last login was signed with ${short(signedWith)}, which the metadata does not list.`
      : `No login says which key the IdP signs with yet; ${certificates.length} signing certificate${certificates.length === 1 ? '' : 's'} published.`;
  } else if (next.length === 0) {
    summary = `The IdP signs with ${short(current.fingerprintSha256)} (${current.expired ? 'EXPIRED' : `${current.daysLeft} days left`}) and publishes no other signing certificate: when it switches keys, logins fail until the new metadata is imported.`;
  } else {
    newKeyAccepted = next.every((c) => c.trusted);
    const untrusted = next.filter((c) => !c.trusted);
    summary = `The IdP signs with ${short(current.fingerprintSha256)} (${current.expired ? 'EXPIRED' : `${current.daysLeft} days left`}); after the switch to ${next.map((c) => short(c.fingerprintSha256)).join(', ')}, logins signed by the new key will be accepted: ${newKeyAccepted ? 'yes' : `no — the lab does not trust ${untrusted.map((c) => short(c.fingerprintSha256)).join(', ')} yet; refresh the metadata`}.`;
  }
  return { certificates, current, next, newKeyAccepted, summary };
}
