// Target-stack exports, each proven by its consumer where it runs here: node-saml accepts the recorded responses
// at their recorded time and the snippet maps them to the recorded accounts; the Grafana ini reads as go-ini reads it;
// gitlab.rb passes `ruby -c`; the SimpleSAMLphp files pass `php -l` and SimpleSAMLphp loads them as an SP (and its
// AttributeMap yields the rules' field names); the Keycloak JSON has the shape Keycloak's admin API documents.
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAML } from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ExportFile, ExportTarget } from '../../contract/index.ts';
import type { TestedConfigBundle } from './bundle-schema.ts';
import { startTestLab, type TestLab } from './export-test-support.ts';
import { readGoIni } from './targets/go-ini-reader.ts';

interface TargetResult {
  target: ExportTarget;
  files: ExportFile[];
  unsupported: string[];
}

let t: TestLab;
let bundle: TestedConfigBundle;
const results = {} as Record<ExportTarget, TargetResult>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-targets-'));
  t = await startTestLab();
  const { rules } = await t.call<{ rules: Record<string, unknown> & { groups: Record<string, unknown> } }>('rules.get');
  await t.call('rules.update', {
    rules: {
      ...rules,
      groups: {
        ...rules.groups,
        roles: [
          { role: 'admin', match: 'exact', value: 'sso-admins' },
          { role: 'editor', match: 'regex', value: '^eng' },
        ],
        defaultRole: 'viewer',
      },
    },
  });
  expect(await t.login('alice')).toBe(200);
  expect(await t.login('bob')).toBe(200);
  expect(await t.login('carol')).toBe(200);
  bundle = JSON.parse((await t.call<ExportFile>('bundles.export', {})).content) as TestedConfigBundle;
  for (const target of ['node-saml', 'grafana', 'gitlab', 'simplesamlphp', 'keycloak'] as const) {
    results[target] = await t.call<TargetResult>('configs.export', { target });
  }
}, 60_000);

afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const content = (target: ExportTarget, name: string): string => {
  const f = results[target].files.find((x) => x.fileName === name);
  if (!f) throw new Error(`${target} has no ${name}: ${results[target].files.map((x) => x.fileName).join(', ')}`);
  return f.content;
};

function missing(binary: string, args: string[]): string | null {
  const r = spawnSync(binary, args, { encoding: 'utf8' });
  return r.error ? `${binary} is not installed (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` : null;
}

it('every target returns files without secrets and a list of what it cannot express', () => {
  for (const r of Object.values(results)) {
    expect(r.files.length).toBeGreaterThan(0);
    for (const f of r.files) {
      expect(f.containsSecrets).toBe(false);
      expect(f.content).not.toContain('PRIVATE KEY-----');
    }
    expect(r.unsupported.length).toBeGreaterThan(0);
  }
  // The regex role rule is expressible in Keycloak and node-saml, not in Grafana or GitLab.
  expect(results.grafana.unsupported.join('\n')).toContain('"editor" from regex /^eng/');
  expect(results.gitlab.unsupported.join('\n')).toContain('role "editor"');
  expect(results.keycloak.unsupported.join('\n')).not.toContain('regex');
});

