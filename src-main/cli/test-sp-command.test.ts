// `saml-jit-lab test-sp`, in-process with a fake Io, against real apps on @node-saml/node-saml: the README
// configuration (exit 1, the cases it lets through) and the same app with the checks node-saml leaves to the app
// added (exit 0, every case safe). The SPs are configured the way a CI script would: from the IdP metadata that
// `--idp-metadata-out` wrote.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeSamlSp, type NodeSamlSp } from '../core/sp-test/testing/node-saml-sp.ts';
import { simpleSamlPhpUnavailable, startSimpleSamlPhpSp } from '../core/sp-test/testing/simplesamlphp-sp.ts';
import { runCli, type CliRun } from './run-for-test.ts';

let dir: string;
let data: string;
let idpMetadataFile: string;
const apps: NodeSamlSp[] = [];

const run = (args: string[]): Promise<CliRun> => runCli(['test-sp', ...args]);

async function appFromMetadata(hardened: boolean): Promise<{ app: NodeSamlSp; spMetadata: string }> {
  const md = await readFile(idpMetadataFile, 'utf8');
  const cert = /<ds:X509Certificate>([^<]+)</.exec(md)![1]!;
  const sso = /SingleSignOnService Binding="[^"]+HTTP-Redirect" Location="([^"]+)"/.exec(md)![1]!;
  const entityId = /entityID="([^"]+)"/.exec(md)![1]!;
  const app = await startNodeSamlSp({ idpCertPem: cert, idpSsoUrl: sso, idpEntityId: entityId, hardened });
  apps.push(app);
  const spMetadata = join(dir, `sp-${hardened ? 'hardened' : 'readme'}.xml`);
  await writeFile(spMetadata, app.metadataXml);
  return { app, spMetadata };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-test-sp-cli-'));
  data = join(dir, 'data');
  idpMetadataFile = join(dir, 'lab-idp.xml');
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('saml-jit-lab test-sp', () => {
  it('--idp-metadata-out alone only writes the lab IdP metadata, the same on every run with the same --data', async () => {
    const first = await run(['--data', data, '--idp-metadata-out', idpMetadataFile]);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/^Wrote the lab IdP's metadata \(entity ID urn:saml-jit-lab:test-idp, SSO http:\/\/127\.0\.0\.1:7820\/idp\/sso\) to /);
    const xml = await readFile(idpMetadataFile, 'utf8');
    expect(xml).toContain('<md:IDPSSODescriptor');
    const again = join(dir, 'again.xml');
    expect((await run(['--data', data, '--idp-metadata-out', again])).code).toBe(0);
    expect(await readFile(again, 'utf8')).toBe(xml);
  });

  it('exits 0 for the node-saml app with the checks the library leaves to the app: every case safe', async () => {
    const { app, spMetadata } = await appFromMetadata(true);
    const { code, out, err } = await run(['--sp-metadata', spMetadata, '--start-url', app.startUrl, '--whoami', app.whoamiUrl, '--data', data]);
    expect(err).toBe('');
    expect(out).toMatch(/^23 safe, 0 VULNERABLE, 0 inconclusive, 0 warnings$/m);
    expect(code).toBe(0);
    expect(out).toContain(`SP urn:test:node-saml-sp-hardened — ACS ${app.acsUrl}, SP-initiated from ${app.startUrl}`);
    // The app refused every response but the valid one and the comment-injection one, which it read whole (the
    // address the IdP signed, not the one before the comment).
    expect(app.attempts.filter((a) => a.accepted).map((a) => a.nameId)).toEqual(['alice@example.com', 'alice@example.com.evil.example']);
  }, 120_000);

  it('exits 1 for the README configuration; --json lists each case with expect, observed, verdict, evidence', async () => {
    const { app, spMetadata } = await appFromMetadata(false);
    const { code, out } = await run(['--sp-metadata', spMetadata, '--start-url', app.startUrl, '--whoami', app.whoamiUrl, '--data', data, '--json', '--cases', 'unsigned,xsw1,wrong-issuer,replay']);
    expect(code).toBe(1);
    const json = JSON.parse(out) as { cases: { id: string; expect: string; observed: string; verdict: string; evidence: { samlResponse: string } }[] };
    expect(json.cases.map((c) => [c.id, c.expect, c.observed, c.verdict])).toEqual([
      ['valid', 'accept', 'accepted', 'safe'],
      ['unsigned', 'refuse', 'refused', 'safe'],
      ['xsw1', 'refuse', 'refused', 'safe'],
      ['wrong-issuer', 'refuse', 'accepted', 'VULNERABLE'],
      ['replay', 'refuse', 'accepted', 'VULNERABLE'],
    ]);
    expect(json.cases.every((c) => c.evidence.samlResponse.length > 100)).toBe(true);
  }, 120_000);

  it('observes acceptance by a rule on the ACS answer (IdP-initiated when no start URL is given)', async () => {
    const { spMetadata } = await appFromMetadata(false);
    const { code, out } = await run(['--sp-metadata', spMetadata, '--success', 'status=302', '--data', data, '--cases', 'expired,wrong-destination,xsw3']);
    expect(code).toBe(1);
    expect(out).toMatch(/acceptance seen by ACS answers status 302/);
    expect(out).toMatch(/^ {2}safe +valid +Valid login/m);
    expect(out).toMatch(/^ {2}safe +expired /m);
    expect(out).toMatch(/^ {2}VULNERABLE +wrong-destination /m);
    expect(out).toMatch(/^ {2}safe +xsw3 /m);
  }, 120_000);

  it.each([
    [[], /Give --sp-metadata/],
    [['--sp-metadata', 'x.xml'], /Say how a successful login shows/],
    [['--sp-metadata', 'x.xml', '--whoami', 'http://127.0.0.1:1/me', '--success', 'status=302'], /not both/],
    [['--sp-metadata', 'x.xml', '--success', 'code=200'], /not one of status=NNN/],
    [['--sp-metadata', 'x.xml', '--whoami', 'http://127.0.0.1:1/me', '--cases', 'valid,xsw9'], /Unknown case xsw9/],
    [['--sp-metadata', '/nonexistent/sp.xml', '--whoami', 'http://127.0.0.1:1/me'], /Cannot read --sp-metadata \/nonexistent\/sp\.xml: ENOENT/],
  ])('exits 2 on usage errors: %j', async (args, message) => {
    const { code, err } = await run([...args, '--data', data]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('refuses to send forged logins anywhere but 127.0.0.1 (exit 2)', async () => {
    const sp = join(dir, 'remote-sp.xml');
    await writeFile(sp, `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://app.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://app.example/saml/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`);
    const remoteAcs = await run(['--sp-metadata', sp, '--whoami', 'http://127.0.0.1:1/me', '--data', data]);
    expect(remoteAcs.code).toBe(2);
    expect(remoteAcs.err).toMatch(/The ACS URL must be on 127\.0\.0\.1 \(got app\.example\)/);
    const remoteWhoami = await run(['--sp-metadata', sp, '--acs-url', 'http://127.0.0.1:1/acs', '--whoami', 'http://localhost:1/me', '--data', data]);
    expect(remoteWhoami.code).toBe(2);
    expect(remoteWhoami.err).toMatch(/The who-am-I URL must be on 127\.0\.0\.1 \(got localhost:1\)/);
  });
});

const sspUnavailable = simpleSamlPhpUnavailable();
if (sspUnavailable) console.log(`Skipping test-sp against SimpleSAMLphp: ${sspUnavailable}`);

describe.skipIf(sspUnavailable !== null)('saml-jit-lab test-sp against SimpleSAMLphp', () => {
  it('reads the SP metadata from its URL and exits 1 (the replay gets through), as a CI job would', async () => {
    if (!(await readFile(idpMetadataFile, 'utf8').catch(() => null))) await run(['--data', data, '--idp-metadata-out', idpMetadataFile]);
    const ssp = await startSimpleSamlPhpSp({ idpMetadataXml: await readFile(idpMetadataFile, 'utf8'), idpEntityId: 'urn:saml-jit-lab:test-idp' });
    try {
      const { code, out } = await run(['--sp-metadata', ssp.metadataUrl, '--start-url', ssp.startUrl, '--whoami', ssp.whoamiUrl, '--data', data, '--cases', 'unsigned,replay']);
      expect(out).toMatch(/^ {2}safe +valid /m);
      expect(out).toMatch(/^ {2}safe +unsigned /m);
      expect(out).toMatch(/^ {2}VULNERABLE +replay /m);
      expect(code).toBe(1);
    } finally {
      await ssp.close();
    }
  }, 60_000);
});
