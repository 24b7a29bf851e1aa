// The suite against an SP on samlify 2.13 used as its README and docs show (a schema validator, ServiceProvider +
// IdentityProvider from the lab IdP's metadata, createLoginRequest / parseLoginResponse). samlify checks the
// schema, status, signature, issuer and time, but not the audience, InResponseTo, Destination, Recipient or replay;
// that is what the report must say, and each case must agree with what samlify itself decided on the bytes posted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpTestReport } from '../../contract/sp-test.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { loadLabIdp } from './lab-idp.ts';
import { runSuite } from './runner.ts';
import { registrationFrom } from './sp-registry.ts';
import { expectReportMatchesLibrary } from './testing/expect-outcomes.ts';
import { startSamlifySp, type SamlifySp } from './testing/samlify-sp.ts';

const ALICE = { nameId: 'alice@example.com', attributes: { email: ['alice@example.com'], givenName: ['Alice'], sn: ['Anderson'], displayName: ['Alice Anderson'] } };

let dir: string;
let app: SamlifySp;
let report: SpTestReport;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sptest-samlify-'));
  const idp = await loadLabIdp(dir);
  app = await startSamlifySp({ idpMetadataXml: idp.metadataXml });
  const sp = registrationFrom({ metadataXml: app.metadataXml, startUrl: app.startUrl, whoamiUrl: app.whoamiUrl }, new Date());
  report = await runSuite({ idp, sp, user: ALICE, clock: () => new Date(), rules: DEFAULT_RULES });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('an SP on samlify as its README shows', () => {
  it('accepts the valid login and lets through exactly audience, recipient, destination, replay, InResponseTo and DOCTYPE', () => {
    expect([report.cases[0]!.id, report.cases[0]!.verdict]).toEqual(['valid', 'safe']);
    const by = (verdict: string): string[] => report.cases.filter((c) => c.verdict === verdict).map((c) => c.id);
    expect(by('VULNERABLE')).toEqual(['wrong-audience', 'wrong-recipient', 'wrong-destination', 'replay', 'in-response-to-other', 'doctype']);
    expect(by('warn')).toEqual(['sha1']);
    expect(by('inconclusive')).toEqual([]);
    expect(report.exitCode).toBe(1);
  });

  it('agrees, case by case, with what samlify decided on the bytes posted', () => {
    expectReportMatchesLibrary(report, app.attempts);
  });

  it('XSW3 is accepted, but samlify reads the signed assertion: safe, and the report says whom it signed in', () => {
    const c = report.cases.find((x) => x.id === 'xsw3')!;
    expect([c.observed, c.verdict]).toEqual(['accepted-as-signed-user', 'safe']);
    expect(c.detail).toMatch(/^Accepted, but as alice@example\.com, the user the signature covers, not forged-admin@example\.com/);
  });

  it('shows the account from the app\'s HTML who-am-I page next to the lab JIT plan', () => {
    expect(report.account.app).toBeNull();
    expect(report.account.appText).toBe('Hello Alice Anderson Signed in as alice@example.com Email alice@example.com');
    expect(report.account.lab).toMatchObject({ email: 'alice@example.com', displayName: 'Alice Anderson' });
  });
});
