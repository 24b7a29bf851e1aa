// The SP-initiated start as real SPs send it: node-saml's HTTP-POST binding (an auto-submitting form) and signed
// AuthnRequests (query signature over HTTP-Redirect, enveloped over HTTP-POST, RSA-SHA256 or node-saml's default
// RSA-SHA1), verified with the key of the SP's own metadata and reported with the valid login's evidence.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpTestReport } from '../../contract/sp-test.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import type { KeyPair } from '../sp/keys.ts';
import { makeKeyPair } from '../testing/test-idp.ts';
import { loadLabIdp, type LabIdp } from './lab-idp.ts';
import { runSuite } from './runner.ts';
import { registrationFrom } from './sp-registry.ts';
import { startNodeSamlSp, type NodeSamlSpOptions } from './testing/node-saml-sp.ts';

const ALICE = { nameId: 'alice@example.com', attributes: { email: ['alice@example.com'] } };
let dir: string;
let idp: LabIdp;
let spKeys: KeyPair;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sptest-authn-'));
  idp = await loadLabIdp(dir);
  spKeys = await makeKeyPair('node-saml SP');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function suite(options: Partial<NodeSamlSpOptions>): Promise<SpTestReport> {
  const app = await startNodeSamlSp({ idpCertPem: idp.keys.certificatePem, idpSsoUrl: idp.ssoUrl, idpEntityId: idp.entityId, ...options });
  try {
    const sp = registrationFrom({ metadataXml: app.metadataXml, startUrl: app.startUrl, whoamiUrl: app.whoamiUrl }, new Date());
    return await runSuite({ idp, sp, user: ALICE, cases: ['in-response-to-other'], clock: () => new Date(), rules: DEFAULT_RULES });
  } finally {
    await app.close();
  }
}

const check = (report: SpTestReport, id: string) => report.cases[0]!.evidence.requestChecks.find((c) => c.id === id)!;

describe('AuthnRequests from node-saml', () => {
  it('HTTP-POST binding: the auto-submit form is answered in-process and InResponseTo is that request', async () => {
    const report = await suite({ postBinding: true });
    expect(report.cases.map((c) => [c.id, c.verdict])).toEqual([['valid', 'safe'], ['in-response-to-other', 'VULNERABLE']]);
    expect(check(report, 'request.binding').received).toBe('HTTP-POST');
    // node-saml deflates POST-binding requests as well (skipRequestCompression is false by default): read, and warned.
    expect(check(report, 'request.decode')).toMatchObject({ status: 'warn', received: `AuthnRequest ${report.cases[0]!.evidence.requestId}, deflated` });
    expect(report.cases[0]!.evidence.requestChecks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.cases[0]!.evidence.inResponseTo).toBe(report.cases[0]!.evidence.requestId);
    expect(report.cases[1]!.evidence.inResponseTo).not.toBe(report.cases[1]!.evidence.requestId);
  }, 60_000);

  it.each([
    ['HTTP-Redirect', false],
    ['HTTP-POST', true],
  ])('signed with RSA-SHA256 over %s: verified with the key of the SP metadata (AuthnRequestsSigned)', async (_binding, postBinding) => {
    const report = await suite({ postBinding, signRequests: { ...spKeys, algorithm: 'sha256' } });
    expect(check(report, 'request.signature')).toMatchObject({ status: 'pass', received: 'signed, verified', expected: 'a signature by the SP key (AuthnRequestsSigned="true")' });
    expect(report.cases[0]!.detail).toMatch(/^Accepted as alice@example\.com/);
    expect(report.cases[0]!.evidence.requestChecks.filter((c) => c.status === 'fail')).toEqual([]);
  }, 60_000);

  it("node-saml's default RSA-SHA1 request signature verifies, with a warning on the valid login", async () => {
    const report = await suite({ signRequests: { ...spKeys, algorithm: 'sha1' } });
    expect(check(report, 'request.signature')).toMatchObject({ status: 'warn', received: 'signed, verified (RSA-SHA1)' });
    expect(report.cases[0]!.detail).toMatch(/The app's AuthnRequest has warnings \(request\.signature\)/);
  }, 60_000);
});
