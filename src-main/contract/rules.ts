import { z } from 'zod';
import { Account } from './logins.ts';
import { AccountDiff, Check, Empty, Verdict, type MethodSpec } from './common.ts';
import { GroupsSeen, JitCoverage } from './jit-coverage.ts';
import { JitRules } from './jit-rules.ts';

// JIT rules per IdP profile, their presets, and the dry run.

export const rulesMethods = {
  /** The JIT rules of an IdP profile (the active one by default), and the JSON Schema of the model. */
  'rules.get': {
    input: z.object({ idpId: z.string().optional() }).strict(),
    output: z.object({ idpId: z.string(), rules: JitRules, jsonSchema: z.unknown() }),
  },
  /** Validates and saves rules; invalid rules are refused with code invalid-rules and details [{path, message}]. */
  'rules.update': {
    input: z.object({ idpId: z.string().optional(), rules: z.unknown() }).strict(),
    output: z.object({ idpId: z.string(), rules: JitRules }),
  },
  'rules.presets': {
    input: Empty,
    output: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), rules: JitRules })),
  },
  /** What would happen if this login (a stored one, or given attributes) arrived now, under these (or the saved)
   * rules: verdict, checks, matched account and diff. Writes nothing. */
  'rules.dryRun': {
    input: z
      .object({
        loginId: z.string().optional(),
        idpId: z.string().optional(),
        nameId: z.string().optional(),
        attributes: z.record(z.string(), z.array(z.string())).optional(),
        rules: z.unknown().optional(),
      })
      .strict(),
    output: z.object({
      verdict: Verdict,
      checks: z.array(Check),
      matchedAccountId: z.string().nullable(),
      /** The account the login matches (by principal, or by email when linked), whatever the verdict. */
      before: Account.nullable(),
      account: Account.nullable(),
      diff: AccountDiff,
      /** The groups the login carried (after transforms) and the groups the rules require. */
      groups: GroupsSeen,
      /** Null when verification failed (the rules never ran). */
      coverage: JitCoverage.nullable(),
    }),
  },
} as const satisfies Record<string, MethodSpec>;
