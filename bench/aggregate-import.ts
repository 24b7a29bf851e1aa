// Federation aggregate import: a generated ~100 MB EntitiesDescriptor with 5,000 IdPs, read by the streaming reader
// (list every IdP, then cut out one and parse it: the two passes an import makes) vs a whole-document @xmldom parse
// of the same file with the same listing. Each run is a child process, so its peak RSS (maxRSS) is its own; an idle
// child (same imports, no work) shows the runtime's share. Goal: ≤ 0.5× the DOM's time, peak RSS ≤ 2× the file size.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { writeAggregate } from '../src-main/core/testing/aggregate-generator.ts';
import { fmt, header, makeKeyPair, row, tempDir } from './support.ts';

const CHILD = resolve(import.meta.dirname, 'aggregate-child.ts');
const run = promisify(execFile);

interface Measured {
  ms: number;
  maxRssBytes: number;
  idps: number;
}

async function child(mode: 'stream' | 'dom' | 'idle', file: string, entityId: string): Promise<Measured> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, mode, file, entityId], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured;
}

const mb = (bytes: number): string => `${fmt(bytes / 1024 / 1024, 0)} MB`;

export async function aggregateImport({ idps = 5000, bytes = 100_000_000 } = {}): Promise<{ stream: Measured; dom: Measured; fileBytes: number }> {
  header(`Federation aggregate import: ${idps.toLocaleString('en')} IdPs, ~${mb(bytes)} EntitiesDescriptor`);
  const dir = await tempDir('aggregate');
  try {
    const keys = await Promise.all([makeKeyPair('Federation IdP A'), makeKeyPair('Federation IdP B'), makeKeyPair('Federation IdP C')]);
    const generated = await writeAggregate(join(dir, 'aggregate.xml'), { idps, sps: Math.round(idps / 10), targetBytes: bytes, certificatesPem: keys.map((k) => k.certificatePem) });
    const pick = generated.idps[Math.floor(generated.idps.length / 2)]!.entityId;
    const idle = await child('idle', generated.path, pick);
    const dom = await child('dom', generated.path, pick);
    const stream = await child('stream', generated.path, pick);
    if (stream.idps !== generated.idps.length || dom.idps !== generated.idps.length) throw new Error(`listed ${stream.idps} / ${dom.idps} IdPs, expected ${generated.idps.length}`);
    const file = generated.bytes;
    row('file', `${mb(file)} (${file.toLocaleString('en')} bytes), ${generated.entityCount.toLocaleString('en')} entities, ${generated.idps.length.toLocaleString('en')} IdPs`);
    row('idle child (runtime + tsx, no work): peak RSS', mb(idle.maxRssBytes));
    row('@xmldom whole-document parse + listing: time', `${fmt(dom.ms, 0)} ms`, { value: 1, against: 'baseline' });
    row('@xmldom whole-document parse + listing: peak RSS', mb(dom.maxRssBytes), { value: dom.maxRssBytes / file, against: 'the file size' });
    row('streaming: list all IdPs, then cut out one and parse it (two passes): time', `${fmt(stream.ms, 0)} ms`, {
      value: stream.ms / dom.ms,
      against: '@xmldom',
      goal: '≤ 0.5×',
      met: stream.ms / dom.ms <= 0.5,
    });
    row('streaming: peak RSS', mb(stream.maxRssBytes), {
      value: stream.maxRssBytes / file,
      against: 'the file size',
      goal: '≤ 2×',
      met: stream.maxRssBytes <= 2 * file,
    });
    row('streaming vs @xmldom peak RSS', `${fmt(stream.maxRssBytes / dom.maxRssBytes, 3)}×`);
    return { stream, dom, fileBytes: file };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [idps, megabytes] = process.argv.slice(2).map(Number);
  await aggregateImport({ ...(idps ? { idps } : {}), ...(megabytes ? { bytes: megabytes * 1_000_000 } : {}) });
}
