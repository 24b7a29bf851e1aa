import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../core/sp/keys.ts';
import { ACS_URL, NOW, SP_ENTITY_ID, b64, idpMetadataXml, makeKeyPair, signResponse } from '../core/testing/test-idp.ts';
import { runCli, type CliRun } from './run-for-test.ts';

let dir: string;
let idpKeys: KeyPair;
let spKeys: KeyPair;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-cli-'));
  [idpKeys, spKeys] = await Promise.all([makeKeyPair('IdP'), makeKeyPair('SP')]);
  const signed = await signResponse(idpKeys, { inResponseTo: '_req42' });
  const write = async (name: string, text: string): Promise<string> => {
    files[name] = join(dir, name);
    await writeFile(files[name]!, text);
    return files[name]!;
  };
  await write('idp.xml', idpMetadataXml(idpKeys));
  await write('idp.pem', idpKeys.certificatePem);
  await write('response.xml', signed);
  await write('response.b64', b64(signed));
  await write('tampered.xml', signed.replace('>Anderson<', '>Mallory<'));
  await write('encrypted.b64', b64(await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem } })));
  await write('sp-key.pem', spKeys.privateKeyPem);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (args: string[], stdin?: string): Promise<CliRun> => runCli(['verify', ...args], stdin);

const base = () => ['--idp-metadata', files['idp.xml']!, '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--now', NOW.toISOString()];

describe('saml-jit-lab verify', () => {
  it('accepts a good response (raw XML and base64) with exit 0', async () => {
    for (const f of ['response.xml', 'response.b64']) {
      const r = await run([...base(), '--response', files[f]!, '--in-response-to', '_req42']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^ACCEPTED — NameID alice@example.com/);
      expect(r.out).toContain('pass in-response-to');
    }
  });

  it('rejects a tampered response with exit 1 and names the failing check with its fix', async () => {
    const r = await run([...base(), '--response', files['tampered.xml']!]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^REJECTED/);
    expect(r.out).toContain('FAIL signature.valid');
    expect(r.out).toContain('fix: ');
  });

  it('prints {verdict, checks, nameId, attributes} with --json', async () => {
    const r = await run([...base(), '--response', files['response.xml']!, '--json']);
    const json = JSON.parse(r.out) as { verdict: string; nameId: string; checks: { id: string; status: string }[]; attributes: { name: string; values: string[] }[] };
    expect(json.verdict).toBe('accepted');
    expect(json.nameId).toBe('alice@example.com');
    expect(json.checks.find((c) => c.id === 'in-response-to')).toMatchObject({ status: 'warn', received: '_req42' });
    expect(json.attributes.find((a) => a.name === 'groups')?.values).toEqual(['engineering', 'sso-admins']);
  });

  it('applies --now and --skew: the same response is expired an hour later', async () => {
    const later = new Date(NOW.getTime() + 3600_000).toISOString();
    const args = ['--idp-metadata', files['idp.xml']!, '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--response', files['response.xml']!];
    const r = await run([...args, '--now', later, '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { checks: { id: string; status: string }[] }).checks.filter((c) => c.status === 'fail').map((c) => c.id)).toContain('conditions.time-window');
    expect((await run([...args, '--now', later, '--skew', '3600'])).code).toBe(0);
  });

  it('reads the response from stdin with --response -, and takes a bare --idp-cert', async () => {
    const r = await run(['--idp-cert', files['idp.pem']!, '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--now', NOW.toISOString(), '--response', '-'], b64(await signResponse(idpKeys)));
    expect(r.code).toBe(0);
  });

  it('decrypts with --sp-key, and says what is missing without it', async () => {
    expect((await run([...base(), '--response', files['encrypted.b64']!, '--sp-key', files['sp-key.pem']!])).code).toBe(0);
    const noKey = await run([...base(), '--response', files['encrypted.b64']!]);
    expect(noKey.code).toBe(1);
    expect(noKey.out).toContain('FAIL assertion.decrypt');
  });

  it('suggests --now when a captured response fails only because of time, and explains every option in --help', async () => {
    const args = ['--idp-metadata', files['idp.xml']!, '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--response', files['response.xml']!];
    const late = await run(args);
    expect(late.code).toBe(1);
    expect(late.out).toContain(`hint: to check a captured response as of when it was issued, add --now ${NOW.toISOString()}`);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--in-response-to ID   the ID of the AuthnRequest you sent');
    expect(help.out).toContain('Exit status: 0 accepted, 1 rejected, 2 usage error or unreadable input.');
  });

  it('exits 2 on usage errors and unreadable input', async () => {
    expect((await run(['--response', files['response.xml']!])).code).toBe(2);
    const missing = await run([...base(), '--response', join(dir, 'nope.xml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Cannot read --response');
    expect((await run([...base(), '--response', files['response.xml']!, '--now', 'yesterday'])).code).toBe(2);
    const badMetadata = await run(['--idp-metadata', files['response.xml']!, '--sp-entity-id', 'x', '--acs-url', 'y', '--response', files['response.xml']!]);
    expect(badMetadata.code).toBe(2);
    expect(badMetadata.err).toMatch(/metadata/i);
  });

  it('works as the installed command (bin/saml-jit-lab.mjs), exit code included', async () => {
    const bin = resolve(import.meta.dirname, '../../bin/saml-jit-lab.mjs');
    const ok = await promisify(execFile)(process.execPath, [bin, 'verify', ...base(), '--response', files['response.b64']!]);
    expect(ok.stdout).toMatch(/^ACCEPTED/);
    const rejected = await promisify(execFile)(process.execPath, [bin, 'verify', ...base(), '--response', files['tampered.xml']!]).catch((e: { code: number; stdout: string }) => e);
    expect((rejected as { code: number }).code).toBe(1);
  });
});
