// `saml-jit-lab verify --targets`: what a user sees when asking real SP libraries next to the lab.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetVerdict } from '../contract/targets.ts';
import { ACS_URL, NOW, SP_ENTITY_ID, b64, idpMetadataXml, makeKeyPair, signResponse } from '../core/testing/test-idp.ts';
import { runCli, type CliRun } from './run-for-test.ts';

let dir: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-cli-targets-'));
  const idpKeys = await makeKeyPair('IdP');
  const write = async (name: string, text: string): Promise<void> => {
    files[name] = join(dir, name);
    await writeFile(files[name]!, text);
  };
  await write('idp.xml', idpMetadataXml(idpKeys));
  await write('idp.pem', idpKeys.certificatePem);
  await write('valid.b64', b64(await signResponse(idpKeys, { inResponseTo: '_req42' })));
  // The Destination names another SP: the lab refuses it, node-saml (which does not check Destination) accepts it.
  await write('misdirected.xml', await signResponse(idpKeys, { inResponseTo: '_req42', overrides: { destination: 'https://other-sp.example/acs' } }));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (args: string[]): Promise<CliRun> => runCli(['verify', ...args]);

const base = (response: string) => ['--idp-metadata', files['idp.xml']!, '--sp-entity-id', SP_ENTITY_ID, '--acs-url', ACS_URL, '--now', NOW.toISOString(), '--in-response-to', '_req42', '--response', files[response]!];

describe('saml-jit-lab verify --targets', () => {
  it('--json gains targets: node-saml accepts the valid response at the given clock, as the lab does', async () => {
    const r = await run([...base('valid.b64'), '--targets', 'node-saml', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { verdict: string; targets: TargetVerdict[]; disagreements: string[] };
    expect(json.verdict).toBe('accepted');
    expect(json.targets).toEqual([{ name: 'node-saml', version: '5.1.0', verdict: 'accepted', error: null, nameId: 'alice@example.com' }]);
    expect(json.disagreements).toEqual([]);
  }, 60_000);

  it('text: a table row per library and the sentence saying node-saml would accept what the lab refuses', async () => {
    const r = await run([...base('misdirected.xml'), '--targets', 'node-saml']);
    expect(r.code).toBe(1); // the exit status stays the lab's verdict
    expect(r.out).toContain('FAIL destination');
    expect(r.out).toContain('Would your SP accept this?');
    expect(r.out).toMatch(/\n {2}lab {20}REJECTED {4}failed: destination\n/);
    expect(r.out).toMatch(/\n {2}node-saml 5\.1\.0 {8}ACCEPTED {4}NameID alice@example.com\n/);
    expect(r.out).toContain('  ! node-saml would accept this MISDIRECTED (meant for another SP) response and log the user in as "alice@example.com": your SP would be exposed (the lab rejects it: destination: ');
  }, 60_000);

  it('a library that cannot run is listed as unavailable with the reason; an unknown name is a usage error (exit 2)', async () => {
    const r = await run([...base('valid.b64'), '--targets', 'ruby-saml,python3-saml,simplesamlphp', '--json']);
    const json = JSON.parse(r.out) as { targets: TargetVerdict[] };
    expect(json.targets.map((t) => t.name)).toEqual(['ruby-saml', 'python3-saml', 'simplesamlphp']);
    for (const t of json.targets) {
      // Installed here (CI installs them): accepted like the lab; elsewhere: unavailable, and the reason says why.
      if (t.verdict === 'unavailable') expect(t.error).toMatch(/not installed|could not/);
      else expect(t).toMatchObject({ verdict: 'accepted', nameId: 'alice@example.com' });
    }
    const bad = await run([...base('valid.b64'), '--targets', 'node-saml,passport']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--targets: Unknown target passport: use node-saml,samlify,ruby-saml,python3-saml,simplesamlphp or all.');
  }, 60_000);
});
