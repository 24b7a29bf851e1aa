// Browser mode's streaming upload (POST /api/upload/metadata): the file as the body, streamed to the data folder
// while its IdPs are listed, progress over SSE, then idp.importUpload with the token. Same Host/Origin checks as /api.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../core/host.ts';
import { createLab } from '../core/lab.ts';
import { writeAggregate, type GeneratedAggregate } from '../core/testing/aggregate-generator.ts';
import { makeKeyPair } from '../core/testing/test-idp.ts';
import { createWebHost } from './web-host.ts';

let lab: Lab;
let dir: string;
let generated: GeneratedAggregate;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-upload-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>SAML JIT Lab</title>');
  const keys = await Promise.all([makeKeyPair('Upload A'), makeKeyPair('Upload B')]);
  generated = await writeAggregate(join(dir, 'aggregate.xml'), { idps: 250, sps: 20, targetBytes: 5_000_000, certificatesPem: keys.map((k) => k.certificatePem) });
  const web = createWebHost(rendererDir);
  lab = await createLab({ mode: 'browser', dataDir: join(dir, 'data'), resourcesDir: resolve(import.meta.dirname, '../../resources'), port: 0, extraRoutes: web.routes });
  web.attach(lab);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

const upload = (body: string | Buffer, headers: Record<string, string> = {}, query = ''): Promise<Response> =>
  fetch(`${lab.url}/api/upload/metadata${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/xml', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
  });

describe('POST /api/upload/metadata', () => {
  it('lists the IdPs of a streamed upload with progress events, and idp.importUpload imports the picked one', async () => {
    const events = new AbortController();
    const sse = await fetch(`${lab.url}/events`, { signal: events.signal });
    const reader = sse.body!.getReader();
    let received = '';
    const reading = (async () => {
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) received += Buffer.from(r.value).toString('utf8');
      } catch {
        // aborted
      }
    })();
    const res = await upload(readFileSync(generated.path), {}, '?progress=up1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: true; value: { token: string; bytes: number; overview: { idps: unknown[]; kind: string } } };
    expect(body.value.bytes).toBe(generated.bytes);
    expect(body.value.overview).toMatchObject({ kind: 'aggregate', idps: generated.idps });
    await new Promise((r) => setTimeout(r, 50));
    events.abort();
    await reading;
    expect(received).toContain('event: idps.importProgress');
    expect(received).toContain(`"bytes":${generated.bytes}`);

    const picked = generated.idps[11]!;
    const imported = await fetch(`${lab.url}/api/idps.importUpload`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: body.value.token, entityId: picked.entityId }) });
    expect(await imported.json()).toMatchObject({ ok: true, value: { entityId: picked.entityId, displayName: picked.displayName } });
    expect(readdirSync(join(dir, 'data', 'uploads'))).toEqual([]);
  });

  it('refuses a foreign Origin, a JSON body and a GET, and keeps nothing of refused metadata', async () => {
    expect((await upload('<x/>', { Origin: 'https://attacker.example' })).status).toBe(403);
    expect((await upload('{}', { 'Content-Type': 'application/json' })).status).toBe(415);
    expect((await fetch(`${lab.url}/api/upload/metadata`)).status).toBe(405);
    const doctype = await upload('<!DOCTYPE x [<!ENTITY a "b">]><EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>');
    expect(doctype.status).toBe(400);
    expect(await doctype.json()).toMatchObject({ ok: false, error: { code: 'invalid-metadata', message: expect.stringMatching(/DOCTYPE/) } });
    expect(readdirSync(join(dir, 'data', 'uploads'))).toEqual([]);
  });
});
