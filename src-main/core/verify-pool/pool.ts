// The verification pool: posted responses are verified (decode, parse, schema, signatures, every check) in worker
// threads, one per core, so a heavy or hostile post never blocks the thread that serves the UI, the API, SSE and
// /saml/metadata. Provisioning and the store stay on the main thread, single writer.
//
// Results are handed back in the order the posts arrived (FIFO), one per event-loop turn, and each is checked just
// before it is handed back: every store lookup the worker made (outstanding AuthnRequest, replayed assertion ID;
// answered in the worker without waiting for this thread, see protocol.ts) is asked of the store again and must get
// the same answer, else the response is verified again with the store's answers. So the caller, provisioning
// synchronously after its `await`, sees exactly what `verifyResponse` would have returned at that moment, in the
// order of arrival: two concurrent posts of one assertion cannot both pass the replay check, and logins for one
// account are applied in the order they were posted.
//
// Until the first worker has started (a few hundred ms; seconds on a loaded machine), and where no worker can start
// at all (the worker file is missing, e.g. an unusual bundle; then it says so once), posts are verified in-process,
// at the same point of the same FIFO, so nothing waits for the pool to come up.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrustedIdp, VerifyInput } from '../saml/context.ts';
import { verifyResponse, type VerifyResult } from '../saml/verify.ts';
import { answerLookup, likelyRequestIds, plainInput, sameAnswer, type AskedLookup, type FromWorker, type ToWorker } from './protocol.ts';

export interface VerifyPool {
  /** Resolves with what `verifyResponse(input)` returns at the moment of resolution; in order of the calls. */
  verify(input: VerifyInput): Promise<VerifyResult>;
  /** Worker threads (0 when verifying in-process). */
  readonly size: number;
  /** Resolves once every worker has loaded and warmed up (immediately when in-process). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface VerifyPoolOptions {
  /** Worker threads; default: one per core (os.availableParallelism()). 0 verifies in-process. */
  size?: number;
  /** Told once when the pool falls back to verifying in-process. */
  warn?: (message: string) => void;
}

/** A verification is tried this many times in a worker before the pool gives up on workers for it. */
const MAX_ATTEMPTS = 3;

interface Job {
  input: VerifyInput;
  resolve: (result: VerifyResult) => void;
  reject: (error: Error) => void;
  attempts: number;
  /** Store answers the worker uses instead of the defaults. */
  pinned: AskedLookup[];
  done: { result: VerifyResult; asked: AskedLookup[] } | null;
  error: Error | null;
  running: boolean;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  jobId: number;
  ready: Promise<void>;
  /** The worker has loaded and warmed up. */
  started: boolean;
}

interface WorkerEntry {
  file: string;
  eval: boolean;
}

/**
 * How to start a worker from where this module runs. Compiled (out/cli, out/main): the verify-worker.js built beside
 * it. Sources (vitest, tsx): worker.ts bundled on the spot with esbuild (a devDependency) into node_modules/.cache,
 * which starts in a fraction of the time tsx needs to compile the verifier's modules again in every worker; without
 * esbuild, a bootstrap that registers tsx in the worker.
 */
async function workerEntry(): Promise<WorkerEntry | null> {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) {
    for (const candidate of [join(dirname(here), 'verify-worker.js'), join(dirname(here), '..', 'verify-worker.js')]) {
      if (existsSync(candidate)) return { file: candidate, eval: false };
    }
    return null;
  }
  const source = join(dirname(here), 'worker.ts');
  try {
    return { file: await bundleForDev(source), eval: false };
  } catch {
    // No esbuild: tsx in the worker.
  }
  try {
    const requireCjs = createRequire(import.meta.url);
    const pkgFile = requireCjs.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    const tsxApi = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
    const entry = pathToFileURL(source).href;
    return { file: `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, eval: true };
  } catch {
    return null;
  }
}

/** Bundles worker.ts (dependencies external) under node_modules/.cache, named by its content; returns the file. */
async function bundleForDev(source: string): Promise<string> {
  // Not a literal specifier: the bundlers building out/ must not pull esbuild (a devDependency) into the app.
  const specifier = 'esbuild';
  const { build } = (await import(specifier)) as { build: (options: object) => Promise<{ outputFiles: { text: string }[] }> };
  const built = await build({ entryPoints: [source], bundle: true, write: false, format: 'esm', platform: 'node', target: 'node20.19', packages: 'external', logLevel: 'silent' });
  const code = built.outputFiles[0]!.text;
  const dir = join(dirname(source), '..', '..', '..', 'node_modules', '.cache', 'saml-jit-lab');
  const file = join(dir, `verify-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, code);
    await rename(temp, file);
  }
  return file;
}

