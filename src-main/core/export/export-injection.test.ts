// The injections issue 13 found, each as it happened, through the real API: an SP entity ID with a newline became a
// Ruby line in gitlab.rb; an IdP-chosen attribute Name with newlines added `allow_sign_up` and
// `role_values_grafana_admin` lines to the Grafana ini; a NameID format with newlines added an ini section. Now each
// is refused with invalid-input naming the field, or written as data that reads back as itself.
// (escape.property.test.ts proves the class: every input of every target, hostile strings, the consumers' parsers.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportFile } from '../../contract/index.ts';
import { LabError } from '../errors.ts';
import { parseIdpMetadata } from '../idp/metadata.ts';
import type { TestedConfigBundle } from './bundle-schema.ts';
import { startTestLab, type TestLab } from './export-test-support.ts';
import { readGoIni } from './targets/go-ini-reader.ts';
import { exportTarget } from './targets/index.ts';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab();
  expect(await t.login('alice')).toBe(200);
}, 60_000);
afterAll(() => t.close());

async function refusal(method: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await t.lab.handle(method, input);
  if (r.ok) throw new Error(`${method} was not refused`);
  return r.error;
}

describe('exports refuse what their format cannot carry as data', () => {
  it('an SP entity ID holding a newline and Ruby code: no target writes it (GitLab, Grafana, SimpleSAMLphp, Keycloak, node-saml, SP metadata)', async () => {
    const hostile = "urn:sp'\ngitlab_rails['omniauth_auto_link_saml_user'] = true #";
    const saved = await t.lab.handle('sp.update', { entityId: hostile });
    if (!saved.ok) {
      // The contract refuses it at the door (safe-strings refinement): nothing can be exported with it.
      expect(saved.error.code).toBe('invalid-input');
      return;
    }
    try {
      for (const target of ['gitlab', 'simplesamlphp', 'keycloak', 'node-saml'] as const) {
        const e = await refusal('configs.export', { target });
        expect(e.code, target).toBe('invalid-input');
        expect(e.message, target).toContain('SP entity ID');
        expect(e.message, target).toContain('line feed (U+000A)');
      }
      expect((await refusal('spMetadata.export', {})).message).toContain('SP entity ID');
      const bundle = await refusal('bundles.export', {});
      expect(bundle).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('sp.entityId: The SP entity ID holds a line feed (U+000A)') });
    } finally {
      await t.call('sp.update', { entityId: 'urn:saml-jit-lab:sp' });
    }
  });

  it('a bundle whose SP entity ID was edited to hold a newline is refused on import as damaged (nothing imported)', async () => {
    const good = JSON.parse((await t.call<ExportFile>('bundles.export', {})).content) as TestedConfigBundle;
    const edited = { ...good, sp: { ...good.sp, entityId: "urn:sp'\n#{`id`}" } };
    const before = JSON.stringify(await t.call('idps.list'));
    const e = await refusal('bundles.import', { json: JSON.stringify(edited) });
    expect(e).toMatchObject({ code: 'invalid-bundle', message: expect.stringContaining('sp.entityId: The SP entity ID holds a line feed') });
    expect(JSON.stringify(await t.call('idps.list'))).toBe(before);
  });

  it('a NameID format holding a newline and an ini section is refused for Grafana, naming the field', async () => {
    const saved = await t.lab.handle('sp.update', { nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\n[users]\nauto_assign_org_role = Admin' });
    if (!saved.ok) {
      expect(saved.error.code).toBe('invalid-input');
      return;
    }
    try {
      const e = await refusal('configs.export', { target: 'grafana' });
      expect(e).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('NameID format') });
    } finally {
      await t.call('sp.update', { nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' });
    }
  });

  it('an attribute Name chosen by the IdP with newlines cannot add allow_sign_up or grant Grafana Admin', async () => {
    const bundle = JSON.parse((await t.call<ExportFile>('bundles.export', {})).content) as TestedConfigBundle;
    const metadata = parseIdpMetadata(bundle.idp.metadataXml);
    const evil = 'email\nallow_sign_up = true\nrole_values_grafana_admin = engineering';
    const tampered: TestedConfigBundle = {
      ...bundle,
      evidence: bundle.evidence.map((e) => ({ ...e, attributes: e.attributes.map((a) => (a.name === 'email' ? { ...a, name: evil, friendlyName: 'email' } : a)) })),
      rules: { ...bundle.rules, allowSignUp: false },
    };
    let error: unknown = null;
    try {
      exportTarget('grafana', { bundle: tampered, metadata });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('invalid-input');
    expect((error as LabError).message).toMatch(/fields\.email \(the attribute name\) "email\\nallow_sign_up = true/);

    // The same name in Ruby is a string literal holding the newline, nothing more.
    const rb = exportTarget('gitlab', { bundle: tampered, metadata }).files[0]!.content;
    expect(rb).not.toMatch(/^allow_sign_up/m);
    expect(rb).not.toMatch(/^role_values_grafana_admin/m);
    // And a Grafana export with honest values keeps allow_sign_up as the rules say.
    const ini = readGoIni(exportTarget('grafana', { bundle: { ...bundle, rules: { ...bundle.rules, allowSignUp: false } }, metadata }).files[0]!.content);
    expect(ini['auth.saml']).toMatchObject({ allow_sign_up: 'false' });
    expect(ini['auth.saml']!.role_values_grafana_admin).toBeUndefined();
  });
});
