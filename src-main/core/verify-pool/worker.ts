// A verification worker: runs verifyResponse (decode, parse, schema, signatures, every check) for one posted
// response at a time, off the thread that serves the UI, the API and the ACS. The two store lookups are asked of the
// main thread synchronously (see protocol.ts), so the checks run exactly as they would in-process.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyResponse } from '../saml/verify.ts';
import {
  ANSWER_CAPACITY,
  ANSWER_HEADER_BYTES,
  STATE_TOO_LARGE,
  STATE_WAITING,
  type AskedLookup,
  type FromWorker,
  type Lookup,
  type LookupAnswer,
  type ToWorker,
} from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('verify-pool/worker.ts runs as a worker thread only');
const shared = (workerData as { answers: SharedArrayBuffer }).answers;
const header = new Int32Array(shared, 0, 2);
const bytes = new Uint8Array(shared, ANSWER_HEADER_BYTES, ANSWER_CAPACITY);
const decoder = new TextDecoder();
/** The main thread answers within microseconds unless it is busy; a minute means it is gone or stuck. */
const LOOKUP_TIMEOUT_MS = 60_000;

const post = (message: FromWorker): void => port.postMessage(message);

function ask(jobId: number, lookup: Lookup, asked: AskedLookup[]): LookupAnswer {
  Atomics.store(header, 0, STATE_WAITING);
  post({ type: 'lookup', jobId, lookup });
  if (Atomics.wait(header, 0, STATE_WAITING, LOOKUP_TIMEOUT_MS) === 'timed-out') throw new Error('the main thread did not answer a store lookup');
  if (Atomics.load(header, 0) === STATE_TOO_LARGE) throw new Error('a store lookup answer did not fit the shared buffer');
  const answer = JSON.parse(decoder.decode(bytes.slice(0, Atomics.load(header, 1)))) as LookupAnswer;
  asked.push({ lookup, answer });
  return answer;
}

port.on('message', (message: ToWorker) => {
  const { jobId, input } = message;
  const asked: AskedLookup[] = [];
  try {
    const result = verifyResponse({
      ...input,
      outstanding: {
        find: (id) => {
          const answer = ask(jobId, { kind: 'outstanding', id }, asked);
          return answer && typeof answer === 'object' ? { idpEntityId: answer.idpEntityId, expiresAt: new Date(answer.expiresAt) } : null;
        },
      },
      replay: { seen: (assertionId, idpEntityId) => ask(jobId, { kind: 'replay', assertionId, idpEntityId }, asked) === true },
    });
    post({ type: 'done', jobId, result, asked });
  } catch (error) {
    post({ type: 'failed', jobId, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});

// Warm up: the first verification loads the schema validator (libxml2 compiles the XSDs) and the crypto code.
verifyResponse({
  samlResponse: '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>',
  isXml: true,
  now: new Date(),
  sp: { entityId: 'urn:warm-up', acsUrl: 'http://127.0.0.1/warm-up' },
  idps: [],
  policy: { clockSkewSeconds: 180, allowUnsolicited: true, maxResponseBytes: 1024 },
  outstanding: { find: () => null },
  replay: { seen: () => false },
});
post({ type: 'ready' });
