// `replay` and `verify --config` on a bundle exported from a real lab: as recorded (exit 0), a rotated IdP
// certificate, a moved endpoint and changed rules (exit 1, each named), unusable input (exit 2); the certificate gate
// (--fail-on-expiry); and a bundle exported right after an SP setting change passes its own replay.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportFile } from '../contract/index.ts';
import type { TestedConfigBundle } from '../core/export/bundle-schema.ts';
import type { LeftOutLogin } from '../core/export/bundle.ts';
import { startTestLab } from '../core/export/export-test-support.ts';
import type { ReplayReport } from '../core/export/replay.ts';
import { makeKeyPair } from '../core/testing/test-idp.ts';
import { certBase64, summarizeCert } from '../core/util/cert.ts';
import { runCli } from './run-for-test.ts';

let dir: string;
let bundle: TestedConfigBundle;
const files: Record<string, string> = {};
/** A signing certificate that expires 10 days from now (real time: the gate reads the clock). */
let expiringCert = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-replay-'));
  const t = await startTestLab();
  try {
    expect(await t.login('alice')).toBe(200);
    expect(await t.login('bob')).toBe(200);
    const file = await t.call<ExportFile>('bundles.export', {});
    bundle = JSON.parse(file.content) as TestedConfigBundle;
  } finally {
    await t.close();
  }
  const write = async (name: string, text: string): Promise<void> => {
    files[name] = join(dir, name);
    await writeFile(files[name]!, text);
  };
  const md = bundle.idp.metadataXml;
  const oldCert = md.match(/<(?:ds:)?X509Certificate>([^<]+)</)![1]!;
  const rotated = certBase64((await makeKeyPair('Rotated IdP')).certificatePem);
  await write('bundle.json', JSON.stringify(bundle));
  await write('rotated.xml', md.split(oldCert).join(rotated));
  await write('rollover.xml', md.replace(/(<md:KeyDescriptor[^>]*use="signing"[^>]*>[\s\S]*?<\/md:KeyDescriptor>)/, (kd) => `${kd}${kd.split(oldCert).join(rotated)}`));
  await write('renamed.xml', md.replace('entityID="urn:saml-jit-lab:demo-idp"', 'entityID="https://idp.renamed.example"'));
  await write('moved.xml', md.replace(/Location="([^"]+)"/g, 'Location="https://idp.moved.example/sso"'));
  const rules = { ...bundle.rules, groups: { ...bundle.rules.groups, roles: [{ role: 'admin', match: 'exact', value: 'sso-admins' }] } };
  await write('rules.json', JSON.stringify(rules));
  await write('newer.json', JSON.stringify({ ...bundle, bundleVersion: 2 }));
  await write('alice.b64', bundle.evidence.find((e) => e.principal === 'alice@example.com')!.samlResponse);
  // The IdP publishes a second signing certificate that expires in 10 days: in the bundle, or only in the current metadata.
  const soon = await generate([{ name: 'commonName', value: 'Expiring IdP key' }], { keySize: 2048, algorithm: 'sha256', notAfterDate: new Date(Date.now() + 10 * 86_400_000) });
  expiringCert = soon.cert;
  const withExpiring = md.replace(/(<md:KeyDescriptor[^>]*use="signing"[^>]*>[\s\S]*?<\/md:KeyDescriptor>)/, (kd) => `${kd}${kd.split(oldCert).join(certBase64(soon.cert))}`);
  await write('expiring.xml', withExpiring);
  await write('expiring-bundle.json', JSON.stringify({ ...bundle, idp: { ...bundle.idp, metadataXml: withExpiring } }));
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const run = runCli;

