// X.509 helpers: normalise the base64 found in metadata/KeyInfo, fingerprints, summaries.
import { X509Certificate, createHash } from 'node:crypto';

/** Strips PEM armour and whitespace: the bare base64 of the DER. */
export function certBase64(pemOrBase64: string): string {
  return pemOrBase64
    .replace(/-----BEGIN CERTIFICATE-----/g, '')
    .replace(/-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

export function toPem(pemOrBase64: string): string {
  const b64 = certBase64(pemOrBase64);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** SHA-256 fingerprint of the DER, as AB:CD:… (what admin consoles show). */
export function fingerprintSha256(pemOrBase64: string): string {
  const der = Buffer.from(certBase64(pemOrBase64), 'base64');
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .match(/.{2}/g)!
    .join(':');
}

export function shortFingerprint(fp: string): string {
  return fp.length > 23 ? `${fp.slice(0, 23)}…` : fp;
}

export interface CertSummary {
  fingerprintSha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

/** Reads a certificate; returns null when the bytes are not an X.509 certificate. */
export function summarizeCert(pemOrBase64: string): CertSummary | null {
  try {
    const x = new X509Certificate(Buffer.from(certBase64(pemOrBase64), 'base64'));
    return {
      fingerprintSha256: fingerprintSha256(pemOrBase64),
      subject: x.subject.replace(/\n/g, ', '),
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
    };
  } catch {
    return null;
  }
}
