// Debian's SimpleSAMLphp (1.19) as an SP under `php -S`: a generated config in a temp dir, an authsource
// `default-sp` (saml:SP) whose IdP is the lab IdP, read from the lab IdP's metadata XML (metadata.sources type
// xml). Its own pages serve the suite: module.php/core/authenticate.php?as=default-sp starts an SP-initiated login
// and, once signed in, shows the attributes (the who-am-I page). Nothing here reads the network.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, stopProcess } from '../../../interop/processes.ts';
import { SSP_WWW } from '../../../interop/simplesamlphp.ts';

export { simpleSamlPhpUnavailable } from '../../../interop/simplesamlphp.ts';

export interface SimpleSamlPhpSp {
  baseUrl: string;
  entityId: string;
  acsUrl: string;
  metadataUrl: string;
  metadataXml: string;
  startUrl: string;
  whoamiUrl: string;
  /** SimpleSAMLphp's log (stderr), for its reasons. */
  output(): string;
  close(): Promise<void>;
}

const php = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function startSimpleSamlPhpSp(opts: { idpMetadataXml: string; idpEntityId: string }): Promise<SimpleSamlPhpSp> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-ssp-sp-'));
  try {
    for (const sub of ['config', 'metadata', 'cert', 'data', 'tmp', 'log']) await mkdir(join(dir, sub));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const entityId = 'urn:test:simplesamlphp-sp';
    await writeFile(join(dir, 'metadata', 'lab-idp.xml'), opts.idpMetadataXml);
    await writeFile(join(dir, 'config', 'config.php'), `<?php
$config = [
  'baseurlpath' => ${php(`${baseUrl}/`)},
  'certdir' => ${php(`${dir}/cert/`)}, 'metadatadir' => ${php(`${dir}/metadata/`)}, 'datadir' => ${php(`${dir}/data/`)},
  'tempdir' => ${php(`${dir}/tmp`)}, 'loggingdir' => ${php(`${dir}/log/`)},
  'metadata.sources' => [['type' => 'xml', 'file' => ${php(join(dir, 'metadata', 'lab-idp.xml'))}]],
  'attributenamemapdir' => '/etc/simplesamlphp/attributemap/',
  'secretsalt' => ${php(randomBytes(16).toString('hex'))}, 'auth.adminpassword' => ${php(randomBytes(8).toString('hex'))},
  'technicalcontact_name' => 'SP test', 'technicalcontact_email' => 'sp-test@example.org',
  'timezone' => 'UTC', 'admin.checkforupdates' => false,
  'session.cookie.secure' => false, 'session.cookie.samesite' => null, 'language.cookie.secure' => false,
  'session.phpsession.savepath' => ${php(`${dir}/tmp`)}, 'store.type' => 'phpsession',
  'logging.handler' => 'stderr', 'logging.level' => SimpleSAML\\Logger::WARNING,
  'showerrors' => true, 'errorreporting' => false,
];
`);
    await writeFile(join(dir, 'config', 'authsources.php'), `<?php
$config = [
  'admin' => ['core:AdminPassword'],
  'default-sp' => ['saml:SP', 'entityID' => ${php(entityId)}, 'idp' => ${php(opts.idpEntityId)}],
];
`);
    const metadataUrl = `${baseUrl}/module.php/saml/sp/metadata.php/default-sp`;
    const { child, output, body } = await startServer('php', ['-S', `127.0.0.1:${port}`, '-t', SSP_WWW], { env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') } }, metadataUrl, (status, text) => status === 200 && text.includes('SPSSODescriptor'));
    return {
      baseUrl,
      entityId,
      acsUrl: `${baseUrl}/module.php/saml/sp/saml2-acs.php/default-sp`,
      metadataUrl,
      metadataXml: body,
      startUrl: `${baseUrl}/module.php/core/authenticate.php?as=default-sp`,
      whoamiUrl: `${baseUrl}/module.php/core/authenticate.php?as=default-sp`,
      output,
      async close() {
        await stopProcess(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
