// The streaming reader against the DOM reader: on every corpus file and on a generated ~5 MB aggregate it must
// answer exactly what overviewMetadata answers (or refuse what it refuses), however the bytes are chunked; and the
// piece it cuts out must parse standalone to what parseIdpMetadata reads from the whole document.
import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAggregate, type GeneratedAggregate } from '../testing/aggregate-generator.ts';
import { makeKeyPair } from '../testing/test-idp.ts';
import { scanMetadataStream, type StreamScan } from './aggregate-stream.ts';
import { overviewMetadata, parseIdpMetadata, type MetadataOverview } from './metadata.ts';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus/metadata');
const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS) console.log(`Skipping the streaming-reader corpus differential: ${CORPUS} does not exist (the shared corpus sits beside the clone).`);

/** Yields `bytes` in chunks of the given sizes (cycled). */
async function* chunks(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

const overviewOf = (s: StreamScan): MetadataOverview => ({ kind: s.kind, name: s.name, idps: s.idps, entityCount: s.entityCount });

type Outcome = { ok: true; value: MetadataOverview } | { ok: false; code: string };
async function streamed(bytes: Buffer, sizes: number[]): Promise<Outcome> {
  try {
    return { ok: true, value: overviewOf(await scanMetadataStream(chunks(bytes, sizes))) };
  } catch (error) {
    return { ok: false, code: (error as { code?: string }).code ?? String(error) };
  }
}
function dom(text: string): Outcome {
  try {
    return { ok: true, value: overviewMetadata(text) };
  } catch (error) {
    return { ok: false, code: (error as { code?: string }).code ?? String(error) };
  }
}

async function scanText(xml: string | Buffer, extract?: string): Promise<StreamScan> {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  return scanMetadataStream(chunks(bytes, [5, 3, 17]), extract === undefined ? {} : { extract });
}

async function refusal(xml: string | Buffer): Promise<string> {
  try {
    await scanText(xml);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('invalid-metadata');
    return (error as Error).message;
  }
  throw new Error('expected the scan to refuse the document');
}

describe.runIf(HAVE_CORPUS)('streaming reader vs overviewMetadata on the corpus', () => {
  const files = HAVE_CORPUS ? readdirSync(CORPUS).filter((f) => f.endsWith('.xml')) : [];
  it.each(files)('%s', async (file) => {
    const bytes = readFileSync(join(CORPUS, file));
    const expected = dom(bytes.toString('utf8'));
    for (const sizes of [[bytes.length], [1], [7, 64, 3], [4096]]) expect(await streamed(bytes, sizes)).toEqual(expected);
  });

  it('cuts each IdP out of the corpus aggregate so it parses standalone to the same values', async () => {
    const file = join(CORPUS, 'testshib_entitiesdescriptor_idp_sp_crewjam.xml');
    const text = readFileSync(file, 'utf8');
    for (const { entityId } of overviewMetadata(text).idps) {
      const scan = await scanMetadataStream(createReadStream(file, { highWaterMark: 1000 }), { extract: entityId });
      const piece = parseIdpMetadata(scan.extracted!);
      const whole = parseIdpMetadata(text, { entityId });
      expect({ ...piece, aggregate: null, signature: null }).toEqual({ ...whole, aggregate: null, signature: null });
    }
  });
});

describe('streaming reader on a generated ~5 MB aggregate', () => {
  let dir = '';
  let generated: GeneratedAggregate;
  let text = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jitlab-aggregate-'));
    const keys = await Promise.all([makeKeyPair('Aggregate A'), makeKeyPair('Aggregate B')]);
    generated = await writeAggregate(join(dir, 'aggregate.xml'), { idps: 250, sps: 30, targetBytes: 5_000_000, certificatesPem: keys.map((k) => k.certificatePem) });
    text = readFileSync(generated.path, 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists every IdP with its display name, as overviewMetadata does, with progress up to the file size', async () => {
    const progress: number[] = [];
    const scan = await scanMetadataStream(createReadStream(generated.path), { total: generated.bytes, onProgress: (bytes) => progress.push(bytes) });
    expect(overviewOf(scan)).toEqual(overviewMetadata(text));
    expect(scan.idps).toEqual(generated.idps);
    expect(scan.entityCount).toBe(generated.entityCount);
    expect(scan).toMatchObject({ kind: 'aggregate', name: 'urn:mace:example.org:federation', rootSigned: true, bytes: generated.bytes });
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toBe(generated.bytes);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('gives the same answer however the bytes are chunked', async () => {
    // The first 12 IdPs (each entity starts on a line of its own), closed, so odd chunkings stay quick.
    const end = text.lastIndexOf('\n  <', text.indexOf('idp12.'));
    const closed = `${text.slice(0, end)}\n</md:EntitiesDescriptor>`;
    const expected = dom(closed);
    expect(expected.ok).toBe(true);
    for (const sizes of [[1], [2, 3, 5, 7, 11, 13], [1000, 1], [65536]]) expect(await streamed(Buffer.from(closed), sizes)).toEqual(expected);
  });

  it('cuts out one IdP (prefixed, default namespace, other prefix, CDATA and comments, no mdui) that parses to what the whole document says', async () => {
    for (const i of [0, 1, 2, 3, 49, 249]) {
      const entityId = generated.idps[i]!.entityId;
      const scan = await scanMetadataStream(createReadStream(generated.path), { extract: entityId });
      expect(scan.extracted!.length).toBeLessThan(40_000);
      const piece = parseIdpMetadata(scan.extracted!);
      const whole = parseIdpMetadata(text, { entityId });
      expect(piece.entityId).toBe(entityId);
      expect(piece.displayName).toBe(generated.idps[i]!.displayName);
      // The aggregate's signature covers the whole file: the piece cannot carry it (the import says so).
      expect(piece.signature.status).toBe('absent');
      const unsigned = (m: typeof piece): object => ({ ...m, aggregate: null, signature: null, warnings: m.warnings.filter((w) => w.code !== 'signature-unverified') });
      expect(unsigned(piece)).toEqual(unsigned(whole));
    }
  });

  it('keeps the event loop free while it reads (no long synchronous stretch, unlike a whole-document parse)', async () => {
    const longest = async (work: () => Promise<unknown>): Promise<number> => {
      let last = performance.now();
      let max = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        max = Math.max(max, now - last);
        last = now;
      }, 1);
      await work();
      clearInterval(timer);
      return Math.max(max, performance.now() - last);
    };
    const streamed = await longest(() => scanMetadataStream(createReadStream(generated.path, { highWaterMark: 1 << 16 })));
    const whole = await longest(async () => overviewMetadata(readFileSync(generated.path, 'utf8')));
    console.log(`Longest event-loop stall on a ${(generated.bytes / 1e6).toFixed(1)} MB aggregate: streamed ${streamed.toFixed(0)} ms, whole document ${whole.toFixed(0)} ms`);
    expect(streamed).toBeLessThan(whole);
  });

  it('says which entityIDs exist when the one asked for is not there', async () => {
    await expect(scanMetadataStream(createReadStream(generated.path), { extract: 'https://nope.example' })).rejects.toThrow(/no entity with entityID "https:\/\/nope.example" \(its IdPs include https:\/\/idp0/);
  });
});

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const idp = (id: string, inner = '', attrs = ''): string =>
  `<EntityDescriptor entityID="${id}"${attrs}><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${inner}</IDPSSODescriptor></EntityDescriptor>`;

describe('streaming reader: what a tokenizer must get right', () => {
  it('ignores EntityDescriptors in comments, CDATA and processing instructions, and ">" in quoted attributes', async () => {
    const xml = `<?xml version="1.0"?><!-- <EntityDescriptor entityID="c"> --><EntitiesDescriptor xmlns="${MD}" Name='a > b "q"'><?pi <EntityDescriptor entityID="p">?>${idp('x', '', ' note="1 > 0" other=\'--&gt; />\'')}<Extensions><![CDATA[<EntityDescriptor entityID="d">]]></Extensions></EntitiesDescriptor>`;
    const scan = await scanText(xml);
    expect(overviewOf(scan)).toEqual(overviewMetadata(xml));
    expect(scan).toMatchObject({ name: 'a > b "q"', idps: [{ entityId: 'x', displayName: null }], entityCount: 1 });
  });

  it('takes nested EntitiesDescriptors, SAML 1.1-only IdPs and entity references like the DOM reader', async () => {
    const xml = `<md:EntitiesDescriptor xmlns:md="${MD}"><md:EntitiesDescriptor>${idp('in&amp;ner').replace(/<(\/?)(\w)/g, '<$1md:$2')}</md:EntitiesDescriptor><md:EntityDescriptor entityID="old"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol"/></md:EntityDescriptor></md:EntitiesDescriptor>`;
    const scan = await scanText(xml);
    expect(overviewOf(scan)).toEqual(overviewMetadata(xml));
    expect(scan.idps).toEqual([{ entityId: 'in&ner', displayName: null }]);
  });

  it('re-declares the namespaces in scope on the piece it cuts out', async () => {
    const xml = `<x:EntitiesDescriptor xmlns:x="${MD}" xmlns="${MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" validUntil="2031-01-01T00:00:00Z">${idp('one', '<ds:Foo/>')}</x:EntitiesDescriptor>`;
    const scan = await scanText(xml, 'one');
    expect(scan.extracted).toBe(
      `<EntityDescriptor xmlns:x="${MD}" xmlns="${MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" validUntil="2031-01-01T00:00:00Z" entityID="one"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><ds:Foo/></IDPSSODescriptor></EntityDescriptor>`,
    );
    expect(overviewMetadata(scan.extracted!).idps).toEqual([{ entityId: 'one', displayName: null }]);
  });

  it('reads UTF-8 with a BOM and UTF-16 with a BOM', async () => {
    const xml = `<EntitiesDescriptor xmlns="${MD}">${idp('é')}</EntitiesDescriptor>`;
    expect((await scanText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]))).idps).toEqual([{ entityId: 'é', displayName: null }]);
    expect((await scanText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]))).idps).toEqual([{ entityId: 'é', displayName: null }]);
  });

  it('refuses a DOCTYPE, truncation, two roots, HTML, PDF, an undeclared prefix and a non-metadata root', async () => {
    expect(await refusal(`<!DOCTYPE x [<!ENTITY a "b">]><EntitiesDescriptor xmlns="${MD}"/>`)).toMatch(/DOCTYPE/);
    expect(await refusal(`<EntitiesDescriptor xmlns="${MD}">${idp('a')}`)).toMatch(/ends before its root element is closed/);
    expect(await refusal(`<EntitiesDescriptor xmlns="${MD}">${idp('a').slice(0, 30)}`)).toMatch(/ends before its root element is closed/);
    expect(await refusal(`${idp('a').replace('<EntityDescriptor', `<EntityDescriptor xmlns="${MD}"`)}${idp('b')}`)).toMatch(/more than one top-level element/);
    expect(await refusal('<!DOCTYPE html><html><body>Sign in</body></html>')).toMatch(/HTML page/);
    expect(await refusal('%PDF-1.7 …')).toMatch(/PDF/);
    expect(await refusal(`<EntitiesDescriptor xmlns="${MD}"><q:X/></EntitiesDescriptor>`)).toMatch(/prefix "q" is not declared/);
    expect(await refusal(`<EntitiesDescriptor xmlns="${MD}"><a></b></EntitiesDescriptor>`)).toMatch(/does not match/);
    expect(await refusal('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>')).toMatch(/SAML message/);
    expect(await refusal('<EntitiesDescriptor/>')).toMatch(/no namespace/);
    expect(await refusal('')).toMatch(/empty/);
    expect(await refusal('hello')).toMatch(/not XML/);
  });

  it('refuses sources larger than maxBytes', async () => {
    const xml = `<EntitiesDescriptor xmlns="${MD}">${idp('a'.repeat(100))}</EntitiesDescriptor>`;
    await expect(scanMetadataStream(chunks(Buffer.from(xml), [10]), { maxBytes: 50 })).rejects.toThrow(/larger than/);
  });
});
