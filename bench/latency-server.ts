// The lab in its own process for the latency bench: trusts the bench IdP (metadata file given), prints READY <url>.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLab } from '../src-main/core/lab.ts';

const [dataDir, metadataFile, spEntityId] = process.argv.slice(2);
if (!dataDir || !metadataFile || !spEntityId) throw new Error('usage: latency-server.ts DATA_DIR IDP_METADATA SP_ENTITY_ID');
const lab = await createLab({
  mode: 'browser',
  dataDir,
  resourcesDir: resolve(import.meta.dirname, '../resources'),
  port: 0,
  idpMetadataXml: await readFile(metadataFile, 'utf8'),
  spEntityId,
});
process.stdout.write(`READY ${lab.url}\n`);
process.on('SIGTERM', () => void lab.close().then(() => process.exit(0)));