export function createVerifyPool(options: VerifyPoolOptions = {}): VerifyPool {
  const wanted = options.size ?? Math.max(1, availableParallelism());
  let inProcess = wanted <= 0;

  const slots: Slot[] = [];
  /** Every job not yet handed back, in order of arrival. */
  const order: Job[] = [];
  /** Jobs waiting for a free worker; a job verified again goes first. */
  const waiting: Job[] = [];
  let nextJobId = 1;
  let drainScheduled = false;
  let closed = false;
  // While a verify or ready() is pending, one timer keeps the process alive (the workers are unreferenced).
  let holds = 0;
  let keepAlive: NodeJS.Timeout | null = null;
  const hold = (): void => {
    if (holds++ === 0) keepAlive = setInterval(() => {}, 1 << 30);
  };
  const release = (): void => {
    if (--holds === 0 && keepAlive) {
      clearInterval(keepAlive);
      keepAlive = null;
    }
  };

  const fallBack = (why: string): void => {
    if (inProcess) return;
    inProcess = true;
    options.warn?.(`Verification workers unavailable (${why}): responses are verified on the main thread.`);
    for (const job of waiting.splice(0)) job.running = false;
    scheduleDrain();
  };

  function startSlot(entry: WorkerEntry): Slot {
    const worker = new Worker(entry.file, { eval: entry.eval });
    let markReady!: () => void;
    const slot: Slot = {
      worker,
      job: null,
      jobId: 0,
      ready: new Promise<void>((r) => (markReady = r)),
      started: false,
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.started = true;
        markReady();
        dispatch();
      } else if (slot.job && message.jobId === slot.jobId) {
        const job = slot.job;
        slot.job = null;
        job.running = false;
        if (message.type === 'done') job.done = { result: message.result, asked: message.asked };
        else retry(job, new Error(`Verification failed in a worker: ${message.message}`));
        dispatch();
        scheduleDrain();
      }
    });
    const lost = (error: Error): void => {
      const index = slots.indexOf(slot);
      if (index < 0) return;
      slots.splice(index, 1);
      markReady();
      const job = slot.job;
      slot.job = null;
      if (job) {
        job.running = false;
        retry(job, error);
      }
      if (closed) return;
      if (!slot.started) {
        // Never came up: workers cannot run here.
        if (slots.length === 0) fallBack(error.message);
        return;
      }
      slots.push(startSlot(entry));
      dispatch();
      scheduleDrain();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`a verification worker exited (code ${code})`)));
    // Workers never keep the process alive on their own (a pending verify or ready() does, see hold()). After the
    // listeners: attaching a 'message' listener references the worker's port again.
    worker.unref();
    return slot;
  }

  function retry(job: Job, error: Error): void {
    if (job.attempts >= MAX_ATTEMPTS) job.error = error;
    else waiting.unshift(job);
  }

  function dispatch(): void {
    if (inProcess) return;
    for (const slot of slots) {
      if (slot.job || !slot.started) continue;
      const job = waiting.shift();
      if (!job) return;
      job.attempts += 1;
      job.running = true;
      slot.job = job;
      slot.jobId = nextJobId++;
      const message: ToWorker = { type: 'job', jobId: slot.jobId, input: plainInput(job.input), pinned: job.pinned };
      slot.worker.postMessage(message);
    }
  }

  function scheduleDrain(): void {
    if (drainScheduled) return;
    drainScheduled = true;
    // One result per event-loop turn: the caller of the previous one has provisioned (synchronously after its
    // await, in the microtasks of that turn) before the next is checked against the store.
    setImmediate(drain);
  }

  function drain(): void {
    drainScheduled = false;
    const head = order[0];
    if (!head) return;
    if (head.error) {
      order.shift();
      head.reject(head.error);
      scheduleDrain();
      return;
    }
    let result: VerifyResult;
    if (head.done) {
      const { asked } = head.done;
      const live = asked.map((a) => ({ lookup: a.lookup, answer: answerLookup(head.input, a.lookup) }));
      if (!asked.every((a, i) => sameAnswer(a.answer, live[i]!.answer))) {
        // The store answers differently (a replayed assertion, a request this login answers, or one an earlier login
        // used meanwhile): verify again with the store's answers.
        head.done = null;
        head.pinned = live;
        if (inProcess || head.attempts >= MAX_ATTEMPTS) {
          result = verifyResponse(head.input);
        } else {
          waiting.unshift(head);
          dispatch();
          return;
        }
      } else {
        result = withIdpIdentity(head.done.result, head.input.idps);
      }
    } else if (!head.running && (inProcess || !slots.some((s) => s.started))) {
      // No worker (yet): while the pool starts, the first posts are verified here rather than wait for it.
      const queued = waiting.indexOf(head);
      if (queued >= 0) waiting.splice(queued, 1);
      result = verifyResponse(head.input);
    } else {
      return;
    }
    order.shift();
    head.resolve(result);
    scheduleDrain();
  }

  // Jobs posted before the workers exist wait in `waiting`.
  const starting = inProcess
    ? Promise.resolve()
    : workerEntry().then(
        (entry) => {
          if (closed) return;
          if (!entry) {
            fallBack('no verification worker file');
            return;
          }
          for (let i = 0; i < wanted; i++) slots.push(startSlot(entry));
          dispatch();
        },
        (error: unknown) => fallBack(error instanceof Error ? error.message : String(error)),
      );

  return {
    get size() {
      return inProcess ? 0 : wanted;
    },
    verify(input) {
      if (closed) return Promise.reject(new Error('The verification pool is closed.'));
      hold();
      return new Promise<VerifyResult>((resolve, reject) => {
        // The request this response probably answers, asked now, so an SP-initiated login is verified only once.
        const pinned = inProcess ? [] : likelyRequestIds(input).map((id) => ({ lookup: { kind: 'outstanding' as const, id }, answer: answerLookup(input, { kind: 'outstanding', id }) }));
        const job: Job = {
          input,
          resolve: (r) => {
            release();
            resolve(r);
          },
          reject: (e) => {
            release();
            reject(e);
          },
          attempts: 0,
          pinned,
          done: null,
          error: null,
          running: false,
        };
        order.push(job);
        if (!inProcess) {
          waiting.push(job);
          dispatch();
        }
        scheduleDrain();
      });
    },
    async ready() {
      hold();
      try {
        await starting;
        await Promise.all(slots.map((s) => s.ready));
      } finally {
        release();
      }
    },
    async close() {
      closed = true;
      await starting;
      const workers = slots.splice(0).map((s) => s.worker);
      await Promise.all(workers.map((w) => w.terminate()));
      for (const job of order.splice(0)) job.reject(new Error('The verification pool was closed.'));
      waiting.length = 0;
    },
  };
}

/** The worker's result carries a copy of the trusted IdP; hand back the caller's own object, as verifyResponse does. */
function withIdpIdentity(result: VerifyResult, idps: TrustedIdp[]): VerifyResult {
  if (!result.idp) return result;
  const own = idps.find((i) => i.id === result.idp!.id && i.entityId === result.idp!.entityId);
  return own ? { ...result, idp: own } : result;
}

let shared: VerifyPool | null = null;

/** The process-wide pool (workers idle unreferenced: an idle pool never keeps the process alive). */
export function sharedVerifyPool(options?: VerifyPoolOptions): VerifyPool {
  shared ??= createVerifyPool(options);
  return shared;
}

/** verifyResponse in the process-wide pool: resolves in order of the calls; provision synchronously after the await. */
export function verifyPooled(input: VerifyInput): Promise<VerifyResult> {
  return sharedVerifyPool().verify(input);
}
