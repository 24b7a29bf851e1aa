// ACS pipeline throughput on the same signed responses (Response + Assertion signed, RSA-SHA256):
//   ours      LoginService.receive: decode, DOCTYPE, parse, SAML schema, every signature, every check, JIT,
//             login record, and the store write the login is acknowledged after (on disk, in a temp dir);
//   node-saml @node-saml/node-saml 5.1 validatePostResponseAsync (verify only: no schema, no store);
//   samlify   samlify 2.13 parseLoginResponse with samlify-validator-js (its documented offline validator).
// Every response is fresh (ours remembers assertion IDs: a replay would be rejected). Each library must accept
// every response, or the bench fails.
import { verifyPolicyOf } from '../src-main/core/verify-policy.ts';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import samlifyValidator from 'samlify-validator-js';
import type { SpSettings } from '../src-main/contract/index.ts';
import { DEFAULT_RULES } from '../src-main/core/jit/presets.ts';
import { LoginService } from '../src-main/core/login-service.ts';
import { samlify } from '../src-main/core/saml/samlify.ts';
import { schemaProblem } from '../src-main/core/saml/schema.ts';
import { StoreService } from '../src-main/core/store/store-service.ts';
import { idpMetadataXml, trustedIdp } from '../src-main/core/testing/test-idp.ts';
import { SP_ENTITY_ID, benchIdp, fmt, header, opsPerSecond, row, tempDir } from './support.ts';

const ACS_URL = 'http://127.0.0.1:7820/saml/acs';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface AcsThroughputResult {
  responses: number;
  ours: number;
  oursConcurrent: number;
  nodeSaml: number;
  samlify: number;
  samlifyFastSchema: number;
}

export async function acsThroughput(opts: { responses?: number } = {}): Promise<AcsThroughputResult> {
  const count = opts.responses ?? 300;
  header(`ACS pipeline throughput (${count} fresh signed responses per run, sequential unless stated)`);
  const idp = await benchIdp();
  const warm = await idp.responses(30, { acsUrl: ACS_URL });
  const set = await idp.responses(count, { acsUrl: ACS_URL, users: 50 });
  const set2 = await idp.responses(count, { acsUrl: ACS_URL, users: 50 });

  // --- ours
  const dataDir = await tempDir('acs');
  const { store } = await StoreService.open(dataDir, () => new Date());
  const sp: SpSettings = {
    entityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    metadataUrl: '',
    loginUrl: '',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    clockSkewSeconds: 180,
    allowUnsolicited: true,
    signaturePolicy: 'either',
    sha1Policy: 'warn',
    spProfile: 'lab',
    certificatePem: '',
    certificateFingerprintSha256: '',
  };
  const trusted = [trustedIdp(idp.keys)];
  trusted[0]!.id = 'bench';
  const logins = new LoginService({
    store,
    clock: () => new Date(),
    sp: () => sp,
    policy: () => verifyPolicyOf(sp),
    spPrivateKeyPem: '',
    idps: () => trusted,
    rulesFor: () => DEFAULT_RULES,
    onCompleted: () => {},
  });
  let rejected = 0;
  const receive = async (samlResponse: string): Promise<void> => {
    const login = await logins.receive({ samlResponse, relayState: null, http: { method: 'POST', contentType: 'application/x-www-form-urlencoded', bytes: samlResponse.length, status: 0 } });
    if (login.verdict !== 'accepted') {
      rejected++;
      if (rejected === 1) console.log(login.checks.filter((c) => c.status === 'fail'));
    }
  };
  for (const r of warm) await receive(r);
  const ours = await opsPerSecond(set, receive);
  const oursConcurrent = await opsPerSecond(set2, receive, 16);
  if (rejected > 0) throw new Error(`ours rejected ${rejected} valid responses`);

  // --- node-saml (verify only)
  const saml = new SAML({
    idpCert: idp.keys.certificatePem,
    issuer: SP_ENTITY_ID,
    audience: SP_ENTITY_ID,
    callbackUrl: ACS_URL,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: 180_000,
  });
  const nodeSamlOne = async (samlResponse: string): Promise<void> => {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
    if (!profile?.nameID) throw new Error('node-saml returned no profile');
  };
  for (const r of warm) await nodeSamlOne(r);
  const nodeSaml = await opsPerSecond(set, nodeSamlOne);

  // --- samlify parseLoginResponse, first with samlify-validator-js, then with our compiled libxml2 schema
  const samlifySp = samlify.ServiceProvider({
    entityID: SP_ENTITY_ID,
    assertionConsumerService: [{ Binding: POST, Location: ACS_URL }],
    wantAssertionsSigned: true,
    wantMessageSigned: true,
  });
  const samlifyIdp = samlify.IdentityProvider({ metadata: idpMetadataXml(idp.keys) });
  const samlifyOne = async (samlResponse: string): Promise<void> => {
    const { extract } = await samlifySp.parseLoginResponse(samlifyIdp, 'post', { body: { SAMLResponse: samlResponse } });
    if (!extract.nameID) throw new Error('samlify returned no NameID');
  };
  samlify.setSchemaValidator({ validate: (xml: string) => samlifyValidator.validate(xml) as Promise<string> });
  for (const r of warm.slice(0, 5)) await samlifyOne(r);
  const slice = set.slice(0, Math.min(count, 100));
  const samlifyRate = await opsPerSecond(slice, samlifyOne);
  samlify.setSchemaValidator({
    validate: (xml: string) => {
      const problem = schemaProblem(xml);
      return problem === null ? Promise.resolve('SUCCESS_VALIDATE_XML') : Promise.reject(new Error(problem));
    },
  });
  const samlifyFastSchema = await opsPerSecond(set, samlifyOne);

  const vs = (v: number, goal?: number) => ({ value: v / nodeSaml, against: 'node-saml verify-only', ...(goal ? { goal: `≥ ${goal}×`, met: v / nodeSaml >= goal } : {}) });
  row('node-saml 5.1 validatePostResponseAsync (verify only)', `${fmt(nodeSaml)} responses/s`);
  row('samlify 2.13 parseLoginResponse + samlify-validator-js', `${fmt(samlifyRate)} responses/s`, vs(samlifyRate));
  row('samlify 2.13 parseLoginResponse + our compiled libxml2 schema', `${fmt(samlifyFastSchema)} responses/s`, vs(samlifyFastSchema));
  row('ours, whole ACS path incl. JIT + store write, one at a time', `${fmt(ours)} logins/s`, vs(ours, 1));
  row('ours, whole ACS path, 16 in flight (writes coalesced)', `${fmt(oursConcurrent)} logins/s`, vs(oursConcurrent, 1));
  return { responses: count, ours, oursConcurrent, nodeSaml, samlify: samlifyRate, samlifyFastSchema };
}

if (import.meta.url === `file://${process.argv[1]}`) await acsThroughput({ responses: Number(process.argv[2] ?? 300) });
