// judgeWithTargets as a user of the panel or of `verify --targets` meets it: the clock given is the clock each
// library uses, a missing or broken runner is `unavailable` with the reason (never an exception), and the
// disagreement sentences say which way a library differs from the lab and why.
import { execFile, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetVerdict } from '../../contract/targets.ts';
import type { KeyPair } from '../sp/keys.ts';
import { ACS_URL, IDP_ENTITY_ID, NOW, SP_ENTITY_ID, b64, makeKeyPair, signResponse } from '../testing/test-idp.ts';
import { describeDisagreements, type LabView } from './disagreements.ts';
import { judgeAgainstLab, judgeWithTargets, parseTargetList, type TargetInput } from './index.ts';
import { warmTargets } from './js-runner.ts';
import { targetInputForLogin } from './login-input.ts';

const RUNNERS_DIR = resolve(import.meta.dirname, '../../../resources/runners');
let keys: KeyPair;
let input: TargetInput;
let dir: string;

beforeAll(async () => {
  keys = await makeKeyPair();
  const xml = await signResponse(keys, { inResponseTo: '_req1' });
  input = { samlResponse: b64(xml), idpCertificatesPem: [keys.certificatePem], idpEntityId: IDP_ENTITY_ID, spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, now: NOW, inResponseTo: '_req1', spPrivateKeyPem: null };
  dir = await mkdtemp(join(tmpdir(), 'jitlab-targets-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('judgeWithTargets', () => {
  it('gives node-saml the case\'s clock: accepted at the response\'s time, expired a day later, not yet valid a day before', async () => {
    const at = async (now: Date): Promise<TargetVerdict> => (await judgeWithTargets({ ...input, now }, ['node-saml'], { runnersDir: RUNNERS_DIR }))[0]!;
    expect(await at(NOW)).toMatchObject({ name: 'node-saml', version: '5.1.0', verdict: 'accepted', nameId: 'alice@example.com', error: null });
    expect((await at(new Date(NOW.getTime() + 86_400_000))).verdict).toBe('rejected');
    expect(await at(new Date(NOW.getTime() - 86_400_000))).toMatchObject({ verdict: 'rejected', error: 'SAML assertion not yet valid' });
  }, 60_000);

  it('keeps a worker warm when asked, and the warm worker takes each call\'s own clock', async () => {
    const options = { runnersDir: RUNNERS_DIR, keepWarmMs: 10_000 };
    expect((await judgeWithTargets(input, ['node-saml'], options))[0]!.verdict).toBe('accepted');
    expect(warmTargets()).toEqual(['node-saml']);
    const later = await judgeWithTargets({ ...input, now: new Date(NOW.getTime() + 86_400_000) }, ['node-saml'], options);
    expect(later[0]).toMatchObject({ verdict: 'rejected' });
    expect((await judgeWithTargets(input, ['node-saml'], { runnersDir: RUNNERS_DIR }))[0]!.verdict).toBe('accepted');
    expect(warmTargets()).toEqual([]); // taken by the last call, which keeps nothing
  }, 60_000);

  it('a missing interpreter makes a library unavailable with the reason and how to install it', async () => {
    const [ruby] = await judgeWithTargets(input, ['ruby-saml'], { runnersDir: RUNNERS_DIR, interpreters: { 'ruby-saml': join(dir, 'no-such-ruby') } });
    expect(ruby).toEqual({ name: 'ruby-saml', version: null, verdict: 'unavailable', error: `${join(dir, 'no-such-ruby')} is not installed (apt-get install ruby ruby-saml)`, nameId: null });
  });

  it('a runner that hangs is killed after the time limit, one that prints garbage is unavailable; the others still answer', async () => {
    const fake = join(dir, 'fake-runners');
    await rm(fake, { recursive: true, force: true });
    await mkdir(fake);
    await writeFile(join(fake, 'ruby-saml.rb'), 'exec sleep 20\n');
    await writeFile(join(fake, 'python3-saml.py'), 'echo "not json"\n');
    await chmod(join(fake, 'ruby-saml.rb'), 0o755);
    const started = Date.now();
    const results = await judgeWithTargets(input, ['ruby-saml', 'python3-saml'], { runnersDir: fake, timeoutMs: 1_500, interpreters: { 'ruby-saml': '/bin/sh', 'python3-saml': '/bin/sh' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(results.map((r) => [r.name, r.verdict])).toEqual([['ruby-saml', 'unavailable'], ['python3-saml', 'unavailable']]);
    expect(results[0]!.error).toBe('ruby-saml: no answer within 2 s (killed)');
    expect(results[1]!.error).toMatch(/^python3-saml: the runner exited \(0\) without a JSON answer/);
  });

  it('a runner whose library cannot be loaded says so: unavailable, with what to install', async (ctx) => {
    const missing = ['ruby', '/usr/bin/python3', 'php'].filter((cmd) => spawnSync(cmd, ['--version']).status !== 0);
    if (missing.length) {
      console.log(`Skipping the library-missing runner test: ${missing.join(', ')} not installed.`);
      ctx.skip();
      return;
    }
    // The real runners, started so that their library cannot load: no gems, no site-packages, no php.ini extensions.
    const wrappers = join(dir, 'no-library');
    await mkdir(wrappers, { recursive: true });
    await writeFile(join(wrappers, 'ruby-saml.rb'), `exec ruby --disable-gems ${join(RUNNERS_DIR, 'ruby-saml.rb')}\n`);
    await writeFile(join(wrappers, 'python3-saml.py'), `exec /usr/bin/python3 -S ${join(RUNNERS_DIR, 'python3-saml.py')}\n`);
    await writeFile(join(wrappers, 'simplesamlphp.php'), `exec php -n ${join(RUNNERS_DIR, 'simplesamlphp.php')}\n`);
    const results = await judgeWithTargets(input, ['ruby-saml', 'python3-saml', 'simplesamlphp'], {
      runnersDir: wrappers,
      interpreters: { 'ruby-saml': '/bin/sh', 'python3-saml': '/bin/sh', simplesamlphp: '/bin/sh' },
    });
    expect(results.map((r) => [r.name, r.verdict, r.error?.replace(/:.*$/s, '')])).toEqual([
      ['ruby-saml', 'unavailable', 'ruby-saml is not installed (apt-get install ruby-saml)'],
      ['python3-saml', 'unavailable', 'python3-saml is not installed (apt-get install python3-onelogin-saml2)'],
      ['simplesamlphp', 'unavailable', 'php-xml is not installed (apt-get install php-xml)'],
    ]);
  }, 60_000);

  it('reads --targets lists', () => {
    expect(parseTargetList('all')).toEqual(['node-saml', 'samlify', 'ruby-saml', 'python3-saml', 'simplesamlphp']);
    expect(parseTargetList('ruby-saml, node-saml,ruby-saml')).toEqual(['ruby-saml', 'node-saml']);
    expect(() => parseTargetList('node-saml,shibboleth')).toThrow('Unknown target shibboleth: use node-saml,samlify,ruby-saml,python3-saml,simplesamlphp or all.');
    expect(() => parseTargetList(',')).toThrow(/Unknown target \(none given\)/);
  });
});

describe('describeDisagreements', () => {
  const check = (id: string, status: 'pass' | 'warn' | 'fail', received: string | null = null) => ({ id, status, title: `title of ${id}`, received });
  const target = (name: TargetVerdict['name'], verdict: TargetVerdict['verdict'], extra: Partial<TargetVerdict> = {}): TargetVerdict => ({ name, version: '1', verdict, error: null, nameId: null, ...extra });

  it('calls a response the lab refuses for a security reason FORGED (or misdirected, replayed...) when a library accepts it', () => {
    const lab: LabView = { verdict: 'rejected', nameId: null, checks: [check('xml.schema', 'fail', 'bad'), check('signature.valid', 'fail', 'digest mismatch')] };
    expect(describeDisagreements(lab, [target('samlify', 'accepted', { nameId: 'admin@example.com' }), target('ruby-saml', 'rejected', { error: 'Digest mismatch' })])).toEqual([
      'samlify would accept this FORGED response and log the user in as "admin@example.com": your SP would be exposed (the lab rejects it: xml.schema: title of xml.schema — bad; signature.valid: title of signature.valid — digest mismatch).',
    ]);
    const replay: LabView = { verdict: 'rejected', nameId: 'alice@example.com', checks: [check('replay', 'fail')] };
    expect(describeDisagreements(replay, [target('python3-saml', 'accepted', { nameId: 'alice@example.com' })])[0]).toMatch(/^python3-saml would accept this REPLAYED response .*: your SP would be exposed/);
  });

  it('names a non-security refusal plainly, and a library that refuses what the lab accepts with its own error', () => {
    const noAuthn: LabView = { verdict: 'rejected', nameId: 'kc-user', checks: [check('authn.statement', 'fail', 'absent')] };
    expect(describeDisagreements(noAuthn, [target('node-saml', 'accepted', { nameId: 'kc-user' })])).toEqual([
      'node-saml would accept this response that the lab rejects and log the user in as "kc-user" (authn.statement: title of authn.statement — absent).',
    ]);
    const ok: LabView = { verdict: 'accepted', nameId: 'kc-user', checks: [check('authn.statement', 'pass')] };
    expect(describeDisagreements(ok, [target('ruby-saml', 'rejected', { error: 'The Assertion must include one AuthnStatement element' }), target('samlify', 'unavailable', { error: 'not installed' })])).toEqual([
      'ruby-saml would reject this response that the lab accepts: "The Assertion must include one AuthnStatement element".',
    ]);
    // KeyInfo naming another certificate while a metadata key verifies the signature fails only under the strict
    // KeyInfo policy: a policy refusal, not a forgery (a forged signature fails signature.valid as well).
    const strictKeyInfo: LabView = { verdict: 'rejected', nameId: 'alice@example.com', checks: [check('signature.valid', 'pass'), check('signature.cert-in-metadata', 'fail', 'KeyInfo: SHA-256 ab:cd; verified by 12:34')] };
    expect(describeDisagreements(strictKeyInfo, [target('node-saml', 'accepted', { nameId: 'alice@example.com' })])).toEqual([
      'node-saml would accept this response that the lab rejects and log the user in as "alice@example.com" (signature.cert-in-metadata: title of signature.cert-in-metadata — KeyInfo: SHA-256 ab:cd; verified by 12:34).',
    ]);
    // Where a library's terse message comes from one of its defaults, the sentence names the default.
    expect(describeDisagreements(ok, [target('node-saml', 'rejected', { error: 'Invalid signature' })])).toEqual([
      'node-saml would reject this response that the lab accepts: "Invalid signature" — node-saml requires a signed Assertion by default (wantAssertionsSigned: true).',
    ]);
  });

  it('flags a library that would log in another user than the signed NameID, and says nothing where all agree', () => {
    const lab: LabView = { verdict: 'accepted', nameId: 'alice@example.com.evil.example', checks: [] };
    expect(describeDisagreements(lab, [target('node-saml', 'accepted', { nameId: 'alice@example.com' })])).toEqual([
      'node-saml would log the user in as "alice@example.com" where the lab reads "alice@example.com.evil.example" from the signed assertion: an SP built on it would give this login to another account.',
    ]);
    expect(describeDisagreements(lab, [target('ruby-saml', 'accepted', { nameId: 'alice@example.com.evil.example' })])).toEqual([]);
  });
});

describe('README matrix', () => {
  it('is the one scripts/targets-matrix.mjs prints from the committed table', async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const printed = await new Promise<string>((ok, fail) => execFile(process.execPath, [join(root, 'scripts/targets-matrix.mjs')], (e, out) => (e ? fail(e) : ok(out))));
    expect(printed.split('\n').length).toBeGreaterThan(40);
    expect(await readFile(join(root, 'README.md'), 'utf8')).toContain(printed);
  });
});

describe('a stored login for the panel', () => {
  it('is judged at its receipt time with the InResponseTo the lab matched; node-saml agrees with the lab', async () => {
    const xml = Buffer.from(input.samlResponse, 'base64').toString('utf8');
    const ctx = { idpCertificatesPem: [keys.certificatePem], idpEntityId: IDP_ENTITY_ID, spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, spPrivateKeyPem: null };
    const login = { samlResponse: input.samlResponse, xml, receivedAt: NOW.toISOString(), flow: 'sp-initiated' as const };
    const target = targetInputForLogin(login, ctx)!;
    expect(target).toMatchObject({ now: NOW, inResponseTo: '_req1', samlResponse: input.samlResponse });
    expect(targetInputForLogin({ ...login, flow: 'idp-initiated' }, ctx)?.inResponseTo).toBeNull();
    expect(targetInputForLogin({ samlResponse: null, xml: null, receivedAt: NOW.toISOString(), flow: 'unknown' }, ctx)).toBeNull();
    const result = await judgeAgainstLab(target, { verdict: 'accepted', nameId: 'alice@example.com', checks: [] }, ['node-saml'], { runnersDir: RUNNERS_DIR });
    expect(result).toEqual({
      lab: { verdict: 'accepted', nameId: 'alice@example.com', failedChecks: [] },
      targets: [{ name: 'node-saml', version: '5.1.0', verdict: 'accepted', error: null, nameId: 'alice@example.com' }],
      disagreements: [],
    });
  }, 60_000);
});
