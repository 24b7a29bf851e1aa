// The two npm SP libraries, @node-saml/node-saml and samlify, run in a worker thread of this process. Why a worker:
// both read the clock with `new Date()` (node-saml in processValidlySignedAssertionAsync, samlify in
// validator.verifyTime) and take no clock option, so the worker replaces its own global Date with one set to the
// case's `now` (and running on from there); the rest of the app keeps the real time. The worker also gets its own samlify module, whose schema
// validator is set globally: there it is samlify-validator-js, the one samlify's README points to, while the lab's
// own samlify keeps the lab's validator.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TargetName } from '../../contract/targets.ts';
import type { WireAnswer, WireCase } from './types.ts';

export const JS_TARGETS = ['node-saml', 'samlify'] as const satisfies readonly TargetName[];
export type JsTarget = (typeof JS_TARGETS)[number];

interface Libraries {
  'node-saml': { main: string; version: string } | { unavailable: string };
  samlify: { main: string; validator: string; version: string } | { unavailable: string };
}

function locate(): Libraries {
  const require = createRequire(import.meta.url);
  const find = (name: string): { main: string; version: string } | { unavailable: string } => {
    try {
      const main = require.resolve(name);
      // The package.json is not always exported: walk up from the entry point to the package folder.
      let dir = dirname(main);
      while (!dir.endsWith(join('node_modules', ...name.split('/'))) && dirname(dir) !== dir) dir = dirname(dir);
      const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
      return { main, version };
    } catch (error) {
      return { unavailable: `${name} is not installed (${(error as Error).message.split('\n')[0]})` };
    }
  };
  const nodeSaml = find('@node-saml/node-saml');
  const samlify = find('samlify');
  const validator = find('samlify-validator-js');
  return {
    'node-saml': nodeSaml,
    samlify: 'unavailable' in samlify ? samlify : 'unavailable' in validator ? validator : { ...samlify, validator: validator.main },
  };
}

/** Judges every case with each named npm library, each in a worker of its own (one slow library does not hold up
 * the other); a library that cannot run answers `unavailable` for all. With `keepWarmMs`, a worker that answered is
 * kept that long for the next call (samlify's schema validator compiles for seconds on first use). */
export async function runJsTargets(cases: WireCase[], names: readonly JsTarget[], timeoutMs: number, keepWarmMs = 0): Promise<Record<JsTarget, WireAnswer>> {
  const libs = locate();
  const answers = await Promise.all(names.map((name) => runWorker(name, cases, libs, timeoutMs, keepWarmMs)));
  return Object.fromEntries(names.map((name, i) => [name, answers[i]!])) as Record<JsTarget, WireAnswer>;
}

/** Idle workers kept warm, at most one per library; they never keep the process alive. */
const warm = new Map<JsTarget, { worker: Worker; timer: NodeJS.Timeout }>();

/** The libraries with a warm worker right now (for tests and diagnostics). */
export function warmTargets(): JsTarget[] {
  return [...warm.keys()];
}

/** Stops every warm worker (when the process is about to end: their stdio streams can keep Node running). */
export async function stopWarmTargets(): Promise<void> {
  const entries = [...warm.values()];
  warm.clear();
  for (const entry of entries) clearTimeout(entry.timer);
  await Promise.all(entries.map((entry) => entry.worker.terminate()));
}

function park(name: JsTarget, worker: Worker, keepWarmMs: number): void {
  if (keepWarmMs <= 0 || warm.has(name)) {
    void worker.terminate();
    return;
  }
  const timer = setTimeout(() => {
    warm.delete(name);
    void worker.terminate();
  }, keepWarmMs);
  timer.unref();
  worker.unref();
  warm.set(name, { worker, timer });
}

function takeWarm(name: JsTarget): Worker | null {
  const entry = warm.get(name);
  if (!entry) return null;
  warm.delete(name);
  clearTimeout(entry.timer);
  entry.worker.ref();
  return entry.worker;
}

function runWorker(name: JsTarget, cases: WireCase[], libs: Libraries, timeoutMs: number, keepWarmMs: number): Promise<WireAnswer> {
  const lib = libs[name];
  const version = 'main' in lib ? lib.version : null;
  if ('unavailable' in lib) return Promise.resolve({ unavailable: lib.unavailable, version });
  return new Promise((resolvePromise) => {
    let worker = takeWarm(name);
    if (!worker) {
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { name, lib }, stdout: true, stderr: true });
      } catch (error) {
        resolvePromise({ unavailable: `the worker thread could not start: ${(error as Error).message}`, version });
        return;
      }
      // The libraries' own logging (samlify warns on the console) is not the app's output.
      worker.stdout.resume();
      worker.stderr.resume();
    }
    const w = worker;
    let settled = false;
    const settle = (answer: WireAnswer, healthy: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (healthy) park(name, w, keepWarmMs);
      else void w.terminate();
      resolvePromise(answer);
    };
    const onMessage = (message: WireAnswer): void => settle(message, true);
    const onError = (error: Error): void => settle({ unavailable: `${name}: the worker failed: ${error.message}`, version }, false);
    const onExit = (code: number): void => settle({ unavailable: `${name}: the worker exited (${code}) without an answer`, version }, false);
    const timer = setTimeout(() => settle({ unavailable: `${name}: no answer within ${Math.round(timeoutMs / 1000)} s`, version }, false), timeoutMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ cases });
  });
}

// Plain JavaScript (CommonJS), evaluated in the worker. It must not import anything from the app.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { name, lib } = workerData;

