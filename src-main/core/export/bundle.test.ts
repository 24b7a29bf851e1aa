// The tested-config bundle through the contract: what it holds, secrets only when asked, the published JSON
// Schema, and import into a new profile (a newer or corrupt bundle changes nothing).
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportFile, IdpProfile } from '../../contract/index.ts';
import { idpMetadataXml, makeKeyPair } from '../testing/test-idp.ts';
import { fingerprintSha256 } from '../util/cert.ts';
import { signRootEnveloped } from '../util/sign-xml.ts';
import { bundleJsonSchema, TestedConfigBundle, type TestedConfigBundle as Bundle } from './bundle-schema.ts';
import { startTestLab, type TestLab } from './export-test-support.ts';

const SCHEMA_FILE = resolve(import.meta.dirname, '../../../schemas/bundle.schema.json');
const open: TestLab[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});
async function lab(): Promise<TestLab> {
  const t = await startTestLab();
  open.push(t);
  return t;
}

describe('schemas/bundle.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (UPDATE_BUNDLE_SCHEMA=1 rewrites it)', async () => {
    const generated = `${JSON.stringify(bundleJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_BUNDLE_SCHEMA === '1') await writeFile(SCHEMA_FILE, generated);
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(generated);
  });
});

describe('bundles.export', () => {
  it('holds metadata, public SP settings, policy, rules and the last accepted login of each tested user', async () => {
    const t = await lab();
    await t.call('sp.update', { clockSkewSeconds: 120, signaturePolicy: 'both' });
    expect(await t.login('alice')).toBe(200);
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    expect(await t.login('alice')).toBe(200);
    expect(await t.login('bob')).toBe(200);
    const file = await t.call<ExportFile>('bundles.export', {});
    expect(file).toMatchObject({ language: 'json', containsSecrets: false });
    expect(file.fileName).toMatch(/^saml-jit-lab-bundle-.*\.json$/);
    expect(file.content).not.toContain('PRIVATE KEY');
    const bundle = TestedConfigBundle.parse(JSON.parse(file.content));
    expect(bundle).toMatchObject({ bundleVersion: 1, containsSecrets: false, exportedBy: 'saml-jit-lab 9.9.9-test' });
    expect(bundle.idp.entityId).toBe('urn:saml-jit-lab:demo-idp');
    expect(bundle.idp.metadataXml).toContain('IDPSSODescriptor');
    expect(bundle.sp.privateKey).toBeNull();
    expect(bundle.policy).toEqual({ clockSkewSeconds: 120, allowUnsolicited: true, signaturePolicy: 'both', sha1Policy: 'warn', spProfile: 'lab' });
    expect(bundle.rules.preset).toBe('generic');
    expect(bundle.evidence.map((e) => e.principal).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    const alice = bundle.evidence.find((e) => e.principal === 'alice@example.com')!;
    expect(alice.receivedAt).toBe('2030-06-01T12:01:00.000Z');
    expect(alice.diff.kind).toBe('unchanged');
    expect(alice.account).toMatchObject({ loginCount: 2, fields: { email: 'alice@example.com', lastName: 'Anderson' } });
    expect(alice.checks.find((c) => c.id === 'signature.valid')?.status).toBe('pass');
    expect(Buffer.from(alice.samlResponse, 'base64').toString('utf8')).toContain('alice@example.com');
  });

  it('includes the SP private key only when asked, marked as a secret', async () => {
    const t = await lab();
    const file = await t.call<ExportFile>('bundles.export', { includePrivateKeys: true });
    expect(file.containsSecrets).toBe(true);
    expect(file.fileName).toContain('WITH-PRIVATE-KEY');
    const bundle = JSON.parse(file.content) as Bundle;
    expect(bundle.containsSecrets).toBe(true);
    expect(bundle.sp.privateKey?.warning).toMatch(/^SECRET: /);
    expect(bundle.sp.privateKey?.privateKeyPem).toContain('PRIVATE KEY');
  });
});

describe('bundles.import', () => {
  it('restores the IdP metadata and the rules into a new profile of another lab', async () => {
    const a = await lab();
    await a.login('alice');
    const rules = (await a.call<{ rules: Record<string, unknown> }>('rules.get')).rules;
    await a.call('rules.update', { rules: { ...rules, preset: 'custom', allowSignUp: false } });
    const file = await a.call<ExportFile>('bundles.export', {});

    const b = await lab();
    // Lab b has a demo IdP of its own (same entity ID, another key): a demo bundle does not import there.
    const demo = await b.lab.handle('bundles.import', { json: file.content });
    expect(!demo.ok && demo.error).toMatchObject({ code: 'invalid-bundle', message: expect.stringContaining('built-in demo IdP') });
    // The same bundle for a real IdP (its entity ID renamed) imports as a new profile, then updates that one.
    const partner = file.content.replaceAll('urn:saml-jit-lab:demo-idp', 'https://idp.partner.example');
    const before = await b.call<IdpProfile[]>('idps.list');
    const profile = await b.call<IdpProfile>('bundles.import', { json: partner });
    expect(profile).toMatchObject({ kind: 'metadata', entityId: 'https://idp.partner.example', active: false });
    expect(profile.name).toMatch(/bundle of 2030-06-01/);
    expect(profile.certificates[0]?.fingerprintSha256).toBe((await a.call<IdpProfile[]>('idps.list'))[0]!.certificates[0]!.fingerprintSha256);
    expect(await b.call<IdpProfile[]>('idps.list')).toHaveLength(before.length + 1);
    const restored = await b.call<{ rules: { preset: string; allowSignUp: boolean } }>('rules.get', { idpId: profile.id });
    expect(restored.rules).toMatchObject({ preset: 'custom', allowSignUp: false });
    const again = await b.call<IdpProfile>('bundles.import', { json: partner });
    expect(again.id).toBe(profile.id);
    expect(await b.call<IdpProfile[]>('idps.list')).toHaveLength(before.length + 1);
  });

  it('refuses a bundle from a newer version or a corrupt file with invalid-bundle, and changes nothing', async () => {
    const t = await lab();
    const good = JSON.parse((await t.call<ExportFile>('bundles.export', {})).content) as Record<string, unknown>;
    const cases: [string, RegExp][] = [
      [JSON.stringify({ ...good, bundleVersion: 2 }), /newer SAML JIT Lab \(bundle version 2/],
      ['{"bundleVersion": 1, "kind": "saml-jit-lab/tested-config", "idp": ', /not valid JSON/],
      [JSON.stringify({ hello: 'world' }), /not a SAML JIT Lab tested-config bundle/],
      [JSON.stringify({ ...good, rules: { version: 1 } }), /damaged or was edited by hand: rules\./],
      [JSON.stringify({ ...good, idp: { ...(good.idp as object), metadataXml: '<x/>' } }), /IdP metadata in this bundle does not parse/],
      [JSON.stringify({ ...good, containsSecrets: true }), /containsSecrets/],
    ];
    const before = JSON.stringify(await t.call('idps.list'));
    for (const [json, message] of cases) {
      const result = await t.lab.handle('bundles.import', { json });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid-bundle');
        expect(result.error.message).toMatch(message);
      }
    }
    expect(JSON.stringify(await t.call('idps.list'))).toBe(before);
  });
});

describe('bundles.import over a configured IdP: trusted keys never change silently', () => {
  const PARTNER = 'https://idp.partner.example';
  /** A bundle for PARTNER signed with lab a's demo key, and that key's fingerprint. */
  async function partnerBundle(): Promise<{ json: string; bundleCert: string }> {
    const a = await lab();
    expect(await a.login('alice')).toBe(200);
    const file = await a.call<ExportFile>('bundles.export', {});
    const bundleCert = (await a.call<IdpProfile[]>('idps.list')).find((p) => p.kind === 'demo')!.certificates[0]!.fingerprintSha256;
    return { json: file.content.replaceAll('urn:saml-jit-lab:demo-idp', PARTNER), bundleCert };
  }
  const certsOf = async (t: TestLab): Promise<string[]> => (await t.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === PARTNER)!.certificates.map((c) => c.fingerprintSha256);

  it('a bundle with other signing certificates answers trust-change with the added and removed fingerprints; only replace: true applies it, and a restart trusts the same', async () => {
    const { json, bundleCert } = await partnerBundle();
    const b = await lab();
    const current = await makeKeyPair('Partner IdP');
    await b.call('idps.import', { xml: idpMetadataXml(current, PARTNER) });
    const currentCert = fingerprintSha256(current.certificatePem);
    expect(await certsOf(b)).toEqual([currentCert]);

    const refused = await b.lab.handle('bundles.import', { json });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('trust-change');
      expect(refused.error.details).toMatchObject({ entityId: PARTNER, added: [{ fingerprintSha256: bundleCert }], removed: [{ fingerprintSha256: currentCert }], signatureRequired: false });
      expect(refused.error.message).toContain(bundleCert);
    }
    expect(await certsOf(b)).toEqual([currentCert]);
    await b.restart();
    expect(await certsOf(b)).toEqual([currentCert]);

    const applied = await b.call<IdpProfile>('bundles.import', { json, replace: true });
    expect(applied.certificates.map((c) => c.fingerprintSha256)).toEqual([bundleCert]);
    await b.restart();
    expect(await certsOf(b)).toEqual([bundleCert]);
  });

  it('a profile imported with a trust certificate refuses an unsigned bundle even with replace: true, and still lists after a restart', async () => {
    const { json } = await partnerBundle();
    const b = await lab();
    const [idpKey, metadataSigner] = await Promise.all([makeKeyPair('Partner IdP'), makeKeyPair('Partner metadata signer')]);
    const signed = signRootEnveloped(idpMetadataXml(idpKey, PARTNER).replace('<md:EntityDescriptor ', '<md:EntityDescriptor ID="_md1" '), metadataSigner);
    const profile = await b.call<IdpProfile>('idps.import', { xml: signed, trustCertPem: metadataSigner.certificatePem });
    expect(profile.metadataSignature.status).toBe('verified');
    const before = await certsOf(b);

    const refused = await b.lab.handle('bundles.import', { json, replace: true });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/not signed/);
    expect(await certsOf(b)).toEqual(before);
    await b.restart();
    expect(await certsOf(b)).toEqual(before);
    expect((await b.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === PARTNER)?.metadataSignature.status).toBe('verified');
  });
});
