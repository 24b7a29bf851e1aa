import { z } from 'zod';
import { Check, Empty, type MethodSpec } from './common.ts';

// "Test your own SP": the lab acts as an IdP for the person's application (the SP) and runs a conformance and
// attack suite against it. Registered SPs, the lab IdP's metadata, the suite's cases and the report card.

export const SpTestCaseId = z.enum([
  'valid',
  'unsigned',
  'other-key',
  'xsw1',
  'xsw2',
  'xsw3',
  'xsw4',
  'xsw5',
  'xsw6',
  'xsw7',
  'xsw8',
  'comment-injection',
  'expired',
  'not-yet-valid',
  'wrong-audience',
  'wrong-recipient',
  'wrong-destination',
  'wrong-issuer',
  'replay',
  'in-response-to-other',
  'status-failure',
  'doctype',
  'sha1',
]);
export type SpTestCaseId = z.infer<typeof SpTestCaseId>;

/** How acceptance is seen: a who-am-I URL fetched with the case's cookies, or a rule on the ACS answer
 * (`status=302`, `location~^/dashboard`, `text~Welcome`). */
export const SuccessRule = z.string().regex(/^(status=\d{3}|location~.+|text~.+)$/, 'status=NNN, location~REGEX or text~REGEX');

export const RegisteredSp = z.object({
  id: z.string(),
  name: z.string(),
  entityId: z.string(),
  /** Where responses are posted (HTTP-POST binding). */
  acsUrl: z.string(),
  /** Every ACS URL the SP's metadata lists (an AuthnRequest may name only one of these). */
  acsUrls: z.array(z.string()),
  /** Base64 DER of the SP's signing certificates (AuthnRequest signatures are verified with them). */
  signingCertificates: z.array(z.string()),
  wantAssertionsSigned: z.boolean(),
  authnRequestsSigned: z.boolean(),
  nameIdFormat: z.string().nullable(),
  /** SP-initiated: the app's URL that starts a login (redirects to the lab's /idp/sso). */
  startUrl: z.string().nullable(),
  /** Who am I: a page of the app that answers 2xx and names the signed-in user. */
  whoamiUrl: z.string().nullable(),
  successRule: SuccessRule.nullable(),
  addedAt: z.string(),
});
export type RegisteredSp = z.infer<typeof RegisteredSp>;

export const SpRegistrationInput = z
  .object({
    /** SP metadata XML (pasted or read from a file). */
    metadataXml: z.string().max(2_000_000).optional(),
    /** Or a URL of the SP's metadata. */
    metadataUrl: z.string().url().optional(),
    /** Or just these two. */
    entityId: z.string().min(1).max(1024).optional(),
    acsUrl: z.string().url().optional(),
    name: z.string().max(200).optional(),
    startUrl: z.string().url().nullable().optional(),
    whoamiUrl: z.string().url().nullable().optional(),
    successRule: SuccessRule.nullable().optional(),
  })
  .strict();
export type SpRegistrationInput = z.infer<typeof SpRegistrationInput>;

export const SpTestVerdict = z.enum(['safe', 'VULNERABLE', 'inconclusive', 'warn']);
export type SpTestVerdict = z.infer<typeof SpTestVerdict>;

export const SpTestObserved = z.enum(['accepted', 'accepted-as-signed-user', 'refused', 'error']);
export type SpTestObserved = z.infer<typeof SpTestObserved>;

export const SpTestEvidence = z.object({
  /** The AuthnRequest the SP sent for this case (SP-initiated), with the IdP's checks of it. */
  requestId: z.string().nullable(),
  requestChecks: z.array(Check),
  inResponseTo: z.string().nullable(),
  acsUrl: z.string(),
  acsStatus: z.number().nullable(),
  acsLocation: z.string().nullable(),
  finalUrl: z.string().nullable(),
  finalStatus: z.number().nullable(),
  whoamiStatus: z.number().nullable(),
  /** The first 2 kB of the who-am-I answer (or of the final page, for a rule). */
  pageExcerpt: z.string().nullable(),
  /** The SAMLResponse posted, base64 as sent. */
  samlResponse: z.string().nullable(),
  relayState: z.string().nullable(),
  error: z.string().nullable(),
});
export type SpTestEvidence = z.infer<typeof SpTestEvidence>;

