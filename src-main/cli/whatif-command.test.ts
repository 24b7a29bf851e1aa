// `saml-jit-lab whatif --config BUNDLE` on a bundle holding two tested demo users: every drift under the bundle's rules
// and each preset, in text and JSON, one user or all, and usage errors (exit 2).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attribute } from '../contract/index.ts';
import { JitRules, type JitRulesInput } from '../contract/jit-rules.ts';
import { buildBundle, bundleJson } from '../core/export/bundle.ts';
import { AccountIndex } from '../core/jit/account-index.ts';
import { DEFAULT_RULES, PRESETS } from '../core/jit/presets.ts';
import { planProvision } from '../core/jit/provision.ts';
import type { StoredAccount, StoredLogin } from '../core/store/schema.ts';
import { IDP_ENTITY_ID, NOW, idpMetadataXml, makeKeyPair } from '../core/testing/test-idp.ts';
import { runCli } from './run-for-test.ts';
import type { WhatIfUserReport } from './whatif-command.ts';

let dir: string;
let bundlePath: string;
const attr = (name: string, values: string[]): Attribute => ({ name, friendlyName: null, nameFormat: null, values });
const USERS = {
  'alice@example.com': [attr('email', ['alice@example.com']), attr('givenName', ['Alice']), attr('groups', ['engineering', 'sso-admins'])],
  'bob@example.com': [attr('email', ['bob@example.com']), attr('givenName', ['Bob']), attr('groups', ['engineering'])],
};
// The bundle's rules: GitLab-like required group and an admin role.
const rules = JitRules.parse({ ...(JSON.parse(JSON.stringify(DEFAULT_RULES)) as JitRulesInput), groups: { ...DEFAULT_RULES.groups, required: ['engineering'], roleMode: 'all', roles: [{ role: 'admin', match: 'exact', value: 'sso-admins' }] } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-whatif-'));
  const index = new AccountIndex();
  const accounts: StoredAccount[] = [];
  const logins: StoredLogin[] = Object.entries(USERS).map(([nameId, attributes], i) => {
    const plan = planProvision({ idpEntityId: IDP_ENTITY_ID, nameId, attributes, now: NOW, rules, accounts: index });
    index.add(plan.account!);
    accounts.push(plan.account!);
    return {
      id: `login-${i}`,
      receivedAt: NOW.toISOString(),
      verdict: 'accepted',
      flow: 'idp-initiated',
      idpEntityId: IDP_ENTITY_ID,
      nameId,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      sessionIndex: null,
      accountId: plan.account!.id,
      samlResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=',
      xml: null,
      relayState: null,
      checks: plan.checks,
      attributes,
      diff: plan.diff,
      http: { method: 'POST', contentType: 'application/x-www-form-urlencoded', bytes: 100, status: 200 },
    };
  });
  const keys = await makeKeyPair();
  const bundle = buildBundle({
    now: NOW,
    version: '9.9.9-test',
    idp: { name: 'Test IdP', entityId: IDP_ENTITY_ID, metadataXml: idpMetadataXml(keys), metadataUrl: null },
    sp: { entityId: 'urn:test:sp', acsUrl: 'http://127.0.0.1:7820/saml/acs', metadataUrl: 'http://127.0.0.1:7820/saml/metadata', loginUrl: 'http://127.0.0.1:7820/saml/login', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', clockSkewSeconds: 180, allowUnsolicited: true, signaturePolicy: 'either', sha1Policy: 'warn', spProfile: 'lab', certificatePem: keys.certificatePem, certificateFingerprintSha256: '00' },
    rules,
    logins,
    accountById: (id) => accounts.find((a) => a.id === id) ?? null,
    spPrivateKeyPem: null,
  });
  bundlePath = join(dir, 'bundle.json');
  await writeFile(bundlePath, bundleJson(bundle));
  await writeFile(join(dir, 'not-a-bundle.json'), '{"kind":"something-else"}');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const run = runCli;

describe('saml-jit-lab whatif', () => {
  it('prints, for each tested user and drift, the outcome under the bundle rules and each preset', async () => {
    const { code, out } = await run(['whatif', '--config', bundlePath]);
    expect(code).toBe(0);
    expect(out).toContain('What if — alice@example.com (NameID alice@example.com');
    expect(out).toContain('What if — bob@example.com');
    // The required group weighs most: removing it locks Alice out under the bundle's rules.
    expect(out).toMatch(/ {2}A group removed: group "engineering" no longer sent \(groups\)\n +DANGER Bundle rules +Locked out: rejected by jit.required-group/);
    expect(out).toMatch(/DANGER Bundle rules +Locked out: rejected by jit.duplicate-email/);
    expect(out).toMatch(/DANGER GitLab-like SP \(omniauth-saml\) +Roles removed: admin; 1 field cleared: groups/);
    expect(out).toMatch(/DANGER Keycloak-like SP \(identity brokering\) +Duplicate account: a second account "alice.renamed@example.com" beside "alice@example.com"/);
    expect(out).toMatch(/notice Grafana-like SP \(\[auth.saml\]\) +Linked by email to account "scim-[0-9a-f]{12}"/);
  });

  it('--user and --drift narrow it; --json gives the scenarios', async () => {
    const { code, out } = await run(['whatif', '--config', bundlePath, '--user', 'alice@example.com', '--drift', 'group-overage,nameid-case', '--json']);
    expect(code).toBe(0);
    const reports = JSON.parse(out) as WhatIfUserReport[];
    expect(reports.map((r) => r.user)).toEqual(['alice@example.com']);
    expect(reports[0]!.scenarios.map((s) => s.drift)).toEqual(['group-overage', 'nameid-case']);
    const overage = reports[0]!.scenarios[0]!.results;
    expect(overage.map((r) => r.rulesId)).toEqual(['current', ...PRESETS.map((p) => p.id)]);
    expect(overage[0]).toMatchObject({ verdict: 'rejected', outcome: { kinds: ['locked-out'] } });
    expect(overage[0]!.failedChecks.map((c) => c.id)).toEqual(['jit.required-group']);
    expect(reports[0]!.scenarios[1]!.results[0]!.outcome.kinds).toEqual(['unchanged']);
  });

  it('exits 2 with a clear message on usage errors and unreadable bundles', async () => {
    expect(await run(['whatif'])).toMatchObject({ code: 2, err: expect.stringContaining('--config BUNDLE is required') });
    expect(await run(['whatif', '--config', bundlePath, '--drift', 'sunspots'])).toMatchObject({ code: 2, err: expect.stringContaining('Unknown drift "sunspots"') });
    expect(await run(['whatif', '--config', bundlePath, '--user', 'carol@example.com'])).toMatchObject({ code: 2, err: expect.stringContaining('No tested user "carol@example.com" in the bundle (tested: alice@example.com, bob@example.com)') });
    expect(await run(['whatif', '--config', join(dir, 'missing.json')])).toMatchObject({ code: 2, err: expect.stringContaining('Cannot read --config') });
    expect(await run(['whatif', '--config', join(dir, 'not-a-bundle.json')])).toMatchObject({ code: 2, err: expect.stringContaining('not a SAML JIT Lab tested-config bundle') });
  });

  it('is listed in the usage', async () => {
    expect((await run(['--help'])).out).toContain('saml-jit-lab whatif --config BUNDLE [--user NAMEID] [--drift LIST] [--json]');
  });
});
