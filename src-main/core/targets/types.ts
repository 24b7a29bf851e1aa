// What every runner (in-process or external) is given and what it answers. The same shape travels as JSON to the
// runner scripts in resources/runners/, so a case is plain data: strings, no Date objects.
import type { TargetName, TargetVerdict } from '../../contract/targets.ts';

export type { TargetName, TargetVerdict };

/** One response, with everything an SP library is configured with. */
export interface TargetInput {
  /** The SAMLResponse form value as posted: base64 of the XML. */
  samlResponse: string;
  /** The IdP signing certificates (PEM), as its metadata lists them. */
  idpCertificatesPem: string[];
  /** The IdP's entity ID (the Issuer an SP expects). */
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  /** The clock every library is given: captured responses are judged at their own time. */
  now: Date;
  /** The ID of the AuthnRequest the SP sent and still has outstanding; null for an IdP-initiated login. */
  inResponseTo: string | null;
  /** The SP private key (PEM), for EncryptedAssertions. */
  spPrivateKeyPem: string | null;
  /**
   * The same SP already accepted this response once: the runner posts it twice to one SP instance and reports the
   * second verdict (what a library's own state, if it keeps any, does against a replay).
   */
  replay?: boolean;
}

/** A case as the runners read it (JSON on stdin). */
export interface WireCase {
  id: string;
  samlResponse: string;
  idpCertificatesPem: string[];
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  /** ISO-8601. */
  now: string;
  inResponseTo: string | null;
  spPrivateKeyPem: string | null;
  replay: boolean;
}

/** What a runner prints (JSON on stdout). `unavailable` instead of results when its library cannot be loaded. */
export interface WireAnswer {
  version?: string | null;
  unavailable?: string;
  results?: { id: string; verdict: 'accepted' | 'rejected'; error: string | null; nameId: string | null }[];
}

export function toWire(id: string, input: TargetInput): WireCase {
  return {
    id,
    samlResponse: input.samlResponse,
    idpCertificatesPem: input.idpCertificatesPem,
    idpEntityId: input.idpEntityId,
    spEntityId: input.spEntityId,
    acsUrl: input.acsUrl,
    now: input.now.toISOString(),
    inResponseTo: input.inResponseTo,
    spPrivateKeyPem: input.spPrivateKeyPem,
    replay: input.replay === true,
  };
}

export function unavailable(name: TargetName, reason: string, version: string | null = null): TargetVerdict {
  return { name, version, verdict: 'unavailable', error: reason, nameId: null };
}
