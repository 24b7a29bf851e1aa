// The pool in the real lab: while hostile posts are being verified, the same listener keeps answering
// GET /saml/metadata (the thread that serves it is not the one verifying), and logins posted meanwhile are all
// provisioned. Timings are printed, not asserted tightly: the machine is shared.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import type { KeyPair } from '../sp/keys.ts';
import { SP_ENTITY_ID, b64, idpMetadataXml, makeKeyPair, signResponse } from '../testing/test-idp.ts';
import { sharedVerifyPool } from './pool.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
let lab: Lab;
let dir: string;
let keys: KeyPair;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-pool-listener-'));
  keys = await makeKeyPair('Pool listener IdP');
  lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, idpMetadataXml: idpMetadataXml(keys), spEntityId: SP_ENTITY_ID });
  await sharedVerifyPool().ready();
}, 120_000);

afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (samlResponse: string): Promise<Response> =>
  fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });

describe('verification pool behind the ACS', () => {
  it('answers GET /saml/metadata while hostile posts are verified, and provisions every login posted meanwhile', async () => {
    const sign = (user: string): Promise<string> => signResponse(keys, { spEntityId: SP_ENTITY_ID, acsUrl: `${lab.url}/saml/acs`, now: new Date(), nameId: `${user}@example.com`, attributes: { email: [`${user}@example.com`], sn: [user] } });
    const good = await sign('pool-a');
    // Signed, then bloated with attribute values: inside the limits, refused only after the signature work.
    const bloated = b64(good.replace('</saml:AttributeStatement>', `<saml:Attribute Name="junk">${'<saml:AttributeValue>xxxxxxxxxxxxxxxxxxxxxxxxxx</saml:AttributeValue>'.repeat(1_500)}</saml:Attribute></saml:AttributeStatement>`));
    // A body just under the 4 MB request limit.
    const fourMb = Buffer.from(`<x>${'a'.repeat(2_900_000)}</x>`).toString('base64');
    const logins = await Promise.all(['pool-b', 'pool-c', 'pool-d', 'pool-e'].map(sign));

    const start = performance.now();
    let hostileDone = 0;
    const hostile = Promise.all([post(bloated), post(bloated), post(fourMb)].map((p) => p.then(async (r) => {
      await r.text();
      return r.status;
    }))).finally(() => (hostileDone = performance.now() - start));
    const metadata: { ms: number; at: number }[] = [];
    const probing = (async () => {
      // Every 10 ms until the hostile posts are answered (at most 300 probes).
      for (let i = 0; i < 300 && hostileDone === 0; i++) {
        const t = performance.now();
        const r = await fetch(`${lab.url}/saml/metadata`);
        await r.text();
        expect(r.status).toBe(200);
        metadata.push({ ms: performance.now() - t, at: performance.now() - start });
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const loginStatuses = await Promise.all(logins.map(async (s) => (await post(b64(s))).status));
    const hostileStatuses = await hostile;
    await probing;

    const during = metadata.filter((m) => m.at < hostileDone);
    const worst = Math.max(...metadata.map((m) => m.ms));
    console.log(
      `hostile posts answered after ${hostileDone.toFixed(0)} ms; ${during.length} of ${metadata.length} GET /saml/metadata answered before that, ` +
        `slowest ${worst.toFixed(0)} ms, median ${[...metadata].sort((a, b) => a.ms - b.ms)[Math.floor(metadata.length / 2)]!.ms.toFixed(0)} ms`,
    );
    expect(hostileStatuses.every((s) => s === 403 || s === 400 || s === 413)).toBe(true);
    expect(loginStatuses).toEqual([200, 200, 200, 200]);
    // The metadata endpoint was served all along while the hostile documents were being verified: no request waited
    // for a verification (in-process, one waits for all of it: seen here 5.0 s of 7.8 s).
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(worst).toBeLessThan(hostileDone / 2);
    const result = await lab.handle('accounts.list', {});
    expect(result.ok).toBe(true);
    const principals = (result.ok ? (result.value as Account[]) : []).map((a) => a.principal).sort();
    expect(principals).toEqual(['pool-b@example.com', 'pool-c@example.com', 'pool-d@example.com', 'pool-e@example.com']);
  }, 120_000);
});
