// Debian's SimpleSAMLphp (1.19) as a real, independent IdP for interop tests: a generated config in a temp dir,
// `php -S` on a free loopback port, three users, and one SP entry per NameID format / attribute naming. Nothing
// here reads the network; the process and its files are gone after `close()`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { freePort, startServer, stopProcess } from './processes.ts';

export const SSP_WWW = '/usr/share/simplesamlphp/www';

export const NAMEID = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
} as const;

export interface SspUser {
  username: string;
  password: string;
  givenName: string;
  sn: string;
  affiliation: string[];
}

export const SSP_USERS: readonly SspUser[] = [
  { username: 'alice', password: 'alicepass', givenName: 'Alice', sn: 'Anderson', affiliation: ['member', 'staff'] },
  { username: 'bob', password: 'bobpass', givenName: 'Bob', sn: 'Brown', affiliation: ['member', 'student'] },
  { username: 'carol', password: 'carolpass', givenName: 'Carol', sn: 'Clark', affiliation: ['affiliate'] },
];

export const mailOf = (user: SspUser): string => `${user.username}@example.org`;

export interface SspSpConfig {
  entityId: string;
  nameIdFormat: string;
  /** basic: mail, givenName, sn…; uri: urn:oid:… names (name2oid) with NameFormat uri. */
  attributeNames: 'basic' | 'uri';
}

export interface SimpleSamlPhp {
  baseUrl: string;
  entityId: string;
  metadataUrl: string;
  metadataXml: string;
  /** The SP's ACS URL is read from a file at each request, so the lab can start (on port 0) after the IdP. */
  setAcsUrl(spEntityId: string, acsUrl: string): Promise<void>;
  idpInitiatedUrl(spEntityId: string, relayState?: string): string;
  /** Single Logout for this SP: its SLO URL (HTTP-Redirect) and the certificate its logout messages are verified with;
   * SimpleSAMLphp signs its own and requires the SP's signed (read at each request, like the ACS URL). */
  setSlo(spEntityId: string, sloUrl: string, spCertificatePem: string): Promise<void>;
  /** The IdP's own Single Logout start: logs the browser's IdP session out of every SP, then goes to returnTo. */
  idpLogoutUrl(returnTo: string): string;
  close(): Promise<void>;
}

/** Why SimpleSAMLphp cannot run here, or null when it can. */
export function simpleSamlPhpUnavailable(): string | null {
  const php = spawnSync('php', ['-r', 'echo class_exists("DOMDocument") ? "dom" : "nodom";'], { encoding: 'utf8' });
  if (php.error || php.status !== 0) return 'php is not installed (apt-get install -y php-cli php-xml simplesamlphp)';
  if (php.stdout.trim() !== 'dom') return 'php-xml is not installed (SimpleSAMLphp needs DOMDocument): apt-get install -y php-xml';
  if (!existsSync(join(SSP_WWW, 'saml2', 'idp', 'SSOService.php'))) return `SimpleSAMLphp is not installed (${SSP_WWW} missing): apt-get install -y simplesamlphp`;
  return null;
}

