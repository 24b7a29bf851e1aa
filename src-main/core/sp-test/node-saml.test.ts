// The suite against a real SP: an app on @node-saml/node-saml 5.1 configured as its README shows. What the report
// says is checked against what the library itself did with each posted response (the app's own log), and the list
// of cases it lets through is the one the library's code explains: node-saml checks the signature, the time window,
// the audience and (when there is no assertion) the status, but not a Response's Issuer, Destination or Recipient,
// InResponseTo (validateInResponseTo defaults to never), replay, the top-level Status when an assertion is present,
// nor a DOCTYPE.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpTestReport } from '../../contract/sp-test.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { loadLabIdp, type LabIdp } from './lab-idp.ts';
import { runSuite } from './runner.ts';
import { registrationFrom } from './sp-registry.ts';
import { expectReportMatchesLibrary } from './testing/expect-outcomes.ts';
import { startNodeSamlSp, type NodeSamlSp } from './testing/node-saml-sp.ts';

const ALICE = { nameId: 'alice@example.com', attributes: { email: ['alice@example.com'], givenName: ['Alice'], sn: ['Anderson'], displayName: ['Alice Anderson'] } };

let dir: string;
let idp: LabIdp;
let app: NodeSamlSp;
let report: SpTestReport;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sptest-nodesaml-'));
  idp = await loadLabIdp(dir);
  app = await startNodeSamlSp({ idpCertPem: idp.keys.certificatePem, idpSsoUrl: idp.ssoUrl, idpEntityId: idp.entityId });
  const sp = registrationFrom({ metadataXml: app.metadataXml, startUrl: app.startUrl, whoamiUrl: app.whoamiUrl }, new Date());
  report = await runSuite({ idp, sp, user: ALICE, clock: () => new Date(), rules: DEFAULT_RULES });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('an SP on @node-saml/node-saml as its README configures it', () => {
  it('accepts the valid login, SP-initiated, and the IdP side found its AuthnRequest in order', () => {
    const valid = report.cases[0]!;
    expect([valid.id, valid.observed, valid.verdict]).toEqual(['valid', 'accepted', 'safe']);
    expect(valid.evidence.requestId).toMatch(/^_/);
    expect(valid.evidence.inResponseTo).toBe(valid.evidence.requestId);
    expect(valid.evidence.requestChecks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(valid.evidence.requestChecks.map((c) => c.id)).toEqual(['request.binding', 'request.decode', 'request.issuer', 'request.signature', 'request.acs-url', 'request.destination', 'request.issue-instant']);
  });

  it('lists exactly the cases the library lets through as VULNERABLE, SHA-1 as a warning', () => {
    const by = (verdict: string): string[] => report.cases.filter((c) => c.verdict === verdict).map((c) => c.id);
    expect(by('VULNERABLE')).toEqual(['wrong-recipient', 'wrong-destination', 'wrong-issuer', 'replay', 'in-response-to-other', 'status-failure', 'doctype']);
    expect(by('warn')).toEqual(['sha1']);
    expect(by('inconclusive')).toEqual([]);
    expect(report.exitCode).toBe(1);
    expect(report.summary).toEqual({ safe: 15, vulnerable: 7, inconclusive: 0, warn: 1 });
  });

  it('matches, case by case, what node-saml itself decided on the very bytes posted', () => {
    expectReportMatchesLibrary(report, app.attempts);
  });

  it('the comment in the NameID does not truncate it: node-saml signs in the whole signed value (safe)', () => {
    const c = report.cases.find((x) => x.id === 'comment-injection')!;
    expect([c.observed, c.verdict]).toEqual(['accepted-as-signed-user', 'safe']);
    expect(app.attempts[report.cases.indexOf(c)]!.nameId).toBe('alice@example.com.evil.example');
  });

  it('keeps the evidence of a vulnerable case: the response sent, the ACS answer, the who-am-I answer', () => {
    const c = report.cases.find((x) => x.id === 'wrong-issuer')!;
    const xml = Buffer.from(c.evidence.samlResponse!, 'base64').toString('utf8');
    expect(xml).toContain('<saml:Issuer>https://unknown-idp.example/saml</saml:Issuer>');
    expect(c.evidence.acsStatus).toBe(302);
    expect(c.evidence.whoamiStatus).toBe(200);
    expect(JSON.parse(c.evidence.pageExcerpt!)).toMatchObject({ nameID: 'alice@example.com' });
    expect(c.detail).toMatch(/^Accepted: the app signed in alice@example\.com .*Check that the Response's and the Assertion's Issuer/);
    const replay = report.cases.find((x) => x.id === 'replay')!;
    expect(replay.evidence.samlResponse).toBe(report.cases[0]!.evidence.samlResponse);
  });

  it('shows the account the app created next to the lab JIT plan', () => {
    expect(report.account.app).toEqual({ nameID: 'alice@example.com', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anderson', displayName: 'Alice Anderson' });
    expect(report.account.lab).toMatchObject({ principal: 'alice@example.com', email: 'alice@example.com', firstName: 'Alice', lastName: 'Anderson', displayName: 'Alice Anderson' });
    expect(report.account.mismatches).toEqual([]);
  });

  it('makes a JIT mismatch visible: the lab lower-cases the email, the app keeps it as sent', async () => {
    const other = await startNodeSamlSp({ idpCertPem: idp.keys.certificatePem, idpSsoUrl: idp.ssoUrl, idpEntityId: idp.entityId });
    try {
      const sp = registrationFrom({ metadataXml: other.metadataXml, startUrl: other.startUrl, whoamiUrl: other.whoamiUrl }, new Date());
      const user = { nameId: 'Dana@Example.COM', attributes: { email: ['Dana@Example.COM'], givenName: ['Dana'] } };
      const mixed = await runSuite({ idp, sp, user, cases: ['expired'], clock: () => new Date(), rules: DEFAULT_RULES });
      expect(mixed.cases[0]!.verdict).toBe('safe');
      expect(mixed.account.mismatches).toEqual([{ field: 'email', app: 'Dana@Example.COM', lab: 'dana@example.com' }]);
    } finally {
      await other.close();
    }
  }, 60_000);
});
