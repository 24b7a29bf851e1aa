// A verification worker: runs verifyResponse (decode, parse, schema, signatures, every check) for one posted
// response at a time, off the thread that serves the UI, the API and the ACS. The two store lookups are answered
// from the job (see protocol.ts) and reported back, so the main thread can confirm them before the result is used.
import { parentPort } from 'node:worker_threads';
import { verifyResponse } from '../saml/verify.ts';
import { defaultAnswer, lookupKey, type AskedLookup, type FromWorker, type Lookup, type LookupAnswer, type ToWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('verify-pool/worker.ts runs as a worker thread only');

const post = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  const { jobId, input, pinned } = message;
  const answers = new Map(pinned.map((p) => [lookupKey(p.lookup), p.answer]));
  const asked: AskedLookup[] = [];
  const ask = (lookup: Lookup): LookupAnswer => {
    const key = lookupKey(lookup);
    const answer = answers.has(key) ? answers.get(key)! : defaultAnswer(lookup);
    asked.push({ lookup, answer });
    return answer;
  };
  try {
    const result = verifyResponse({
      ...input,
      outstanding: {
        find: (id) => {
          const answer = ask({ kind: 'outstanding', id });
          return answer && typeof answer === 'object' ? { idpEntityId: answer.idpEntityId, expiresAt: new Date(answer.expiresAt) } : null;
        },
      },
      replay: { seen: (assertionId, idpEntityId) => ask({ kind: 'replay', assertionId, idpEntityId }) === true },
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
