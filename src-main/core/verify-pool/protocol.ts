// What the pool and its workers say to each other. A VerifyInput carries two lookups (outstanding AuthnRequests,
// seen assertion IDs) that are functions over the store, which lives on the main thread. A worker never waits for
// the main thread: it answers each lookup from the answers the job was sent with ("pinned"), or with the usual
// answer (no such request, not seen) when the job has none for it, and reports every question it asked with the
// answer it used. Before the result is handed back, the main thread asks the store the same questions; any different
// answer sends the job back to a worker with the store's answers pinned.
import type { VerifyInput } from '../saml/context.ts';
import type { VerifyResult } from '../saml/verify.ts';

/** A VerifyInput without its functions: what crosses to a worker. */
export type PlainVerifyInput = Omit<VerifyInput, 'outstanding' | 'replay'>;

export type Lookup = { kind: 'outstanding'; id: string } | { kind: 'replay'; assertionId: string; idpEntityId: string };

/** outstanding: the request (expiresAt in ms) or null; replay: seen or not. */
export type LookupAnswer = { idpEntityId: string; expiresAt: number } | null | boolean;

export interface AskedLookup {
  lookup: Lookup;
  answer: LookupAnswer;
}

export type ToWorker = { type: 'job'; jobId: number; input: PlainVerifyInput; pinned: AskedLookup[] };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; jobId: number; result: VerifyResult; asked: AskedLookup[] }
  | { type: 'failed'; jobId: number; message: string };

export const lookupKey = (l: Lookup): string => (l.kind === 'outstanding' ? `o ${l.id}` : `r ${l.assertionId} ${l.idpEntityId}`);

/** The answer a store gives when it knows nothing about the question (the common case for a fresh login). */
export const defaultAnswer = (l: Lookup): LookupAnswer => (l.kind === 'outstanding' ? null : false);

/** Answers one lookup from the live store functions of a VerifyInput (on the main thread). */
export function answerLookup(input: VerifyInput, lookup: Lookup): LookupAnswer {
  if (lookup.kind === 'replay') return input.replay.seen(lookup.assertionId, lookup.idpEntityId);
  const found = input.outstanding.find(lookup.id);
  return found ? { idpEntityId: found.idpEntityId, expiresAt: found.expiresAt.getTime() } : null;
}

export function sameAnswer(a: LookupAnswer, b: LookupAnswer): boolean {
  if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return a.idpEntityId === b.idpEntityId && a.expiresAt === b.expiresAt;
}

export function plainInput(input: VerifyInput): PlainVerifyInput {
  const { outstanding: _outstanding, replay: _replay, ...plain } = input;
  return plain;
}

/**
 * The AuthnRequest IDs a response probably answers, read cheaply from the start of the document (the Response's
 * InResponseTo sits in its first bytes), so an SP-initiated login is verified once, with its request's answer pinned.
 * A guess only: a wrong or missing one costs a second verification, never a different result.
 */
export function likelyRequestIds(input: VerifyInput): string[] {
  const head = input.isXml ? input.samlResponse.slice(0, 16_384) : Buffer.from(input.samlResponse.slice(0, 21_848), 'base64').toString('utf8');
  return [...new Set([...head.matchAll(/InResponseTo\s*=\s*["']([^"'<>&]{1,256})["']/g)].map((m) => m[1]!))];
}