describe('saml-jit-lab replay', () => {
  it('exits 0 when every recorded login verifies and provisions as recorded', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Replaying 2 recorded logins');
    expect(r.out).toContain('same alice@example.com');
    expect(r.out).toContain('AS RECORDED: 2 of 2');
  });

  it('reports a rotated IdP certificate (signature checks fail) with exit 1', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!, '--metadata', files['rotated.xml']!]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('DIFF metadata: signing certificate rotated');
    expect(r.out).toMatch(/DIFF alice@example.com .*now rejected/);
    expect(r.out).toMatch(/signature\.cert-in-metadata: was pass, now fail/);
    expect(r.out).toContain('DIFFERENT: 2 of 2 logins and the IdP metadata');
    const json = JSON.parse((await run(['replay', '--config', files['bundle.json']!, '--metadata', files['rotated.xml']!, '--json'])).out) as ReplayReport;
    expect(json.asRecorded).toBe(false);
    expect(json.items.every((i) => i.verdict === 'rejected' && i.differences.some((d) => d.what === 'verdict'))).toBe(true);
  });

  it('takes a rollover (old and new certificate both published) as a notice, exit 0', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!, '--metadata', files['rollover.xml']!]);
    expect(r.out).toContain('note: signing certificate added');
    expect(r.code).toBe(0);
  });

  it('reports a moved SSO endpoint with exit 1', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!, '--metadata', files['moved.xml']!]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/endpoint moved: HTTP-Redirect SingleSignOnService http:\/\/127\.0\.0\.1:\d+\/demo-idp\/sso → https:\/\/idp\.moved\.example\/sso/);
  });

  it('reports a changed IdP entityID (the responses’ issuer is no longer known) with exit 1', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!, '--metadata', files['renamed.xml']!]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('IdP entityID changed: urn:saml-jit-lab:demo-idp → https://idp.renamed.example');
    expect(r.out).toMatch(/issuer\.known: was pass, now fail/);
  });

  it('reports rules that would change the resulting account with exit 1', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!, '--rules', files['rules.json']!, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as ReplayReport;
    const alice = report.items.find((i) => i.principal === 'alice@example.com')!;
    expect(alice.verdict).toBe('accepted');
    expect(alice.differences.map((d) => d.message)).toContain('rules change the account: roles [] → ["admin"]');
    expect(report.items.find((i) => i.principal === 'bob@example.com')?.asRecorded).toBe(true);
  });

  it('fetches the current metadata from the bundle\'s source URL, and reports a rotation seen there', async () => {
    const rotated = await readFile(files['rotated.xml']!, 'utf8');
    const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' }).end(rotated));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
      const withUrl = join(dir, 'with-url.json');
      await writeFile(withUrl, JSON.stringify({ ...bundle, idp: { ...bundle.idp, metadataUrl: url } }));
      const r = await run(['replay', '--config', withUrl]);
      expect(r.err).toBe('');
      expect(r.code).toBe(1);
      expect(r.out).toContain(`with the IdP metadata from ${url}`);
      expect((await run(['replay', '--config', withUrl, '--offline'])).code).toBe(0);
      const down = join(dir, 'down.json');
      await writeFile(down, JSON.stringify({ ...bundle, idp: { ...bundle.idp, metadataUrl: 'http://127.0.0.1:1/metadata' } }));
      const unreachable = await run(['replay', '--config', down]);
      expect(unreachable.code).toBe(2);
      expect(unreachable.err).toContain('--offline');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('exits 2 on unusable input: no --config, unreadable or newer bundle, unreadable metadata', async () => {
    expect((await run(['replay'])).code).toBe(2);
    expect((await run(['replay', '--config', join(dir, 'missing.json')])).err).toMatch(/Cannot read --config/);
    const newer = await run(['replay', '--config', files['newer.json']!]);
    expect(newer.code).toBe(2);
    expect(newer.err).toMatch(/newer SAML JIT Lab/);
    expect((await run(['replay', '--config', files['bundle.json']!, '--metadata', files['alice.b64']!])).code).toBe(2);
  });
});

