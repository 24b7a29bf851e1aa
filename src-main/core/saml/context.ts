// What the verifier learned about one posted response. Built once by analyze-response.ts; every check module
// reads it and none changes it.
import type { Attribute } from '../../contract/index.ts';
import type { Sha1Policy, SignaturePolicy } from '../../contract/sp-profiles.ts';
import type { MetadataCert } from '../idp/metadata.ts';
import type { XmlScan } from './limits.ts';
import type { ResolvedPolicy } from './policy.ts';

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
  /** The caller has no record of the requests it sent (`verify` without --in-response-to): an InResponseTo is not
   * checked, and the check says so as a warning instead of passing. */
  unknown?: boolean;
}

export interface ReplayLookup {
  seen(assertionId: string, idpEntityId: string): boolean;
}

export type { SignaturePolicy, Sha1Policy };

/**
 * How strictly a response is judged. The rule (README, "Fail or warn"): a check FAILS on a security failure or on
 * something every mainstream SP refuses; it WARNS on a deviation from the spec or best practice that some SPs accept,
 * and says which refuse it. Every optional knob below defaults to that rule; setting it to its strict value makes the
 * deviation a failure (the `strict` SP profile sets them all; the other profiles mirror one SP stack's defaults).
 */
export interface VerifyPolicy {
  clockSkewSeconds: number;
  allowUnsolicited: boolean;
  /**
   * Largest decoded response accepted, in bytes. The hard limit (limits.response-bytes) is the smaller of this and
   * DEFAULT_LIMITS.responseBytes unless `limits.responseBytes` says otherwise.
   */
  maxResponseBytes: number;
  /** Which element a valid signature must be on. Default 'either' (as long as it covers the assertion read). */
  signaturePolicy?: SignaturePolicy;
  /** RSA-SHA1 / SHA-1 digests: warn (default) or reject. */
  sha1Policy?: Sha1Policy;
  /** The NameID format the SP asks for; a different one received is a warning. */
  nameIdFormat?: string;
  /** An assertion without AuthnStatement: false (default) warns, true fails (ruby-saml / GitLab refuse it). */
  requireAuthnStatement?: boolean;
  /**
   * A signature's KeyInfo carrying a certificate that is not in the metadata (or no readable certificate), while the
   * signature verifies with a metadata key: 'warn' (default; node-saml and pysaml2 ignore KeyInfo) or 'reject'
   * (ruby-saml compares the KeyInfo certificate with the configured one). KeyInfo never decides which key is trusted.
   */
  keyInfo?: 'warn' | 'reject';
  /**
   * SAML schema validation: 'lenient-ids' (default) fails structural violations but only warns when the sole problem
   * is the lexical form of an xs:ID / xs:NCName value (an ID starting with a digit); 'strict' fails both (ruby-saml
   * and python3-saml validate the schema); 'off' only warns (SPs that never validate the schema: node-saml, samlify
   * without a validator).
   */
  schema?: 'strict' | 'lenient-ids' | 'off';
  /** Content encryption algorithms accepted (URIs); default: every one the lab decrypts. */
  encryptionAlgorithms?: readonly string[];
  /** Key transport algorithms accepted (URIs); default: RSA-OAEP (both URIs). RSA 1.5 is never decrypted. */
  keyTransportAlgorithms?: readonly string[];
  /** 'required' (default): an AudienceRestriction naming this SP must be present; 'if-present': checked when present. */
  audience?: 'required' | 'if-present';
  /**
   * 'if-present' (default): a Destination that is present must be this ACS URL; absent, it warns (SAML bindings
   * 3.5.5.2 wants it on a signed Response, but most SPs check the Recipient instead); 'strict': absent on a signed
   * Response fails (crewjam/saml); 'off': not compared, a mismatch only warns (node-saml).
   */
  destination?: 'strict' | 'if-present' | 'off';
  /**
   * 'strict' (default): an InResponseTo must name an outstanding request of this SP; 'off': the SP keeps no request
   * state (node-saml `validateInResponseTo: never`, omniauth-saml), so an unknown one only warns.
   */
  inResponseTo?: 'strict' | 'off';
  /**
   * Longest time between the assertion's IssueInstant and its arrival, in seconds; null (default): only a warning
   * after an hour. crewjam/saml (Grafana max_issue_delay) refuses after 90 s.
   */
  maxIssueDelaySeconds?: number | null;
  /** Attributes sharing a Name (or case variant, or FriendlyName = another's Name): 'fail-on-conflict' (default), 'fail', 'warn'. */
  duplicateAttributes?: 'fail-on-conflict' | 'fail' | 'warn';
  /** Hard limits checked before parsing (limits.*); defaults in limits.ts. */
  limits?: Partial<ResponseLimits>;
}

/** Checked on the decoded text before any XML parser sees it. */
export interface ResponseLimits {
  /** Decoded response size in bytes. */
  responseBytes: number;
  /** Elements in the document. */
  elements: number;
  /** Element nesting depth. */
  depth: number;
  /** saml:Attribute elements. */
  attributes: number;
  /** XML attributes (incl. namespace declarations) on one element. */
  xmlAttributesPerElement: number;
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
  /** Bytes of the posted form body (application/x-www-form-urlencoded), when the listener knows it (response.size). */
  postedFormBytes?: number | null;
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
  /** Whether the KeyInfo certificate is one of the metadata's signing certificates (null: no readable certificate). */
  keyInfoTrusted: boolean | null;
  /** The KeyInfo holds something that is not an X.509 certificate. */
  keyInfoUnreadable: boolean;
  /** RSA modulus size of the metadata key that verified it. */
  keyBits: number | null;
}

export type Stage<T> = { ok: true; value: T } | { ok: false; reason: string };

export type DecryptionFailure = {
  ok: false;
  reason: string;
  kind: 'no-key' | 'structure' | 'unsupported-algorithm' | 'refused-algorithm' | 'wrong-key' | 'corrupt';
};

export interface ResponseContext {
  input: VerifyInput;
  /** The input policy with every default filled in. */
  policy: ResolvedPolicy;
  skewMs: number;
  /** `tooLarge`: refused by limits.response-bytes before decoding. */
  decoded: Stage<string> & { tooLarge?: boolean };
  /** Size of the decoded response in bytes (also when it was refused for its size). */
  decodedBytes: number | null;
  /** What the pre-parse scan counted; null when it did not run (not decoded, DOCTYPE). */
  scan: XmlScan | null;
  /** Only set when decoding succeeded. */
  doctype: boolean | null;
  parsed: Stage<Document> | null;
  schema: Stage<true> | null;
  /** When the schema failed only on the lexical form of xs:ID / xs:NCName values (an ID starting with a digit). */
  schemaLexicalOnly: boolean;
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
  decryption: { ok: true; value: { contentAlgorithm: string; keyAlgorithm: string } } | DecryptionFailure | null;
  /** The response with the decrypted assertion in place of the EncryptedAssertion, for the inspector. */
  decryptedXml: string | null;
  /** The attributes of the signed assertion (empty when none is trusted), in document order. */
  attributes: Attribute[];
}
