// The suite against SimpleSAMLphp 1.19 (Debian) as an SP under `php -S`, SP-initiated from its own
// authenticate.php page, which is also the who-am-I page (its attributes and SAML Subject once signed in).
// SimpleSAMLphp's own signal is the truth each case is compared with: after a login it accepted, its ACS answers
// 303 to the page that started it; after one it refused, an error page (HTTP 200) or a 303 carrying an exception ID.
// It refuses every forged, wrapped, expired, misaddressed or DOCTYPE response, but a response whose InResponseTo it
// has no state for (a replay, or another browser's request) is processed as unsolicited and accepted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpTestReport } from '../../contract/sp-test.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { loadLabIdp } from './lab-idp.ts';
import { runSuite } from './runner.ts';
import { registrationFrom } from './sp-registry.ts';
import { simpleSamlPhpUnavailable, startSimpleSamlPhpSp, type SimpleSamlPhpSp } from './testing/simplesamlphp-sp.ts';

const unavailable = simpleSamlPhpUnavailable();
if (unavailable) console.log(`Skipping the SimpleSAMLphp SP tests: ${unavailable}`);

const ALICE = { nameId: 'alice@example.com', attributes: { email: ['alice@example.com'], givenName: ['Alice'], sn: ['Anderson'], displayName: ['Alice Anderson'] } };

let dir: string;
let app: SimpleSamlPhpSp | undefined;
let report: SpTestReport;

beforeAll(async () => {
  if (unavailable) return;
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sptest-ssp-'));
  const idp = await loadLabIdp(dir);
  app = await startSimpleSamlPhpSp({ idpMetadataXml: idp.metadataXml, idpEntityId: idp.entityId });
  const sp = registrationFrom({ metadataXml: app.metadataXml, startUrl: app.startUrl, whoamiUrl: app.whoamiUrl }, new Date());
  report = await runSuite({ idp, sp, user: ALICE, clock: () => new Date(), rules: DEFAULT_RULES });
}, 180_000);

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(unavailable !== null)('SimpleSAMLphp as an SP', () => {
  it('registers from its own metadata (HTTP-POST ACS) and accepts the valid SP-initiated login', () => {
    expect(report.sp.acsUrl).toBe(app!.acsUrl);
    const valid = report.cases[0]!;
    expect([valid.id, valid.observed, valid.verdict]).toEqual(['valid', 'accepted', 'safe']);
    expect(valid.evidence.requestChecks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(valid.evidence.inResponseTo).toBe(valid.evidence.requestId);
    expect(report.account.appText).toMatch(/SAML Subject NameId alice@example\.com Format urn:oasis:names:tc:SAML:1\.1:nameid-format:emailAddress/);
  });

  it('lets through only the replay and the InResponseTo of another request (processed as unsolicited)', () => {
    const by = (verdict: string): string[] => report.cases.filter((c) => c.verdict === verdict).map((c) => c.id);
    expect(by('VULNERABLE')).toEqual(['replay', 'in-response-to-other']);
    expect(by('warn')).toEqual(['sha1']);
    expect(by('inconclusive')).toEqual([]);
    expect(report.exitCode).toBe(1);
  });

  it("agrees, case by case, with SimpleSAMLphp's own ACS answer", () => {
    const returnTo = app!.startUrl;
    for (const c of report.cases) {
      const acceptedBySsp = c.evidence.acsStatus === 303 && c.evidence.acsLocation === returnTo;
      expect(c.observed === 'accepted' || c.observed === 'accepted-as-signed-user', c.id).toBe(acceptedBySsp);
    }
    const comment = report.cases.find((c) => c.id === 'comment-injection')!;
    expect([comment.observed, comment.verdict]).toEqual(['accepted-as-signed-user', 'safe']);
  });
});