const php = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function startSimpleSamlPhp(sps: SspSpConfig[]): Promise<SimpleSamlPhp> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-ssp-'));
  try {
    return await launch(dir, sps);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(dir: string, sps: SspSpConfig[]): Promise<SimpleSamlPhp> {
  for (const sub of ['config', 'metadata', 'cert', 'data', 'tmp', 'log', 'acs']) await mkdir(join(dir, sub));
  const pems = await generate([{ name: 'commonName', value: 'SimpleSAMLphp interop IdP' }], { keySize: 2048, algorithm: 'sha256' });
  await writeFile(join(dir, 'cert', 'idp.crt'), pems.cert);
  await writeFile(join(dir, 'cert', 'idp.key'), pems.private, { mode: 0o600 });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const entityId = `${baseUrl}/saml2/idp/metadata.php`;

  await writeFile(join(dir, 'config', 'config.php'), `<?php
$config = [
  'baseurlpath' => ${php(`${baseUrl}/`)},
  'certdir' => ${php(`${dir}/cert/`)}, 'metadatadir' => ${php(`${dir}/metadata/`)}, 'datadir' => ${php(`${dir}/data/`)},
  'tempdir' => ${php(`${dir}/tmp`)}, 'loggingdir' => ${php(`${dir}/log/`)},
  'attributenamemapdir' => '/etc/simplesamlphp/attributemap/',
  'secretsalt' => ${php(randomBytes(16).toString('hex'))}, 'auth.adminpassword' => ${php(randomBytes(8).toString('hex'))},
  'technicalcontact_name' => 'Interop test', 'technicalcontact_email' => 'interop@example.org',
  'timezone' => 'UTC', 'enable.saml20-idp' => true, 'admin.checkforupdates' => false,
  'module.enable' => ['exampleauth' => true],
  'session.cookie.secure' => false, 'session.cookie.samesite' => null, 'language.cookie.secure' => false,
  'session.phpsession.savepath' => ${php(`${dir}/tmp`)}, 'store.type' => 'phpsession',
  'logging.handler' => 'stderr', 'logging.level' => SimpleSAML\\Logger::WARNING,
  'showerrors' => true, 'errorreporting' => false,
];
`);

  const users = SSP_USERS.map(
    (u) =>
      `  ${php(`${u.username}:${u.password}`)} => ['uid' => [${php(u.username)}], 'mail' => [${php(mailOf(u))}], 'givenName' => [${php(u.givenName)}], 'sn' => [${php(u.sn)}], 'eduPersonAffiliation' => [${u.affiliation.map(php).join(', ')}]],`,
  );
  await writeFile(join(dir, 'config', 'authsources.php'), `<?php
$config = ['example-userpass' => ['exampleauth:UserPass',
${users.join('\n')}
]];
`);

  await writeFile(join(dir, 'metadata', 'saml20-idp-hosted.php'), `<?php
$metadata[${php(entityId)}] = ['host' => '__DEFAULT__', 'auth' => 'example-userpass', 'privatekey' => 'idp.key', 'certificate' => 'idp.crt',
  'NameIDFormat' => [${Object.values(NAMEID).map(php).join(', ')}]];
`);

  const entries = sps.map((sp, i) => {
    const uri = sp.attributeNames === 'uri';
    const authproc: string[] = [];
    // A stable, opaque persistent NameID derived from uid (before name2oid renames uid).
    if (sp.nameIdFormat === NAMEID.persistent) authproc.push(`10 => ['class' => 'saml:PersistentNameID', 'attribute' => 'uid', 'nameId' => true]`);
    if (uri) authproc.push(`50 => ['class' => 'core:AttributeMap', 'name2oid']`);
    return `$metadata[${php(sp.entityId)}] = [
  'AssertionConsumerService' => [['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'Location' => trim((string) @file_get_contents(${php(join(dir, 'acs', `${i}.txt`))})), 'index' => 0]],
  'NameIDFormat' => ${php(sp.nameIdFormat)},
  ${sp.nameIdFormat === NAMEID.email ? `'simplesaml.nameidattribute' => ${php(uri ? 'urn:oid:0.9.2342.19200300.100.1.3' : 'mail')},` : ''}
  'attributes.NameFormat' => ${php(uri ? 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri' : 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic')},
  'authproc' => [${authproc.join(', ')}],
  'saml20.sign.response' => true, 'saml20.sign.assertion' => true,
];
$extra = @file_get_contents(${php(join(dir, 'acs', `${i}.extra.json`))});
if ($extra) { $metadata[${php(sp.entityId)}] = array_merge($metadata[${php(sp.entityId)}], json_decode($extra, true)); }`;
  });
  await writeFile(join(dir, 'metadata', 'saml20-sp-remote.php'), `<?php\n${entries.join('\n')}\n`);
  for (let i = 0; i < sps.length; i++) await writeFile(join(dir, 'acs', `${i}.txt`), '');

  const metadataUrl = `${baseUrl}/saml2/idp/metadata.php?output=xml`;
  const { child, body: metadataXml } = await startServer('php', ['-S', `127.0.0.1:${port}`, '-t', SSP_WWW], { env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') } }, metadataUrl, (status, body) => status === 200 && body.includes('IDPSSODescriptor'));

  return {
    baseUrl,
    entityId,
    metadataUrl,
    metadataXml,
    async setAcsUrl(spEntityId, acsUrl) {
      const index = sps.findIndex((s) => s.entityId === spEntityId);
      if (index < 0) throw new Error(`SimpleSAMLphp has no SP ${spEntityId}`);
      await writeFile(join(dir, 'acs', `${index}.txt`), acsUrl);
    },
    async setSlo(spEntityId, sloUrl, spCertificatePem) {
      const index = sps.findIndex((s) => s.entityId === spEntityId);
      if (index < 0) throw new Error(`SimpleSAMLphp has no SP ${spEntityId}`);
      const certData = spCertificatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      const extra = { SingleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: sloUrl }], certData, 'sign.logout': true, 'validate.logout': true };
      await writeFile(join(dir, 'acs', `${index}.extra.json`), JSON.stringify(extra));
    },
    idpLogoutUrl: (returnTo) => `${baseUrl}/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(returnTo)}`,
    idpInitiatedUrl: (spEntityId, relayState) =>
      `${baseUrl}/saml2/idp/SSOService.php?spentityid=${encodeURIComponent(spEntityId)}${relayState ? `&RelayState=${encodeURIComponent(relayState)}` : ''}`,
    async close() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