describe('node-saml', () => {
  it('configured from the exported options, accepts each recorded response at its recorded time with the same NameID and attributes; the snippet maps it to the recorded account', async () => {
    const options = JSON.parse(content('node-saml', 'node-saml-options.json')) as Record<string, unknown> & { idpCert: string[]; callbackUrl: string; issuer: string };
    expect(options).toMatchObject({ issuer: bundle.sp.entityId, callbackUrl: bundle.sp.acsUrl, acceptedClockSkewMs: 180_000, validateInResponseTo: 'ifPresent' });
    // The snippet, run as CommonJS with its two requires resolved here.
    const snippet = content('node-saml', 'saml.js');
    const mod = { exports: {} as { acs: (r: string) => Promise<{ principal: string; fields: Record<string, string>; groups: string[]; roles: string[] }> } };
    const requireStub = (id: string): unknown => (id === '@node-saml/node-saml' ? { SAML } : id === './node-saml-options.json' ? options : null);
    new Function('require', 'module', 'exports', 'process', snippet)(requireStub, mod, mod.exports, { env: {} });

    expect(bundle.evidence).toHaveLength(3);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const e of bundle.evidence) {
        vi.setSystemTime(new Date(e.receivedAt));
        const saml = new SAML(options as unknown as ConstructorParameters<typeof SAML>[0]);
        const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: e.samlResponse });
        expect(profile?.nameID).toBe(e.nameId);
        for (const a of e.attributes) {
          const got = (profile?.attributes as Record<string, unknown> | undefined)?.[a.name] ?? (profile as Record<string, unknown> | null)?.[a.name];
          expect([got].flat()).toEqual(a.values);
        }
        const account = await mod.exports.acs(e.samlResponse);
        expect(account).toEqual({ principal: e.account.principal, fields: e.account.fields, groups: e.account.groups, roles: e.account.roles });
      }
      // And refuses it an hour later, as the lab would.
      const late = bundle.evidence[0]!;
      vi.setSystemTime(new Date(Date.parse(late.receivedAt) + 3600_000));
      await expect(new SAML(options as unknown as ConstructorParameters<typeof SAML>[0]).validatePostResponseAsync({ SAMLResponse: late.samlResponse })).rejects.toThrow();
    } finally {
      vi.useRealTimers();
    }
    expect(bundle.evidence.find((e) => e.principal === 'alice@example.com')?.account.roles).toEqual(['admin']);
    expect(bundle.evidence.find((e) => e.principal === 'bob@example.com')?.account.roles).toEqual(['editor']);
    expect(bundle.evidence.find((e) => e.principal === 'carol@example.com')?.account.roles).toEqual(['viewer']);
  });
});

describe('Grafana', () => {
  it('the [auth.saml] section reads (as go-ini reads it for Grafana) with the tested settings and role mapping', () => {
    const ini = readGoIni(content('grafana', 'grafana-saml.ini'));
    expect(Object.keys(ini)).toEqual(['auth.saml', 'users']);
    const saml = ini['auth.saml']!;
    expect(saml).toMatchObject({
      enabled: 'true',
      allow_sign_up: 'true',
      allow_idp_initiated: 'true',
      assertion_attribute_email: 'email',
      assertion_attribute_login: 'email',
      assertion_attribute_name: 'displayName',
      assertion_attribute_groups: 'groups',
      assertion_attribute_role: 'groups',
      role_values_admin: 'sso-admins',
      name_id_format: bundle.sp.nameIdFormat,
    });
    expect(saml.role_values_editor).toBeUndefined();
    expect(Buffer.from(saml.idp_metadata!, 'base64').toString('utf8')).toBe(bundle.idp.metadataXml);
    expect(ini.users).toEqual({ auto_assign_org_role: 'Viewer' });
  });
});