export const SpTestCaseResult = z.object({
  id: SpTestCaseId,
  title: z.string(),
  expect: z.enum(['accept', 'refuse', 'warn']),
  observed: SpTestObserved,
  verdict: SpTestVerdict,
  /** One line a person can act on. */
  detail: z.string(),
  evidence: SpTestEvidence,
});
export type SpTestCaseResult = z.infer<typeof SpTestCaseResult>;

export const SpTestReport = z.object({
  sp: z.object({ entityId: z.string(), acsUrl: z.string(), startUrl: z.string().nullable() }),
  idp: z.object({ entityId: z.string(), ssoUrl: z.string() }),
  observation: z.string(),
  user: z.object({ nameId: z.string(), attributes: z.record(z.string(), z.array(z.string())) }),
  startedAt: z.string(),
  finishedAt: z.string(),
  cases: z.array(SpTestCaseResult),
  summary: z.object({ safe: z.number(), vulnerable: z.number(), inconclusive: z.number(), warn: z.number() }),
  /** The account as the app shows it after the valid login (who-am-I), next to what the lab's JIT rules plan. */
  account: z.object({
    app: z.record(z.string(), z.string()).nullable(),
    appText: z.string().nullable(),
    lab: z.record(z.string(), z.string()).nullable(),
    labRoles: z.array(z.string()),
    /** Fields whose values differ (same field name, or lab field not shown by the app). */
    mismatches: z.array(z.object({ field: z.string(), app: z.string().nullable(), lab: z.string().nullable() })),
  }),
  /** 0: every case as a correct SP should; 1: a case VULNERABLE or the valid login failed. */
  exitCode: z.union([z.literal(0), z.literal(1)]),
});
export type SpTestReport = z.infer<typeof SpTestReport>;

export const SpTestProgress = z.object({ runId: z.string(), done: z.number(), total: z.number(), caseId: SpTestCaseId.nullable() });
export type SpTestProgress = z.infer<typeof SpTestProgress>;

/** An AuthnRequest the lab IdP received at /idp/sso, with its checks. */
export const ReceivedAuthnRequest = z.object({
  at: z.string(),
  binding: z.enum(['redirect', 'post']),
  spEntityId: z.string().nullable(),
  requestId: z.string().nullable(),
  checks: z.array(Check),
});
export type ReceivedAuthnRequest = z.infer<typeof ReceivedAuthnRequest>;

export const spTestMethods = {
  'testSps.list': { input: Empty, output: z.array(RegisteredSp) },
  'testSps.register': { input: SpRegistrationInput, output: RegisteredSp },
  'testSps.update': {
    input: z
      .object({
        id: z.string().min(1),
        startUrl: z.string().url().nullable().optional(),
        whoamiUrl: z.string().url().nullable().optional(),
        successRule: SuccessRule.nullable().optional(),
        acsUrl: z.string().url().optional(),
      })
      .strict(),
    output: RegisteredSp,
  },
  'testSps.remove': { input: z.object({ id: z.string().min(1) }).strict(), output: z.object({ removed: z.boolean() }) },
  /** The lab IdP's metadata for the SP's configuration. */
  'testSps.idpMetadata': { input: Empty, output: z.object({ entityId: z.string(), ssoUrl: z.string(), metadataUrl: z.string(), xml: z.string() }) },
  /** Runs the suite against a registered SP (all cases, or these). Progress: event `testSps.progress`. */
  'testSps.run': {
    input: z.object({ id: z.string().min(1), cases: z.array(SpTestCaseId).max(40).optional(), userId: z.string().optional() }).strict(),
    output: SpTestReport,
  },
  /** The AuthnRequests the lab IdP received lately (newest first, at most 20), with their checks. */
  'testSps.requests': { input: Empty, output: z.array(ReceivedAuthnRequest) },
  /** The last report of each SP (kept in memory and in the data folder). */
  'testSps.lastReport': { input: z.object({ id: z.string().min(1) }).strict(), output: SpTestReport.nullable() },
} as const satisfies Record<string, MethodSpec>;

export const spTestEvents = { 'testSps.progress': SpTestProgress } as const;
