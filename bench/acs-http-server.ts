// The lab for bench/acs-http.ts's comparison run, from the sources: like `saml-jit-lab serve`, but with the
// verification pool sized by the last argument (0: every response verified on the main thread, as before the pool).
// Prints the URL on its first line.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLab } from '../src-main/core/lab.ts';
import { sharedVerifyPool } from '../src-main/core/verify-pool/pool.ts';
import { createWebHost } from '../src-main/web/web-host.ts';

const [dataDir, metadataFile, spEntityId, workers] = process.argv.slice(2);
if (!dataDir || !metadataFile || !spEntityId || workers === undefined) throw new Error('usage: acs-http-server.ts DATA_DIR IDP_METADATA SP_ENTITY_ID WORKERS');
const pool = sharedVerifyPool({ size: Number(workers) });
// The contract over HTTP (/api/…), as serve attaches it.
const web = createWebHost(resolve(import.meta.dirname, '../out/renderer'));
const lab = await createLab({
  mode: 'browser',
  dataDir,
  resourcesDir: resolve(import.meta.dirname, '../resources'),
  port: 0,
  idpMetadataXml: await readFile(metadataFile, 'utf8'),
  spEntityId,
  appUrl: (listenerUrl) => `${listenerUrl}/`,
  extraRoutes: web.routes,
});
web.attach(lab);
await pool.ready();
process.stdout.write(`${lab.url}\n`);
process.on('SIGTERM', () => void lab.close().then(() => process.exit(0)));
