import { z } from 'zod';
import { AccountDiff, Attribute, ById, Check, DiffKind, Empty, Verdict, type MethodSpec } from './common.ts';
import { JitCoverage } from './jit-coverage.ts';

// Logins (what the ACS received and what it did) and the accounts they provisioned.

export const LoginFlow = z.enum(['sp-initiated', 'idp-initiated', 'unknown']);
export type LoginFlow = z.infer<typeof LoginFlow>;

export const LoginSummary = z.object({
  id: z.string(),
  receivedAt: z.string(),
  verdict: Verdict,
  flow: LoginFlow,
  idpEntityId: z.string().nullable(),
  nameId: z.string().nullable(),
  /** The NameID the response claimed, read from the unverified document: who a rejected login pretended to be. */
  claimedNameId: z.string().nullable(),
  accountId: z.string().nullable(),
  diffKind: DiffKind,
  /** How many fields this login cleared (jit.field-cleared): "Updated — N fields cleared". */
  clearedCount: z.number().int().optional(),
  failedCheckIds: z.array(z.string()),
  /** The first failing check's title ("Audience is this SP"), what the logins list says; null when none failed. */
  firstFailure: z.string().nullable().optional(),
  warnCount: z.number().int(),
});
export type LoginSummary = z.infer<typeof LoginSummary>;

export const LoginDetail = LoginSummary.extend({
  /** The decoded XML, as received. Null when the body was not decodable. */
  xml: z.string().nullable(),
  /** The same response with its EncryptedAssertion replaced by the decrypted Assertion; null when not encrypted. */
  decryptedXml: z.string().nullable(),
  /** The SAMLResponse form value exactly as posted (base64), or null when absent. */
  samlResponse: z.string().nullable(),
  relayState: z.string().nullable(),
  nameIdFormat: z.string().nullable(),
  sessionIndex: z.string().nullable(),
  checks: z.array(Check),
  attributes: z.array(Attribute),
  diff: AccountDiff,
  /** Attribute coverage under the IdP profile's current rules (sources that matched nothing, attributes nothing
   * maps) and the fields this login cleared; null for a login that never reached the JIT rules. */
  coverage: JitCoverage.nullable().optional(),
  http: z.object({
    method: z.string(),
    contentType: z.string().nullable(),
    bytes: z.number().int(),
    status: z.number().int(),
  }),
  /** The AuthnRequest the SP sent for an SP-initiated login (XML, binding, signed); null for IdP-initiated logins and
   * logins recorded before it was kept. */
  authnRequest: z.object({ xml: z.string(), binding: z.enum(['redirect', 'post']), signed: z.boolean() }).nullable().optional(),
});
export type LoginDetail = z.infer<typeof LoginDetail>;

export const Account = z.object({
  id: z.string(),
  principal: z.string(),
  idpEntityId: z.string(),
  fields: z.record(z.string(), z.string()),
  groups: z.array(z.string()),
  roles: z.array(z.string()),
  status: z.enum(['active', 'blocked']),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string(),
  loginCount: z.number().int(),
});
export type Account = z.infer<typeof Account>;

export const loginMethods = {
  /** Starts an SP-initiated login with the active (or given) IdP. `opened` is true when the host opened a
   * login window itself (Electron); otherwise the caller navigates to `url`. */
  'logins.start': {
    input: z.object({ idpId: z.string().optional() }).strict(),
    output: z.object({ url: z.string(), opened: z.boolean() }),
  },

  'logins.list': {
    input: z.object({ verdict: Verdict.optional(), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
    output: z.array(LoginSummary),
  },
  'logins.get': { input: ById, output: LoginDetail },
} as const satisfies Record<string, MethodSpec>;

export const accountMethods = {
  'accounts.list': { input: Empty, output: z.array(Account) },
  /** An account with the timeline of every login that touched it (newest first). */
  'accounts.get': {
    input: ById,
    output: z.object({
      account: Account,
      timeline: z.array(z.object({ login: LoginSummary, diff: AccountDiff })),
    }),
  },
} as const satisfies Record<string, MethodSpec>;