describe('saml-jit-lab replay --fail-on-expiry DAYS', () => {
  const notAfter = (): string => summarizeCert(expiringCert)!.notAfter.slice(0, 10);

  it('exits 1 when a signing certificate in the bundle expires within DAYS, listing it with its date', async () => {
    const r = await run(['replay', '--config', files['expiring-bundle.json']!, '--fail-on-expiry', '30']);
    expect(r.err).toBe('');
    expect(r.out).toContain('AS RECORDED: 2 of 2');
    expect(r.out).toMatch(new RegExp(`EXPIRES ${notAfter()} \\(in (9|10) days\\): signing certificate CN=Expiring IdP key, SHA-256 ${summarizeCert(expiringCert)!.fingerprintSha256}`));
    expect(r.out).toContain('CERTIFICATE GATE: 1 trusted signing certificate expires within 30 days');
    expect(r.code).toBe(1);
    const json = JSON.parse((await run(['replay', '--config', files['expiring-bundle.json']!, '--fail-on-expiry', '30', '--json'])).out) as { certificateGate: { days: number; expiring: { notAfter: string }[] } };
    expect(json.certificateGate.days).toBe(30);
    expect(json.certificateGate.expiring.map((c) => c.notAfter.slice(0, 10))).toEqual([notAfter()]);
  });

  it('exits 0 when none expires within DAYS, and without the flag an expiring certificate changes nothing', async () => {
    const r = await run(['replay', '--config', files['expiring-bundle.json']!, '--fail-on-expiry', '5']);
    expect(r.out).toContain('CERTIFICATES OK: no trusted signing certificate expires within 5 days.');
    expect(r.code).toBe(0);
    expect((await run(['replay', '--config', files['expiring-bundle.json']!])).code).toBe(0);
  });

  it('also gates on the current metadata (a certificate the bundle does not have yet)', async () => {
    expect((await run(['replay', '--config', files['bundle.json']!, '--fail-on-expiry', '30'])).code).toBe(0);
    const r = await run(['replay', '--config', files['bundle.json']!, '--metadata', files['expiring.xml']!, '--fail-on-expiry', '30']);
    expect(r.out).toContain(`EXPIRES ${notAfter()}`);
    expect(r.code).toBe(1);
  });

  it('exits 2 when DAYS is not a whole number', async () => {
    const r = await run(['replay', '--config', files['bundle.json']!, '--fail-on-expiry', 'soon']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--fail-on-expiry takes a whole number of days');
  });
});

describe('a bundle exported after an SP setting change', () => {
  it('leaves out the login accepted under the old SP entity ID (listed with the reason) and passes its own replay', async () => {
    const t = await startTestLab();
    let exported: ExportFile & { leftOut: LeftOutLogin[] };
    try {
      expect(await t.login('alice')).toBe(200);
      await t.call('sp.update', { entityId: 'urn:example:new-sp' });
      expect(await t.login('bob')).toBe(200);
      exported = await t.call<ExportFile & { leftOut: LeftOutLogin[] }>('bundles.export', {});
    } finally {
      await t.close();
    }
    expect(exported.leftOut.map((l) => l.principal)).toEqual(['alice@example.com']);
    expect(exported.leftOut[0]!.reasons.join('\n')).toMatch(/audience: was pass, now fail/);
    const fresh = JSON.parse(exported.content) as TestedConfigBundle;
    expect(fresh.sp.entityId).toBe('urn:example:new-sp');
    expect(fresh.evidence.map((e) => e.principal)).toEqual(['bob@example.com']);
    const path = join(dir, 'fresh.json');
    await writeFile(path, exported.content);
    const r = await run(['replay', '--config', path]);
    expect(r.out).toContain('AS RECORDED: 1 of 1');
    expect(r.code).toBe(0);
  });
});

describe('saml-jit-lab verify --config', () => {
  const at = (): string => bundle.evidence.find((e) => e.principal === 'alice@example.com')!.receivedAt;

  it('verifies a response with the bundle\'s IdP, SP and policy: exit 0 at the recorded time, 1 an hour later', async () => {
    const ok = await run(['verify', '--config', files['bundle.json']!, '--response', files['alice.b64']!, '--now', at()]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ACCEPTED — NameID alice@example.com/);
    const late = await run(['verify', '--config', files['bundle.json']!, '--response', files['alice.b64']!, '--now', new Date(Date.parse(at()) + 3600_000).toISOString()]);
    expect(late.code).toBe(1);
    expect(late.out).toContain('FAIL conditions.time-window');
  });

  it('takes newer metadata with --idp-metadata (a rotated cert rejects, exit 1)', async () => {
    const r = await run(['verify', '--config', files['bundle.json']!, '--idp-metadata', files['rotated.xml']!, '--response', files['alice.b64']!, '--now', at()]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL signature.cert-in-metadata');
  });

  it('exits 2 on a bad bundle or conflicting flags', async () => {
    expect((await run(['verify', '--config', files['newer.json']!, '--response', files['alice.b64']!])).code).toBe(2);
    const conflict = await run(['verify', '--config', files['bundle.json']!, '--acs-url', 'http://x', '--response', files['alice.b64']!]);
    expect(conflict.code).toBe(2);
    expect(conflict.err).toMatch(/With --config/);
  });
});
