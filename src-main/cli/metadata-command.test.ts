// `saml-jit-lab metadata`: what it prints and its exit codes, called in-process with a fake Io.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../core/sp/keys.ts';
import { IDP_ENTITY_ID, idpMetadataXml, makeKeyPair } from '../core/testing/test-idp.ts';
import { signMetadata } from '../core/idp/test-support.ts';
import { fingerprintSha256, summarizeCert } from '../core/util/cert.ts';
import { main } from './main.ts';
import { metadataCommand } from './metadata-command.ts';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus/metadata');

let dir: string;
/** A day into the generated certificates' validity, so no expiry warning is expected from them. */
let now: Date;
let keys: KeyPair;
let nextKeys: KeyPair;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-md-cli-'));
  [keys, nextKeys] = await Promise.all([makeKeyPair('CLI IdP'), makeKeyPair('CLI IdP next')]);
  now = new Date(new Date(summarizeCert(keys.certificatePem)!.notBefore).getTime() + 86_400_000);
  const write = async (name: string, content: string | Buffer): Promise<void> => {
    files[name] = join(dir, name);
    await writeFile(files[name]!, content);
  };
  const rollover = idpMetadataXml(keys, IDP_ENTITY_ID, [nextKeys]);
  const inner = (xml: string): string => xml.replace(/ xmlns:md="[^"]+"/, '');
  await write('idp.xml', `\uFEFF<?xml version="1.0"?>\n<!-- from the IdP -->\n${rollover}`);
  await write('aggregate.xml',
    `<md:EntitiesDescriptor xmlns:md="${MD}" Name="urn:example:fed">${inner(idpMetadataXml(keys, 'https://one.example/idp'))}${inner(idpMetadataXml(nextKeys, 'https://two.example/idp'))}` +
    `<md:EntityDescriptor entityID="https://sp.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor></md:EntitiesDescriptor>`);
  await write('report.pdf.xml', Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n', 'latin1'));
  await write('login.html', '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form></form></body></html>');
  await write('truncated.xml', rollover.slice(0, Math.floor(rollover.length * 0.6)));
  await write('sp.xml', `<md:EntityDescriptor xmlns:md="${MD}" entityID="https://sp.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>`);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {}, stdin: stdin === undefined ? undefined : async () => stdin };
  const code = await metadataCommand(args, io, now);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('saml-jit-lab metadata', () => {
  it('prints the entityID, SSO endpoints per binding and both rollover certificates', async () => {
    const { code, out, err } = await run([files['idp.xml']!]);
    expect([code, err]).toEqual([0, '']);
    expect(out).toMatch(new RegExp(`^  entityID +${IDP_ENTITY_ID.replace(/[.]/g, '\\.')}$`, 'm'));
    expect(out).toMatch(/^ {2}SSO +HTTP-Redirect +https:\/\/idp\.test\.example\/sso$/m);
    expect(out).toContain(`signing cert     SHA-256 ${fingerprintSha256(keys.certificatePem)}`);
    expect(out).toContain(`signing cert     SHA-256 ${fingerprintSha256(nextKeys.certificatePem)}`);
    expect(out).toMatch(/^ {2}signature +absent: The metadata is not signed\.$/m);
    expect(out).not.toContain('Warnings:');
  });

  it('--json prints the parsed metadata', async () => {
    const { code, out } = await run([files['idp.xml']!, '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { kind: string; entityId: string; ssoServices: unknown[]; certificates: { fingerprintSha256: string }[] };
    expect(parsed).toMatchObject({ kind: 'idp', entityId: IDP_ENTITY_ID, ssoServices: [{ binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: 'https://idp.test.example/sso' }] });
    expect(parsed.certificates.map((c) => c.fingerprintSha256)).toEqual([fingerprintSha256(keys.certificatePem), fingerprintSha256(nextKeys.certificatePem)]);
  });

  it('lists the IdPs of an aggregate, and shows one with --entity', async () => {
    const list = await run([files['aggregate.xml']!]);
    expect(list.code).toBe(0);
    expect(list.out.split('\n')).toEqual(['EntitiesDescriptor urn:example:fed: 3 entities, 2 IdPs', '  https://one.example/idp', '  https://two.example/idp', 'Show one with --entity ID.']);
    const json = await run([files['aggregate.xml']!, '--json']);
    expect(JSON.parse(json.out)).toEqual({ kind: 'aggregate', name: 'urn:example:fed', entityCount: 3, idps: [{ entityId: 'https://one.example/idp', displayName: null }, { entityId: 'https://two.example/idp', displayName: null }] });
    const one = await run([files['aggregate.xml']!, '--entity', 'https://two.example/idp']);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^ {2}entityID +https:\/\/two\.example\/idp$/m);
    expect(one.out).toMatch(/^ {2}from aggregate +urn:example:fed \(2 IdPs\)$/m);
    expect(one.out).toContain(fingerprintSha256(nextKeys.certificatePem));
    const missing = await run([files['aggregate.xml']!, '--entity', 'https://three.example/idp']);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toContain('has no entity with entityID "https://three.example/idp"');
    const sp = await run([files['aggregate.xml']!, '--entity', 'https://sp.example']);
    expect(sp.code).toBe(2);
    expect(sp.err).toMatch(/service provider's metadata/);
  });

  it('reads standard input with -', async () => {
    const { code, out } = await run(['-'], idpMetadataXml(keys));
    expect(code).toBe(0);
    expect(out).toContain(IDP_ENTITY_ID);
  });

  it('verifies the metadata signature only against --trust-cert, and refuses a wrong one', async () => {
    const signed = join(dir, 'signed.xml');
    await writeFile(signed, signMetadata(idpMetadataXml(keys).replace('entityID=', 'ID="_m1" entityID='), keys));
    const trust = join(dir, 'trust.pem');
    await writeFile(trust, keys.certificatePem);
    const wrong = join(dir, 'wrong.pem');
    await writeFile(wrong, nextKeys.certificatePem);

    expect((await run([signed])).out).toMatch(/^ {2}signature +unverified: The EntityDescriptor is signed; give the IdP's metadata signing certificate to verify it\.$/m);
    expect((await run([signed, '--trust-cert', trust])).out).toMatch(/^ {2}signature +verified: Signature on the EntityDescriptor verified with the trust certificate/m);
    const refused = await run([signed, '--trust-cert', wrong]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/does not verify with the trust certificate/);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.xml'), /^Cannot read the metadata file .*nope\.xml: no such file\.$/],
    ['a directory', () => dir, /^Cannot read the metadata file .*: it is a directory\.$/],
    ['a PDF renamed .xml', () => files['report.pdf.xml']!, /report\.pdf\.xml: This is a PDF file, not XML metadata/],
    ['an HTML login page', () => files['login.html']!, /login\.html: This is an HTML page, not SAML metadata/],
    ['truncated XML', () => files['truncated.xml']!, /truncated\.xml: The metadata is not well-formed XML: it ends before its root element is closed/],
    ['an SP\'s metadata', () => files['sp.xml']!, /sp\.xml: This is a service provider's metadata \(SPSSODescriptor\), not an IdP's/],
  ])('exits 2 with one clear line for %s', async (_name, path, message) => {
    const { code, out, err } = await run([path()]);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(message);
    expect(err.split('\n')).toHaveLength(1);
  });

  it('exits 2 on usage errors, 0 on --help, and is reachable through main', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['a.xml', 'b.xml'])).code).toBe(2);
    expect((await run(['--nope'])).err).toBe('Unknown option --nope.');
    expect((await run(['--help'])).code).toBe(0);
    const out: string[] = [];
    const code = await main(['metadata', files['idp.xml']!], { out: (l) => out.push(l), err: () => {}, env: {} });
    expect(code).toBe(0);
    expect(out.join('\n')).toContain(IDP_ENTITY_ID);
  });

  it.skipIf(!existsSync(CORPUS))('prints cert expiry warnings relative to the clock (a real ADFS file)', async () => {
    const { code, out } = await run([join(CORPUS, 'adfs_federationmetadata_sustainsys.xml')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}other roles +RoleDescriptor \(fed:ApplicationServiceType\), RoleDescriptor \(fed:SecurityTokenServiceType\), SPSSODescriptor$/m);
    expect(out).toContain('Warnings:\n  - The encryption certificate CN=ADFS Encryption - sts.unilever.com (SHA-256 0F:29:5D:5E:A0:5F:A7:5D…) expired on 2015-01-30T23:31:59.000Z.');
  });
});