describe('GitLab', () => {
  it('gitlab.rb passes `ruby -c` and holds the provider with groups and attribute statements', async (ctx) => {
    const text = content('gitlab', 'gitlab.rb');
    expect(text).toContain("groups_attribute: 'groups'");
    expect(text).toContain("admin_groups: ['sso-admins']");
    expect(text).toMatch(/email: \['email', 'mail'/);
    expect(text).toContain("gitlab_rails['omniauth_block_auto_created_users'] = false");
    const why = missing('ruby', ['--version']);
    if (why) {
      console.log(`SKIPPED ruby -c: ${why}; apt-get install -y ruby`);
      ctx.skip();
      return;
    }
    const path = join(dir, 'gitlab.rb');
    await writeFile(path, text);
    const r = spawnSync('ruby', ['-c', path], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('Syntax OK');
    expect(r.status).toBe(0);
  });
});

describe('SimpleSAMLphp', () => {
  it('passes `php -l` and SimpleSAMLphp loads it as an SP; its AttributeMap yields the rules\' field names', async (ctx) => {
    const why = missing('php', ['--version']) ?? (spawnSync('test', ['-f', '/usr/share/simplesamlphp/lib/_autoload.php']).status === 0 ? null : 'SimpleSAMLphp is not installed (/usr/share/simplesamlphp)');
    if (why) {
      console.log(`SKIPPED SimpleSAMLphp proof: ${why}; apt-get install -y php-cli php-xml simplesamlphp`);
      ctx.skip();
      return;
    }
    const ssp = join(dir, 'ssp');
    for (const sub of ['config', 'metadata', 'cert', 'tmp', 'log', 'data']) await mkdir(join(ssp, sub), { recursive: true });
    await writeFile(join(ssp, 'config', 'authsources.php'), content('simplesamlphp', 'authsources.php'));
    await writeFile(join(ssp, 'metadata', 'saml20-idp-remote.php'), content('simplesamlphp', 'saml20-idp-remote.php'));
    for (const f of [join(ssp, 'config', 'authsources.php'), join(ssp, 'metadata', 'saml20-idp-remote.php')]) {
      const lint = spawnSync('php', ['-l', f], { encoding: 'utf8' });
      expect(lint.stdout).toContain('No syntax errors detected');
    }
    await writeFile(join(ssp, 'config', 'config.php'), `<?php
$config = [
  'baseurlpath' => 'http://127.0.0.1:1/simplesaml/', 'certdir' => '${ssp}/cert/', 'metadatadir' => '${ssp}/metadata/',
  'tempdir' => '${ssp}/tmp', 'loggingdir' => '${ssp}/log/', 'datadir' => '${ssp}/data/',
  'secretsalt' => 'export-test-salt', 'auth.adminpassword' => 'x', 'timezone' => 'UTC',
  'technicalcontact_email' => 'test@example.org', 'logging.handler' => 'stderr', 'logging.level' => SimpleSAML\\Logger::WARNING,
  'store.type' => 'phpsession', 'enable.saml20-idp' => false,
];
`);
    const alice = bundle.evidence.find((e) => e.principal === 'alice@example.com')!;
    const attributes = Object.fromEntries(alice.attributes.map((a) => [a.name, a.values]));
    await writeFile(join(ssp, 'probe.php'), `<?php
require '/usr/share/simplesamlphp/lib/_autoload.php';
$source = \\SimpleSAML\\Auth\\Source::getById('saml-jit-lab');
$sp = $source->getMetadata();
$idp = \\SimpleSAML\\Metadata\\MetaDataStorageHandler::getMetadataHandler()->getMetaDataConfig($sp->getString('idp'), 'saml20-idp-remote');
$sso = $idp->getDefaultEndpoint('SingleSignOnService', [\\SAML2\\Constants::BINDING_HTTP_REDIRECT]);
$keys = $idp->getPublicKeys('signing');
require '${ssp}/config/authsources.php';
$state = ['Attributes' => json_decode(${JSON.stringify(JSON.stringify(attributes)).replace(/^"|"$/g, "'").replace(/\\"/g, '"')}, true)];
foreach ($config['saml-jit-lab']['authproc'] as $filter) {
  $class = \\SimpleSAML\\Module::resolveClass($filter['class'], 'Auth\\Process', '\\SimpleSAML\\Auth\\ProcessingFilter');
  unset($filter['class']);
  $f = new $class($filter, null);
  $f->process($state);
}
echo json_encode(['class' => get_class($source), 'entityID' => $sp->getString('entityID'), 'sso' => $sso['Location'], 'cert' => $keys[0]['X509Certificate'], 'acs' => $source->getMetadata()->getString('entityID') ? \\SimpleSAML\\Module::getModuleURL('saml/sp/saml2-acs.php/saml-jit-lab') : null, 'attributes' => $state['Attributes']]);
`);
    const r = spawnSync('php', [join(ssp, 'probe.php')], { encoding: 'utf8', env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(ssp, 'config') } });
    expect(r.stderr).toBe('');
    const loaded = JSON.parse(r.stdout) as { class: string; entityID: string; sso: string; cert: string; acs: string; attributes: Record<string, string[]> };
    expect(loaded.class).toBe('SimpleSAML\\Module\\saml\\Auth\\Source\\SP');
    expect(loaded.entityID).toBe(bundle.sp.entityId);
    expect(loaded.sso).toMatch(/\/demo-idp\/sso$/);
    expect(bundle.idp.metadataXml).toContain(loaded.cert);
    expect(loaded.acs).toBe('http://127.0.0.1:1/simplesaml/module.php/saml/sp/saml2-acs.php/saml-jit-lab');
    // The tested attributes renamed to the rules' fields (values as sent; transforms are the app's job).
    expect(loaded.attributes).toMatchObject({ email: ['alice@example.com'], firstName: ['Alice'], lastName: ['Anderson'], displayName: ['Alice Anderson'], groups: ['engineering', 'sso-admins'] });
  });
});

describe('Keycloak', () => {
  // IdentityProviderRepresentation and IdentityProviderMapperRepresentation as the admin REST API documents them
  // (https://www.keycloak.org/docs-api/latest/rest-api/): unknown fields are refused; config values are strings.
  const StringMap = z.record(z.string(), z.string());
  const IdentityProviderRepresentation = z
    .object({
      alias: z.string().min(1),
      displayName: z.string().optional(),
      internalId: z.string().optional(),
      providerId: z.string().min(1),
      enabled: z.boolean().optional(),
      updateProfileFirstLoginMode: z.string().optional(),
      trustEmail: z.boolean().optional(),
      storeToken: z.boolean().optional(),
      addReadTokenRoleOnCreate: z.boolean().optional(),
      authenticateByDefault: z.boolean().optional(),
      linkOnly: z.boolean().optional(),
      hideOnLogin: z.boolean().optional(),
      firstBrokerLoginFlowAlias: z.string().optional(),
      postBrokerLoginFlowAlias: z.string().optional(),
      organizationId: z.string().optional(),
      config: StringMap.optional(),
    })
    .strict();
  const IdentityProviderMapperRepresentation = z
    .object({ id: z.string().optional(), name: z.string().min(1), identityProviderAlias: z.string().min(1), identityProviderMapper: z.string().min(1), config: StringMap.optional() })
    .strict();
  const SAML_MAPPERS = ['saml-user-attribute-idp-mapper', 'saml-role-idp-mapper', 'saml-advanced-role-idp-mapper', 'saml-advanced-group-idp-mapper', 'saml-username-idp-mapper', 'hardcoded-attribute-idp-mapper'];

  it('validates against the documented representations, with the SAML config keys and mappers Keycloak knows', () => {
    const realm = z
      .object({ identityProviders: z.array(IdentityProviderRepresentation).length(1), identityProviderMappers: z.array(IdentityProviderMapperRepresentation) })
      .strict()
      .parse(JSON.parse(content('keycloak', 'keycloak-identity-provider.json')));
    const idp = realm.identityProviders[0]!;
    expect(idp).toMatchObject({ providerId: 'saml', alias: 'saml-jit-lab' });
    expect(idp.config).toMatchObject({ idpEntityId: bundle.idp.entityId, entityId: bundle.sp.entityId, principalType: 'SUBJECT', syncMode: 'FORCE', validateSignature: 'true', allowedClockSkew: '180' });
    expect(bundle.idp.metadataXml).toContain(idp.config!.signingCertificate!);
    for (const m of realm.identityProviderMappers) {
      expect(m.identityProviderAlias).toBe(idp.alias);
      expect(SAML_MAPPERS).toContain(m.identityProviderMapper);
      expect(['INHERIT', 'IMPORT', 'FORCE', 'LEGACY']).toContain(m.config?.syncMode);
    }
    const byType = (type: string) => realm.identityProviderMappers.filter((m) => m.identityProviderMapper === type);
    expect(byType('saml-user-attribute-idp-mapper').map((m) => m.config?.['user.attribute']).sort()).toEqual(['displayName', 'email', 'firstName', 'lastName']);
    expect(byType('saml-role-idp-mapper')[0]?.config).toMatchObject({ 'attribute.name': 'groups', 'attribute.value': 'sso-admins', role: 'admin' });
    const regex = byType('saml-advanced-role-idp-mapper')[0]!.config!;
    expect(JSON.parse(regex.attributes!)).toEqual([{ key: 'groups', value: '^eng' }]);
    expect(regex['are.attribute.values.regex']).toBe('true');
    expect(byType('saml-advanced-group-idp-mapper').map((m) => m.config?.group)).toEqual(['/engineering', '/sales', '/sso-admins', '/viewers']);
  });
});
