// The verification policy with every default filled in, so each check reads one value and the defaults live in one
// place. The defaults follow the fail/warn rule (see VerifyPolicy in context.ts).
import type { ResponseLimits, VerifyPolicy } from './context.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { ENC } from './xmlenc.ts';

export type ResolvedPolicy = Required<Omit<VerifyPolicy, 'nameIdFormat' | 'limits'>> & {
  nameIdFormat: string | null;
  limits: ResponseLimits;
};

/** Every content encryption algorithm the lab decrypts. */
export const ALL_CONTENT_ALGORITHMS: readonly string[] = [ENC.aes128gcm, ENC.aes256gcm, ENC.aes128cbc, ENC.aes256cbc, ENC.tripledesCbc];
/** Key transport the lab performs (RSA 1.5 is never decrypted: padding oracle, and Node refuses it). */
export const ALL_KEY_TRANSPORT_ALGORITHMS: readonly string[] = [ENC.rsaOaepMgf1p, ENC.rsaOaep11];

export function resolvePolicy(p: VerifyPolicy): ResolvedPolicy {
  const limits: ResponseLimits = { ...DEFAULT_LIMITS, ...p.limits };
  if (p.limits?.responseBytes === undefined) limits.responseBytes = Math.min(DEFAULT_LIMITS.responseBytes, p.maxResponseBytes);
  return {
    clockSkewSeconds: p.clockSkewSeconds,
    allowUnsolicited: p.allowUnsolicited,
    maxResponseBytes: p.maxResponseBytes,
    signaturePolicy: p.signaturePolicy ?? 'either',
    sha1Policy: p.sha1Policy ?? 'warn',
    nameIdFormat: p.nameIdFormat ?? null,
    requireAuthnStatement: p.requireAuthnStatement ?? false,
    keyInfo: p.keyInfo ?? 'warn',
    schema: p.schema ?? 'lenient-ids',
    encryptionAlgorithms: p.encryptionAlgorithms ?? ALL_CONTENT_ALGORITHMS,
    keyTransportAlgorithms: p.keyTransportAlgorithms ?? ALL_KEY_TRANSPORT_ALGORITHMS,
    audience: p.audience ?? 'required',
    destination: p.destination ?? 'if-present',
    inResponseTo: p.inResponseTo ?? 'strict',
    duplicateAttributes: p.duplicateAttributes ?? 'fail-on-conflict',
    maxIssueDelaySeconds: p.maxIssueDelaySeconds ?? null,
    limits,
  };
}
