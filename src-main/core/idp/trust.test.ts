// What the lab trusts (which key's signatures it accepts for an IdP) changes only with the person's explicit yes,
// through one owner (IdpRegistry), and is the same before and after a restart — for every method that changes
// metadata. Observed as a person would: the certificates listed on the profile and the ACS verdict of a login.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdpProfile, Result } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import type { KeyPair } from '../sp/keys.ts';
import { IDP_ENTITY_ID, NOW, SP_ENTITY_ID, b64, idpMetadataXml, makeKeyPair, signResponse } from '../testing/test-idp.ts';
import { fingerprintSha256 } from '../util/cert.ts';
import { signMetadata } from './test-support.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
let original: KeyPair;
let attacker: KeyPair;
let metadataSigner: KeyPair;
let server: Server;
let base: string;
const served = new Map<string, string>();

beforeAll(async () => {
  [original, attacker, metadataSigner] = await Promise.all([makeKeyPair('IdP'), makeKeyPair('Someone else'), makeKeyPair('Federation operator')]);
  server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** A signed metadata document needs an ID for its signature's Reference. */
const withId = (xml: string): string => xml.replace('<md:EntityDescriptor ', '<md:EntityDescriptor ID="md-1" ');

interface Harness {
  lab: Lab;
  dir: string;
  call<T>(method: string, input?: unknown): Promise<T>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function harness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-trust-'));
  const start = (): Promise<Lab> => createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, clock: () => NOW });
  const h: Harness = {
    lab: await start(),
    dir,
    async call<T>(method: string, input: unknown = {}): Promise<T> {
      const r = await h.lab.handle(method, input);
      if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { code: r.error.code, details: r.error.details });
      return r.value as T;
    },
    async restart() {
      await h.lab.close();
      h.lab = await start();
    },
    async close() {
      await h.lab.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await h.call('sp.update', { entityId: SP_ENTITY_ID });
  return h;
}

/** What the person sees and what the ACS does: the profile's signing fingerprints, and which key's login is accepted. */
async function trustOf(h: Harness): Promise<{ fingerprints: string[]; accepts: { original: number; attacker: number } }> {
  const profiles = await h.call<IdpProfile[]>('idps.list');
  const profile = profiles.find((p) => p.entityId === IDP_ENTITY_ID);
  const post = async (keys: KeyPair): Promise<number> => {
    const response = b64(await signResponse(keys, { acsUrl: `${h.lab.url}/saml/acs` }));
    const res = await fetch(`${h.lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: response }).toString() });
    return res.status;
  };
  return { fingerprints: (profile?.certificates ?? []).map((c) => c.fingerprintSha256).sort(), accepts: { original: await post(original), attacker: await post(attacker) } };
}

/** Each way metadata can change, given the new metadata XML; `replace` is the person's yes. */
const METHODS: { name: string; apply: (h: Harness, xml: string, replace: boolean | undefined) => Promise<Result<unknown>> }[] = [
  { name: 'idps.import', apply: (h, xml, replace) => h.lab.handle('idps.import', { xml, replace }) },
  {
    name: 'idps.importFile',
    apply: async (h, xml, replace) => {
      const path = join(h.dir, 'new-metadata.xml');
      await writeFile(path, xml);
      return h.lab.handle('idps.importFile', { path, replace });
    },
  },
  {
    name: 'idps.importUrl',
    apply: (h, xml, replace) => {
      served.set('/other', xml);
      return h.lab.handle('idps.importUrl', { url: `${base}/other`, replace });
    },
  },
  {
    name: 'idps.refresh',
    apply: async (h, xml, replace) => {
      const profile = (await h.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === IDP_ENTITY_ID)!;
      served.set('/idp', xml);
      return h.lab.handle('idps.refresh', { id: profile.id, replace });
    },
  },
  {
    name: 'bundles.import',
    apply: async (h, xml, replace) => {
      // A bundle made by another lab that trusts this metadata.
      const other = await harness();
      try {
        await other.call('idps.import', { xml });
        const bundle = await other.call<{ content: string }>('bundles.export', { idpId: (await other.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === IDP_ENTITY_ID)!.id });
        return await h.lab.handle('bundles.import', { json: bundle.content, replace });
      } finally {
        await other.close();
      }
    },
  },
];

describe('trusted keys change only with the explicit yes, and the same before and after a restart', () => {
  for (const method of METHODS) {
    it(`${method.name}: new signing certificates are refused without replace, taken with it`, { timeout: 60_000 }, async () => {
      const h = await harness();
      try {
        served.set('/idp', idpMetadataXml(original));
        await h.call('idps.importUrl', { url: `${base}/idp` });
        const trusted = await trustOf(h);
        expect(trusted).toEqual({ fingerprints: [fingerprintSha256(original.certificatePem)], accepts: { original: 200, attacker: 403 } });

        const asked = await method.apply(h, idpMetadataXml(attacker), undefined);
        expect(asked).toMatchObject({
          ok: false,
          error: { code: 'trust-change', details: { added: [{ fingerprintSha256: fingerprintSha256(attacker.certificatePem) }], removed: [{ fingerprintSha256: fingerprintSha256(original.certificatePem) }] } },
        });
        expect(await trustOf(h)).toEqual(trusted);
        await h.restart();
        expect(await trustOf(h)).toEqual(trusted);

        const agreed = await method.apply(h, idpMetadataXml(attacker), true);
        expect(agreed.ok).toBe(true);
        const replaced = await trustOf(h);
        expect(replaced).toEqual({ fingerprints: [fingerprintSha256(attacker.certificatePem)], accepts: { original: 403, attacker: 200 } });
        await h.restart();
        expect(await trustOf(h)).toEqual(replaced);
        expect((await h.call<IdpProfile[]>('idps.list')).filter((p) => p.entityId === IDP_ENTITY_ID)).toHaveLength(1);
      } finally {
        await h.close();
      }
    });
  }

  it('the same certificates need no yes (a refresh that only moves an endpoint)', async () => {
    const h = await harness();
    try {
      served.set('/idp', idpMetadataXml(original));
      await h.call('idps.importUrl', { url: `${base}/idp` });
      served.set('/idp', idpMetadataXml(original).replace('https://idp.test.example/sso', 'https://idp.test.example/sso2'));
      const profile = (await h.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === IDP_ENTITY_ID)!;
      const refreshed = await h.call<{ changes: string[] }>('idps.refresh', { id: profile.id });
      expect(refreshed.changes).toEqual(['SSO endpoint moved (HTTP-Redirect): https://idp.test.example/sso → https://idp.test.example/sso2.']);
    } finally {
      await h.close();
    }
  });

  it('a profile imported with a trust certificate keeps requiring a verified signature: an unsigned bundle is refused, and the lab still lists it after a restart', { timeout: 60_000 }, async () => {
    const h = await harness();
    try {
      const signed = signMetadata(withId(idpMetadataXml(original)), metadataSigner);
      await h.call('idps.import', { xml: signed, trustCertPem: metadataSigner.certificatePem });
      const trusted = await trustOf(h);
      for (const replace of [undefined, true]) {
        const unsigned = await METHODS.find((m) => m.name === 'bundles.import')!.apply(h, idpMetadataXml(attacker), replace);
        expect(unsigned).toMatchObject({ ok: false, error: { code: 'invalid-metadata', message: expect.stringMatching(/not signed/) } });
        const pasted = await h.lab.handle('idps.import', { xml: idpMetadataXml(attacker), replace });
        expect(pasted).toMatchObject({ ok: false, error: { code: 'invalid-metadata' } });
      }
      await h.restart();
      const profiles = await h.call<IdpProfile[]>('idps.list');
      expect(profiles.find((p) => p.entityId === IDP_ENTITY_ID)?.metadataSignature.status).toBe('verified');
      expect(await trustOf(h)).toEqual(trusted);
      // A rollover the operator signed is a change the person can agree to.
      const rollover = signMetadata(withId(idpMetadataXml(original, IDP_ENTITY_ID, [attacker])), metadataSigner);
      expect(await h.lab.handle('idps.import', { xml: rollover })).toMatchObject({ ok: false, error: { code: 'trust-change', details: { signatureRequired: true } } });
      expect((await h.lab.handle('idps.import', { xml: rollover, replace: true })).ok).toBe(true);
      expect((await trustOf(h)).accepts).toEqual({ original: 200, attacker: 200 });
    } finally {
      await h.close();
    }
  });

  it('the profile shows days left per signing key, which key the IdP signs with now, and whether the next one will be accepted', async () => {
    // Keys valid at the harness's clock: the current one for 100 more days, the next one for a year.
    const keyValidUntil = async (cn: string, days: number): Promise<KeyPair> => {
      const pems = await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256', notBeforeDate: new Date(NOW.getTime() - 86_400_000), notAfterDate: new Date(NOW.getTime() + days * 86_400_000 + 3_600_000) });
      return { privateKeyPem: pems.private, certificatePem: pems.cert };
    };
    const [current, next] = await Promise.all([keyValidUntil('IdP current', 100), keyValidUntil('IdP next', 365)]);
    const h = await harness();
    try {
      // Rollover in progress: the metadata publishes the current key and the next one.
      await h.call('idps.import', { xml: idpMetadataXml(current, IDP_ENTITY_ID, [next]) });
      const before = (await h.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === IDP_ENTITY_ID)!;
      expect(before.rollover.summary).toMatch(/No login says which key the IdP signs with yet; 2 signing certificates/);
      expect(before.rollover.certificates.map((c) => c.signsNow)).toEqual([false, false]);
      const response = b64(await signResponse(current, { acsUrl: `${h.lab.url}/saml/acs` }));
      const res = await fetch(`${h.lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: response }).toString() });
      expect(res.status).toBe(200);
      const after = (await h.call<IdpProfile[]>('idps.list')).find((p) => p.entityId === IDP_ENTITY_ID)!;
      const signing = after.rollover.certificates.find((c) => c.signsNow)!;
      expect(signing.fingerprintSha256).toBe(fingerprintSha256(current.certificatePem));
      expect(signing.daysLeft).toBe(100);
      expect(after.rollover.certificates.find((c) => !c.signsNow)?.daysLeft).toBe(365);
      expect(after.rollover.newKeyAccepted).toBe(true);
      expect(after.rollover.summary).toMatch(/logins signed by the new key will be accepted: yes/);
    } finally {
      await h.close();
    }
  });
});
