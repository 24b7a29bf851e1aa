// What the pool and its workers say to each other. A VerifyInput carries two lookups (outstanding AuthnRequests,
// seen assertion IDs) that are functions over the store, which lives on the main thread: the worker asks for each
// answer while it verifies (a message to the main thread, then a wait on a shared buffer until the answer is
// written), and reports every question it asked with the answer it got, so the main thread can check, right before
// it provisions, that the store would still give the same answers.
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

export type ToWorker = { type: 'job'; jobId: number; input: PlainVerifyInput };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'lookup'; jobId: number; lookup: Lookup }
  | { type: 'done'; jobId: number; result: VerifyResult; asked: AskedLookup[] }
  | { type: 'failed'; jobId: number; message: string };

/** Layout of the answer buffer shared with each worker: Int32 [state, byteLength], then the answer as UTF-8 JSON. */
export const ANSWER_HEADER_BYTES = 8;
export const ANSWER_CAPACITY = 64 * 1024;
export const STATE_WAITING = 0;
export const STATE_ANSWERED = 1;
export const STATE_TOO_LARGE = 2;

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
