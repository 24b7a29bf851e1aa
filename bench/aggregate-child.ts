// One measured run of bench/aggregate-import.ts, in a process of its own so that its peak RSS is its own.
// argv: <stream|dom|idle> <file> <entityId>. Prints one JSON line: {ms, maxRssBytes, idps}.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { scanMetadataStream } from '../src-main/core/idp/aggregate-stream.ts';
import { overviewMetadata, parseIdpMetadata } from '../src-main/core/idp/metadata.ts';

const [mode, file = '', entityId = ''] = process.argv.slice(2);
const start = performance.now();
let idps = 0;
if (mode === 'stream') {
  // What the import does: inspect (list every IdP), then a second pass cutting out the picked one, then parse it.
  const total = statSync(file).size;
  const listed = await scanMetadataStream(createReadStream(file, { highWaterMark: 1 << 16 }), { total });
  idps = listed.idps.length;
  const picked = await scanMetadataStream(createReadStream(file, { highWaterMark: 1 << 16 }), { total, extract: entityId });
  if (parseIdpMetadata(picked.extracted ?? '').entityId !== entityId) throw new Error('extracted the wrong entity');
} else if (mode === 'dom') {
  // Today's path: the whole document as a string and an @xmldom DOM, then the same listing.
  idps = overviewMetadata(readFileSync(file, 'utf8')).idps.length;
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, idps }));
