// idp.inspectFile / idp.importFile / idp.importUpload through the lab's dispatch: a generated 5 MB aggregate (over
// the streaming threshold) is listed, one IdP is imported with progress events, and what is stored is that IdP only.
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, IdpProfile, MetadataOverview } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import { writeAggregate, type GeneratedAggregate } from '../testing/aggregate-generator.ts';
import { makeKeyPair } from '../testing/test-idp.ts';
import { STREAM_THRESHOLD_BYTES, metadataUploadPath } from './aggregate-stream.ts';

let dir = '';
let lab: Lab;
let generated: GeneratedAggregate;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-file-import-'));
  const keys = await Promise.all([makeKeyPair('Federation A'), makeKeyPair('Federation B')]);
  generated = await writeAggregate(join(dir, 'aggregate.xml'), { idps: 250, sps: 20, targetBytes: 5_000_000, certificatesPem: keys.map((k) => k.certificatePem) });
  lab = await createLab({ mode: 'browser', dataDir: join(dir, 'data'), resourcesDir: resolve(import.meta.dirname, '../../../resources'), port: 0 });
});
afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('importing a large aggregate from a file', () => {
  it('lists the IdPs streamed, with progress for the caller that asked', async () => {
    expect(generated.bytes).toBeGreaterThan(STREAM_THRESHOLD_BYTES);
    const events: EventPayload<'idps.importProgress'>[] = [];
    const off = lab.on('idps.importProgress', (p) => events.push(p));
    const result = await lab.handle('idps.inspectFile', { path: generated.path, progressId: 'p1' });
    off();
    expect(result.ok).toBe(true);
    const overview = (result as { value: MetadataOverview }).value;
    expect(overview).toMatchObject({ kind: 'aggregate', name: 'urn:mace:example.org:federation', entityCount: generated.entityCount });
    expect(overview.idps).toEqual(generated.idps);
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e) => e.id === 'p1' && e.phase === 'reading' && e.total === generated.bytes)).toBe(true);
    expect(events.at(-1)!.bytes).toBe(generated.bytes);
  });

  it('asks for an entityID when the aggregate lists several, and imports the picked one alone', async () => {
    const ask = await lab.handle('idps.importFile', { path: generated.path });
    expect(ask).toMatchObject({ ok: false, error: { code: 'invalid-metadata', message: expect.stringMatching(/lists 250 IdPs/) } });
    const picked = generated.idps[7]!;
    const result = await lab.handle('idps.importFile', { path: generated.path, entityId: picked.entityId, progressId: 'p2' });
    expect(result.ok).toBe(true);
    const profile = (result as { value: IdpProfile }).value;
    expect(profile).toMatchObject({ entityId: picked.entityId, name: picked.displayName, displayName: picked.displayName, validUntil: '2031-01-01T00:00:00Z' });
    expect(profile.certificates).toHaveLength(3);
    expect(profile.warnings.join(' ')).toMatch(/only this IdP's EntityDescriptor was kept, and the aggregate's signature was not checked/);
  });

  it('imports an upload by its token and forgets the upload', async () => {
    const token = '2b7f1f2e-9a43-4c1e-8f51-0c2d3e4f5a6b';
    const path = metadataUploadPath(join(dir, 'data'), token);
    await mkdir(join(dir, 'data', 'uploads'), { recursive: true });
    await copyFile(generated.path, path);
    const result = await lab.handle('idps.importUpload', { token, entityId: generated.idps[3]!.entityId });
    expect(result).toMatchObject({ ok: true, value: { entityId: generated.idps[3]!.entityId } });
    await expect(stat(path)).rejects.toThrow();
    expect(await lab.handle('idps.importUpload', { token })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('names a file it cannot read', async () => {
    expect(await lab.handle('idps.inspectFile', { path: join(dir, 'missing.xml') })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/does not exist/) } });
  });
});
