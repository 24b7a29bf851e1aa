// What the verifier learned about one posted response. Built once by analyze-response.ts; every check module
// reads it and none changes it.
import type { MetadataCert } from '../idp/metadata.ts';

export interface TrustedIdp {
  /** Profile id in the store. */
  id: string;
  name: string;
  entityId: string;
  certificates: MetadataCert[];
}

export interface SpExpectations {
  entityId: string;
  acsUrl: string;
}

export interface OutstandingLookup {
  /** The outstanding AuthnRequest with this ID, if any (expired ones included, so the check can say so). */
  find(id: string): { idpEntityId: string; expiresAt: Date } | null;
}

export interface ReplayLookup {
  seen(assertionId: string, idpEntityId: string): boolean;
}

export type SignaturePolicy = 'either' | 'response' | 'assertion' | 'both';

export interface VerifyPolicy {
  clockSkewSeconds: number;
  allowUnsolicited: boolean;
  /** Largest decoded response accepted, in bytes. */
  maxResponseBytes: number;
  /** Which element a valid signature must be on. Default 'either' (as long as it covers the assertion read). */
  signaturePolicy?: SignaturePolicy;
  /** RSA-SHA1 / SHA-1 digests: warn (default) or reject. */
  sha1?: 'warn' | 'reject';
  /** The NameID format the SP asks for; a different one received is a warning. */
  nameIdFormat?: string;
}

export interface VerifyInput {
  /** The SAMLResponse form value as posted (base64), or raw XML when `isXml` is set (CLI, tests). */
  samlResponse: string;
  isXml?: boolean;
  now: Date;
  sp: SpExpectations;
  idps: TrustedIdp[];
  policy: VerifyPolicy;
  outstanding: OutstandingLookup;
  replay: ReplayLookup;
  /** Decrypts EncryptedAssertions. */
  spPrivateKeyPem?: string | null;
}

export interface SignatureReport {
  /** False when the signature was refused without cryptography (too many, or in the wrong place). */
  checked: boolean;
  /** Local name of the element the signature is enveloped in (Response, Assertion, …). */
  element: string;
  /** ID the Reference points at, or null. */
  referenceUri: string | null;
  valid: boolean;
  /** Why it did not verify, in words. */
  problem: string | null;
  signatureAlgorithm: string | null;
  digestAlgorithm: string | null;
  /** SHA-256 fingerprint of the metadata certificate that verified it. */
  verifiedBy: string | null;
  /** SHA-256 fingerprint of the certificate in KeyInfo, when one is present. */
  keyInfoCert: string | null;
  keyInfoTrusted: boolean | null;
  /** The KeyInfo holds something that is not an X.509 certificate. */
  keyInfoUnreadable: boolean;
  /** RSA modulus size of the metadata key that verified it. */
  keyBits: number | null;
}

export type Stage<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ResponseContext {
  input: VerifyInput;
  skewMs: number;
  decoded: Stage<string>;
  /** Only set when decoding succeeded. */
  doctype: boolean | null;
  parsed: Stage<Document> | null;
  schema: Stage<true> | null;
  root: Element | null;
  assertionCount: number;
  encryptedAssertionCount: number;
  duplicateIds: string[];
  responseIssuer: string | null;
  idp: TrustedIdp | null;
  signatures: SignatureReport[];
  /** The Response as covered by a valid signature (from the signed bytes), or the unsigned envelope. */
  response: Element | null;
  responseSigned: boolean;
  /** The Assertion read from the bytes a valid signature covers; null when no valid signature covers it. */
  assertion: Element | null;
  /** The assertion as posted (or as decrypted), unverified: only for diagnostics such as comment detection. */
  postedAssertion: Element | null;
  /** Set when the response carries an EncryptedAssertion. */
  decryption: Stage<{ contentAlgorithm: string; keyAlgorithm: string }> | null;
  /** The response with the decrypted assertion in place of the EncryptedAssertion, for the inspector. */
  decryptedXml: string | null;
}