// The injected clock: the case's instant, running on from there at the real pace (a clock that never moves can
// hang code that waits for time to pass). Only a Date constructed without arguments and Date.now() read it.
const RealDate = Date;
let offset = 0;
class FrozenDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = FrozenDate;
console.warn = () => {};
console.log = () => {};

const message = (error) => {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
};
const decoded = (c) => Buffer.from(c.samlResponse, 'base64').toString('utf8');
const base64Of = (pem) => pem.replace(/-----[^-]+-----|\s+/g, '');
const escapeXml = (s) => s.replace(/[<>&"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch]);

async function judgeAll(cases, judge) {
  const results = [];
  for (const c of cases) {
    offset = RealDate.parse(c.now) - RealDate.now();
    try {
      let nameId = await judge(c);
      // A replay: the same SP (same library state) receives the same response a second time.
      if (c.replay) nameId = await judge(c, true);
      results.push({ id: c.id, verdict: 'accepted', error: null, nameId: nameId ?? null });
    } catch (error) {
      results.push({ id: c.id, verdict: 'rejected', error: message(error), nameId: null });
    }
  }
  return results;
}

async function nodeSaml(cases) {
  const { SAML } = require(lib.main);
  const instances = new Map();
  const results = await judgeAll(cases, async (c, again) => {
    let saml = again ? instances.get(c.id) : undefined;
    if (!saml) {
      // Configured as node-saml's README shows; every option not listed keeps its documented default.
      saml = new SAML({
        // The SP's entity ID: the Issuer of its AuthnRequests and, since "audience" is not set, the Audience the
        // assertion must name (default: audience = issuer).
        issuer: c.spEntityId,
        // The ACS URL (the AuthnRequest's AssertionConsumerServiceURL).
        callbackUrl: c.acsUrl,
        // The IdP's SSO URL, required to build requests; not used to check responses.
        entryPoint: 'https://idp.invalid/sso',
        // The IdP's signing certificates (an array during a key rollover).
        idpCert: c.idpCertificatesPem,
        // The IdP's entity ID. node-saml 5 checks it only on logout messages, not on login responses.
        idpIssuer: c.idpEntityId,
        // The SP key that decrypts an EncryptedAssertion.
        decryptionPvk: c.spPrivateKeyPem ?? undefined,
        // The defaults, spelled out: the Response AND the Assertion must carry a valid signature...
        wantAuthnResponseSigned: true,
        wantAssertionsSigned: true,
        // ...and the time conditions are checked with no clock skew.
        acceptedClockSkewMs: 0,
        // InResponseTo: the default is "never" (not checked). An SP-initiated app that wants it checked sets
        // "ifPresent", and node-saml remembers the IDs of the requests it sent (below, the outstanding one).
        validateInResponseTo: c.inResponseTo ? 'ifPresent' : 'never',
      });
      if (c.inResponseTo) await saml.cacheProvider.saveAsync(c.inResponseTo, new Date().toISOString());
      instances.set(c.id, saml);
    }
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: c.samlResponse });
    if (!profile) throw new Error('no profile (a logout or NoPassive response)');
    return profile.nameID ?? null;
  });
  return { version: lib.version, results };
}

async function samlify(cases) {
  const saml = require(lib.main);
  // A schema validator is mandatory; samlify's README names these modules, samlify-validator-js is the pure-JS one.
  saml.setSchemaValidator(require(lib.validator));
  const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
  const pairs = new Map();
  const results = await judgeAll(cases, async (c, again) => {
    let pair = again ? pairs.get(c.id) : undefined;
    if (!pair) {
      const encrypted = c.spPrivateKeyPem !== null && decoded(c).includes('EncryptedAssertion');
      // The IdP as samlify's docs configure it: from its metadata (here built from the given certificates).
      const metadata =
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="' + escapeXml(c.idpEntityId) + '">' +
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
        c.idpCertificatesPem.map((pem) => '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>' + base64Of(pem) + '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>').join('') +
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.invalid/sso"/>' +
        '</md:IDPSSODescriptor></md:EntityDescriptor>';
      const idp = saml.IdentityProvider({
        metadata,
        // samlify decrypts only when the IdP is marked as encrypting its assertions.
        isAssertionEncrypted: encrypted,
      });
      const sp = saml.ServiceProvider({
        // The SP's entity ID and its ACS; samlify does not compare either with the response (see stack.md).
        entityID: c.spEntityId,
        assertionConsumerService: [{ Binding: POST, Location: c.acsUrl }],
        // The SP key that decrypts an EncryptedAssertion.
        ...(encrypted ? { encPrivateKey: c.spPrivateKeyPem } : {}),
        // Defaults kept: wantAssertionsSigned/wantMessageSigned false (any valid signature covering the assertion),
        // clockDrifts [0, 0].
      });
      pair = { idp, sp };
      pairs.set(c.id, pair);
    }
    const { extract } = await pair.sp.parseLoginResponse(pair.idp, 'post', { body: { SAMLResponse: c.samlResponse } });
    const nameId = extract && extract.nameID;
    return typeof nameId === 'string' ? nameId : nameId == null ? null : JSON.stringify(nameId);
  });
  return { version: lib.version, results };
}

// One batch per message; the worker may be kept for the next batch.
parentPort.on('message', async ({ cases }) => {
  let answer;
  try {
    answer = name === 'node-saml' ? await nodeSaml(cases) : await samlify(cases);
  } catch (error) {
    answer = { unavailable: name + ' could not run: ' + message(error), version: lib.version };
  }
  parentPort.postMessage(answer);
});
`;
